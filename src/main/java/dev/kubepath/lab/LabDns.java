package dev.kubepath.lab;

import dev.kubepath.cluster.ClusterDns;
import dev.kubepath.net.Ipv4;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The lab's CoreDNS: a pod that listens on UDP 53 (the coredns Deployment's pods) runs dns_responder.py on port 53,
 * UDP and TCP, answering A queries for the cluster's Service names from a records file, as CoreDNS's kubernetes
 * plugin answers from the API server. The file holds {@link ClusterDns#records} (the table the shell's nslookup and
 * dig answer from) and is rewritten when it changes: when pods change, before {@code lab verify}, after each
 * command the supervisor runs; the responder reads it again on its next query after a change.
 */
final class LabDns {
    static final int PORT = 53;
    private static final String SCRIPT = script();

    private final Path records;
    private volatile Supplier<Map<String, List<Ipv4>>> source = Map::of;
    private String written;

    LabDns(Lab lab) {
        this.records = lab.file("dns-records");
    }

    /** Where the records come from: the control plane's Services and endpoints. */
    void source(Supplier<Map<String, List<Ipv4>>> source) {
        this.source = source;
        refresh();
    }

    /** Writes the records file when the records differ from those written last (atomically: a query never reads half). */
    synchronized void refresh() {
        StringBuilder sb = new StringBuilder();
        source.get().forEach((name, ips) -> { for (Ipv4 ip : ips) sb.append(name).append('=').append(ip).append('\n'); });
        String text = sb.toString();
        if (text.equals(written)) return;
        try {
            Path tmp = records.resolveSibling(records.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, records, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the lab's DNS records " + records, e);
        }
        written = text;
    }

    /** The responder's command line; it prints "ready" once it listens, as the pods' HTTP server does. */
    List<String> argv() {
        return List.of(PodServer.PYTHON, "-c", SCRIPT, "0.0.0.0", String.valueOf(PORT), ClusterDns.ZONE, "@" + records);
    }

    private static String script() {
        try (InputStream in = LabDns.class.getResourceAsStream("dns_responder.py")) {
            if (in == null) throw new IllegalStateException("dns_responder.py is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
