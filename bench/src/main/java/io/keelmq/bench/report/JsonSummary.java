package io.keelmq.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelmq.bench.DiskProbe;
import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.broker.HeapFigures;
import io.keelmq.bench.scenario.Measurement;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code summary.json}: everything needed to compare two commits' runs without reading the console —
 * the commit, the machine, the options, the disk's limit, every measurement and the aggregates, ratios
 * and targets. Rates in msgs/s and MB/s (10^6 bytes), latency in ms, heap in bytes.
 */
public final class JsonSummary {
    /**
     * Where and what was run; {@code commit} may be null outside a git work tree. {@code clients}: each broker's client
     * library; {@code clientsNote}: empty, or the warning that the clients differ (a non-JMS broker ran).
     */
    public record RunInfo(String timestamp, String commit, boolean dirty, String commandLine,
                          String scenario, Map<String, Object> scenarioSettings, Map<String, Object> options,
                          Map<String, Object> clients, String clientsNote) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonSummary() {
    }

    public static Path write(Path file, RunInfo info, DiskProbe.Result disk, Results results,
                             List<TargetOutcome> targets) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("tool", "keel-bench");
        root.put("timestamp", info.timestamp());
        root.put("commit", info.commit());
        root.put("dirty", info.dirty());
        root.put("commandLine", info.commandLine());
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        root.put("scenario", info.scenario());
        root.set("scenarioSettings", MAPPER.valueToTree(info.scenarioSettings()));
        root.set("options", MAPPER.valueToTree(info.options()));
        root.set("clients", MAPPER.valueToTree(info.clients()));
        root.put("clientsDiffer", !info.clientsNote().isEmpty());
        if (!info.clientsNote().isEmpty()) {
            root.put("clientsNote", info.clientsNote());
        }
        ObjectNode diskNode = root.putObject("disk");
        diskNode.put("directory", disk.directory().toAbsolutePath().toString());
        diskNode.put("forcesPerSecond1KiB", round(disk.forcesPerSecond()));
        diskNode.put("megabytesPerSecond1MiBForced", round(disk.megabytesPerSecond()));

        ArrayNode measurements = root.putArray("measurements");
        for (Measurement m : results.all()) {
            ObjectNode node = measurements.addObject();
            node.put("phase", m.phase());
            node.put("broker", m.broker().label());
            node.put("round", m.round());
            node.put("supported", m.supported());
            if (!m.supported()) {
                node.put("reason", m.unsupportedReason());
                continue;
            }
            node.put("messages", m.messages());
            node.put("seconds", round(m.seconds()));
            node.put("messagesPerSecond", round(m.messagesPerSecond()));
            node.put("megabytesPerSecond", round(m.megabytesPerSecond()));
            node.put("messageSize", m.messageSize());
            putCount(node, "sent", m.sent());
            putCount(node, "received", m.received());
            if (m.offeredRate() > 0) {
                node.put("offeredRate", m.offeredRate());
            }
            if (m.latency() != null && m.latency().getTotalCount() > 0) {
                putLatency(node, LatencySummary.of(m.latency()), m.latencyMeaning());
            }
            putHeap(node, m.heap());
            if (m.cpu() != null) {
                node.put("cpuBusyPercent", round(m.cpu().busyPercent()));
                node.put("cpuIowaitPercent", round(m.cpu().iowaitPercent()));
                node.put("cpuStealPercent", round(m.cpu().stealPercent()));
            }
            if (m.cpuPerMessage() != null) {
                node.put("brokerCpuMillisPer1000", round(m.cpuPerMessage().broker().totalMillis()));
                node.put("brokerSystemCpuMillisPer1000", round(m.cpuPerMessage().broker().systemMillis()));
                node.put("clientCpuMillisPer1000", round(m.cpuPerMessage().client().totalMillis()));
                node.put("clientSystemCpuMillisPer1000", round(m.cpuPerMessage().client().systemMillis()));
            }
        }

        ArrayNode summary = root.putArray("summary");
        ArrayNode ratios = root.putArray("ratios");
        for (String phase : results.phases()) {
            for (BrokerKind broker : results.brokers()) {
                results.aggregate(phase, broker).ifPresent(a -> {
                    ObjectNode node = summary.addObject();
                    node.put("phase", phase);
                    node.put("broker", broker.label());
                    node.put("rounds", a.rounds());
                    node.put("supported", a.supported());
                    if (!a.supported()) {
                        node.put("reason", a.unsupportedReason());
                        return;
                    }
                    node.put("messagesPerSecond", round(a.messagesPerSecond()));
                    node.put("minMessagesPerSecond", round(a.minMessagesPerSecond()));
                    node.put("maxMessagesPerSecond", round(a.maxMessagesPerSecond()));
                    node.put("megabytesPerSecond", round(a.megabytesPerSecond()));
                    putCount(node, "sent", a.sent());
                    putCount(node, "received", a.received());
                    if (a.latencySummary() != null) {
                        putLatency(node, a.latencySummary(), a.latencyMeaning());
                    }
                    putHeap(node, a.maxHeap());
                });
            }
            results.ratios(phase).forEach(r -> {
                ObjectNode node = ratios.addObject();
                node.put("phase", phase);
                node.put("versus", r.versus().label());
                node.put("messagesPerSecond", round(r.messagesPerSecond()));
                if (!Double.isNaN(r.p99())) {
                    node.put("p50", round(r.p50()));
                    node.put("p99", round(r.p99()));
                    node.put("p999", round(r.p999()));
                }
            });
        }

        ArrayNode targetNodes = root.putArray("targets");
        for (TargetOutcome target : targets) {
            ObjectNode node = targetNodes.addObject();
            node.put("claim", target.claim());
            node.put("measured", target.measured());
            node.put("verdict", target.verdict().words());
        }
        Files.createDirectories(file.getParent());
        MAPPER.writeValue(file.toFile(), root);
        return file;
    }

    private static void putCount(ObjectNode node, String name, long value) {
        if (value >= 0) {
            node.put(name, value);
        }
    }

    private static void putLatency(ObjectNode node, LatencySummary l, String meaning) {
        ObjectNode latency = node.putObject("latencyMs");
        latency.put("meaning", meaning);
        latency.put("count", l.count());
        latency.put("p50", round(l.p50()));
        latency.put("p90", round(l.p90()));
        latency.put("p99", round(l.p99()));
        latency.put("p99.9", round(l.p999()));
        latency.put("max", round(l.max()));
    }

    private static void putHeap(ObjectNode node, HeapFigures heap) {
        if (heap != null) {
            ObjectNode h = node.putObject("heapAfterFullGc");
            h.put("usedBytes", heap.usedBytes());
            h.put("committedBytes", heap.committedBytes());
            h.put("maxBytes", heap.maxBytes());
        }
    }

    /** Four significant decimals are more than any of these figures can claim. */
    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
