package io.keelmq.bench.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LatencyPlotTest {
    @Test
    void wholeNumbersOfNinesAreLabelledInPercent() {
        assertEquals("0%", LatencyPlot.percentileLabel(0));
        assertEquals("90%", LatencyPlot.percentileLabel(1));
        assertEquals("99%", LatencyPlot.percentileLabel(2));
        assertEquals("99.9%", LatencyPlot.percentileLabel(3));
        assertEquals("99.9999%", LatencyPlot.percentileLabel(6));
        assertEquals("", LatencyPlot.percentileLabel(2.5));
    }
}
