package dev.kubepath.ingest;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The corpus of real-world output (src/test/resources/real-world/, one folder per snippet with its SOURCE.md) as a
 * table of format -> snippets: each snippet file is read block by block as the bundle reader reads it, and each
 * block's format is the one {@link Formats} decided. Every format should have two independent public sources;
 * those that do not yet are listed in {@link #FEWER_THAN_TWO}, so the table cannot shrink unnoticed.
 */
class CorpusFormatsTest {
    static final Path CORPUS = Path.of("src/test/resources/real-world");

    /**
     * Formats with fewer than two public snippets in the corpus today (see real-world/README.md): JSON outputs, which
     * users rarely paste whole in threads (their reading is proven on the real tools' output instead: real/ and the
     * lab's bundles); and arp -n rows whose header a grep cut, which no signature tells
     * from ip neigh (the neighbour file's parser tells them apart).
     */
    static final Set<String> FEWER_THAN_TWO = Set.of("ip -j addr", "ip -j route", "kubectl get endpoints -o json",
            "kubectl get endpointslices -o json", "kubectl get nodes -o json", "kubectl get pods -o json", "kubectl get svc -o json",
            "neigh.txt (form told by its parser)", "describe-event.txt (form told by its parser)",
            "kubelet-journal.txt (form told by its parser)");

    private static final Set<String> CLUSTER = Set.of("nodes.json", "nodes.txt", "pods.json", "pods.txt", "services.json",
            "services.txt", "endpoints.json", "endpoints.txt", "endpointslices.json", "flannel-config.json", "leases.txt");

    /** Format name -> snippet folders showing it. */
    static Map<String, Set<String>> table() throws IOException {
        Map<String, Set<String>> table = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(CORPUS)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.sorted().toList()) {
                        String name = f.getFileName().toString();
                        if (name.equals("SOURCE.md") || name.endsWith(".sh")) continue;
                        for (String format : formats(name, Files.readString(f))) {
                            table.computeIfAbsent(format, k -> new TreeSet<>()).add(dir.getFileName().toString());
                        }
                    }
                }
            }
        }
        return table;
    }

    /** The formats of a snippet file's blocks: a session is cut into bundle files first, as --transcript does. */
    private static Set<String> formats(String name, String text) {
        Set<String> out = new TreeSet<>();
        if (name.equals("session.txt")) {
            SessionBundle s = SessionBundle.split("session.txt", text);
            s.files().forEach((file, lines) -> {
                StringBuilder sb = new StringBuilder();
                for (SessionBundle.Source l : lines) sb.append(l.text()).append('\n');
                out.addAll(formatsOf(file.startsWith("cluster/") ? file : file.substring(file.lastIndexOf('/') + 1), sb.toString()));
            });
            return out;
        }
        // the etcdctl captures are named by their form (v2-get.txt ...): they are leases.txt
        String key = name.startsWith("v2-") || name.startsWith("v3-") ? "cluster/leases.txt" : CLUSTER.contains(name) ? "cluster/" + name : name;
        return formatsOf(key, text);
    }

    /** Each block's format as the bundle reader decides it: by the command that printed it, else by its signature. */
    private static Set<String> formatsOf(String key, String text) {
        List<Formats.Format> candidates = Formats.forFile(key);
        Set<String> out = new TreeSet<>();
        for (Formats.Block b : Formats.blocks(Transcript.of(text), candidates)) {
            if (b.lines().isEmpty()) continue;
            Formats.Format f = Formats.of(b, candidates);
            // a block neither its command nor a signature decides is read by the file's own parser: the file's one
            // format when it has one, else named by the file
            if (f == null && candidates.size() == 1) f = candidates.get(0);
            out.add(f != null ? f.name() : key.equals("cluster/endpointslices.json") ? "kubectl get endpointslices -o json" : key + " (form told by its parser)");
        }
        return out;
    }

    @Test
    void theCorpusHasSixtySnippetsAndEveryFormatTwoSourcesButTheListedGaps() throws IOException {
        Map<String, Set<String>> table = table();
        StringBuilder shown = new StringBuilder();
        table.forEach((format, snippets) -> shown.append(String.format(java.util.Locale.ROOT, "%-28s %d  %s%n", format, snippets.size(), snippets)));
        long snippets;
        try (Stream<Path> dirs = Files.list(CORPUS)) {
            snippets = dirs.filter(Files::isDirectory).count();
        }
        Set<String> thin = new TreeSet<>();
        table.forEach((format, s) -> {
            if (s.size() < 2) thin.add(format);
        });
        for (Formats.Format f : Formats.ALL) if (!table.containsKey(f.name())) thin.add(f.name());
        assertThat(thin).as("formats with fewer than two snippets\n" + shown).isEqualTo(FEWER_THAN_TWO);
        assertThat(snippets).as("snippets in the corpus").isGreaterThanOrEqualTo(60);

    }
}
