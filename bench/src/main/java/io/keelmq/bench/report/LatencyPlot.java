package io.keelmq.bench.report;

import io.keelmq.bench.broker.BrokerKind;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A PNG per phase in the classic HdrHistogram shape: latency (ms) against percentile on a logarithmic
 * axis of 1/(1-p), so the tail (99%, 99.9%, 99.99%) gets as much room as the median; one line per broker
 * over all rounds. The axis is drawn as log10(1/(1-p)) on a linear scale, labelled in percent at each
 * whole number ("90%", "99%", ...): XChart's own logarithmic axis ignores a label function.
 */
public final class LatencyPlot {
    /** The last point is drawn at this percentile (100% itself is infinitely far on the axis). */
    private static final double LAST_PERCENTILE = 99.9999;
    private static final double NANOS_PER_MILLI = 1e6;

    private LatencyPlot() {
    }

    /** @return the files written */
    public static List<Path> write(Path directory, Results results) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Path> written = new ArrayList<>();
        for (String phase : results.phases()) {
            XYChart chart = new XYChartBuilder().width(900).height(560)
                    .title(phase + ": latency by percentile").xAxisTitle("percentile").yAxisTitle("latency (ms)")
                    .build();
            chart.getStyler().setXAxisMin(0.0);
            chart.getStyler().setXAxisMax(Math.log10(1 / (1 - LAST_PERCENTILE / 100)));
            chart.getStyler().setxAxisTickLabelsFormattingFunction(LatencyPlot::percentileLabel);
            chart.getStyler().setMarkerSize(0);
            boolean any = false;
            for (BrokerKind broker : results.brokers()) {
                Aggregate aggregate = results.aggregate(phase, broker).orElse(null);
                if (aggregate == null || aggregate.latency() == null || aggregate.latency().getTotalCount() == 0) {
                    continue;
                }
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                points(aggregate.latency(), x, y);
                XYSeries series = chart.addSeries(broker.label(), x, y);
                series.setMarker(SeriesMarkers.NONE);
                any = true;
            }
            if (any) {
                Path file = directory.resolve(phase + "-latency.png");
                Files.createDirectories(directory);
                BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
                written.add(file);
            }
        }
        return written;
    }

    private static void points(Histogram histogram, List<Double> x, List<Double> y) {
        for (HistogramIterationValue value : histogram.percentiles(5)) {
            double percentile = Math.min(value.getPercentileLevelIteratedTo(), LAST_PERCENTILE);
            x.add(Math.log10(1 / (1 - percentile / 100)));
            y.add(value.getValueIteratedTo() / NANOS_PER_MILLI);
            if (percentile >= LAST_PERCENTILE) {
                break;
            }
        }
    }

    /** 0 -> 0%, 1 -> 90%, 2 -> 99%, 3 -> 99.9%; nothing between whole numbers. */
    static String percentileLabel(double x) {
        long nines = Math.round(x);
        if (Math.abs(x - nines) > 1e-6 || nines < 0) {
            return "";
        }
        if (nines == 0) {
            return "0%";
        }
        return nines == 1 ? "90%" : "99" + (nines > 2 ? "." + "9".repeat((int) nines - 2) : "") + "%";
    }
}
