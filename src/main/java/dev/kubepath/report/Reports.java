package dev.kubepath.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubepath.model.Snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Builds the report's data from a snapshot: the topology, and the symptom matrix traced here (every host against
 * every frontend). The doctor's findings come in as their JSON; a matrix from elsewhere can replace this one with
 * {@link ReportData#withMatrix}.
 */
public final class Reports {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Reports() {}

    public static ReportData build(Snapshot snapshot, String source, JsonNode findings) {
        if (byClasses(snapshot)) {
            ClassMatrix.Result m = ClassMatrix.compute(snapshot, findings);
            List<Map<String, Object>> principle = m.principle().stream().map(PacketStory::of).toList();
            return new ReportData(snapshot.name(), source, tree(Topology.json(snapshot, false)), tree(List.of()), tree(m.matrix()),
                    tree(m.traces()), findings, tree(principle));
        }
        List<Frontends.Frontend> columns = Frontends.of(snapshot);
        FlowMatrix.Result m = FlowMatrix.compute(snapshot, columns);
        List<Map<String, Object>> principle = m.principleTraces().stream().map(PacketStory::of).toList();
        return new ReportData(snapshot.name(), source, tree(Topology.json(snapshot)), tree(Frontends.json(columns)),
                tree(m.matrix()), tree(m.traces()), findings, tree(principle));
    }

    /**
     * Whether the page shows the matrix by classes of hosts and destinations: when flow by flow it would have more
     * than {@link ClassMatrix#CLASS_CELLS} cells (every host x every ClusterIP, NodeIP:nodePort and docker0 gateway).
     */
    public static boolean byClasses(Snapshot s) {
        long ports = 0;
        for (var svc : s.cluster().services()) for (var p : svc.ports()) if (p.protocol() == dev.kubepath.net.Protocol.TCP) ports += 1 + (p.nodePort() > 0 ? s.cluster().nodes().size() : 0);
        return (long) s.hosts().size() * (ports + s.hosts().size()) > ClassMatrix.CLASS_CELLS;
    }

    /** Reads a findings JSON file (the doctor's output); names the file when it is not JSON. */
    public static JsonNode readFindings(Path file) {
        try {
            JsonNode n = MAPPER.readTree(Files.readString(file));
            if (n == null || !n.isObject()) throw new IllegalArgumentException(file + ": expected a JSON object with \"findings\"");
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a readable findings JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** Writes the single-file HTML report and returns its size in bytes. */
    public static long write(ReportData data, Path out) throws IOException {
        String html = ReportPage.html(data);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(out, html);
        return Files.size(out);
    }

    static JsonNode tree(Object o) {
        return MAPPER.valueToTree(o);
    }
}
