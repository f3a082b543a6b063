package dev.kubepath.ingest;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
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
     * Formats with fewer than two public snippets in the corpus today (see real-world/README.md, which says what was
     * searched): the two evidence files of the CNI bridge snippet, whose one public source holds both. (kubectl's JSON
     * for EndpointSlices has two: a metrics project's test input captured from a kind cluster, and an edge project's
     * test input, a watch event of a managed cluster; Endpoints' JSON has two: kubernetes' hazelcast example and a
     * Kubernetes client's test input.)
     */
    static final Set<String> FEWER_THAN_TWO = Set.of(
            "describe-event.txt (form told by its parser)", "kubelet-journal.txt (form told by its parser)");

    /**
     * The forms docs/bundle-format.md names inside one format, each told by a line only that form prints (read off the
     * snippet's files): the table of {@link Formats} counts {@code ifconfig} once whether it is net-tools 2.x or the
     * old {@code Link encap:} form, and {@code etcdctl} for every lease source. Each form should have two snippets
     * too.
     */
    static final Map<String, Predicate<String>> FORMS = forms();

    /**
     * Forms with fewer than two public snippets today; what was searched for them is in real-world/README.md.
     * kube-proxy's nftables mode has two sources, one in each form: a node's {@code nft -a list table kube-proxy}
     * and kube-proxy's own test fixture, the transaction it writes.
     */
    static final Set<String> FORMS_FEWER_THAN_TWO = Set.of("nft: kube-proxy's table as nft list prints it",
            "nft -f: kube-proxy's transaction (add ... lines)");

    private static Map<String, Predicate<String>> forms() {
        Map<String, Predicate<String>> f = new LinkedHashMap<>();
        String ip = "\\d+\\.\\d+\\.\\d+\\.\\d+", mac = "([0-9a-f]{2}:){5}[0-9a-f]{2}";
        f.put("ip -br addr / ip -br link", line("^[\\w.@-]+\\s+(UP|DOWN|UNKNOWN)\\s+(" + ip + "/\\d+|" + mac + "\\s+<)"));
        f.put("ip -j addr", line("\"addr_info\""));
        f.put("ifconfig (net-tools 2.x)", line("^\\s*[\\w.@:-]+: flags=\\d+<"));
        f.put("ifconfig (old: Link encap:)", line("^\\S+\\s+Link encap:"));
        f.put("ip -j route", line("^\\s*(\\[ \\{)?\"dst\": ?\""));
        f.put("route (without -n: default, *)", line("^default\\s+\\S+\\s+0\\.0\\.0\\.0\\s+UG|^\\S+\\s+\\*\\s+" + ip + "\\s+U"));
        f.put("arp -an", line("^\\? \\(" + ip + "\\) at "));
        f.put("arp -n (with its header)", line("^Address\\s+HWtype\\s+HWaddress"));
        f.put("arp -n (rows whose header a grep cut)", line("^" + ip + "\\s+ether\\s+" + mac + "\\s+C").and(line("^Address\\s+HWtype").negate()));
        f.put("bridge fdb show dev DEV (lines without dev)", line("^" + mac + " dst " + ip));
        f.put("ipvsadm -Ln", line("^(TCP|UDP)\\s+" + ip + ":\\d+ \\w+"));
        f.put("ipvsadm -L (service names)", line("^(TCP|UDP)\\s+\\S+:[a-z][\\w-]* \\w+"));
        f.put("ipvsadm -Lnc", line("^pro\\s+expire\\s+state\\s+source"));
        f.put("iptables-save", line("^\\*(filter|nat|mangle|raw)$"));
        f.put("iptables-save fragment (no *table)", line("^-A [A-Z][\\w-]* ").and(line("^\\*(filter|nat|mangle|raw)$").negate()));
        f.put("iptables -L", line("^Chain [A-Z][\\w-]* \\((policy \\w+|\\d+ references)"));
        f.put("iptables -S", line("^-P [A-Z]+ (ACCEPT|DROP)$"));
        f.put("ipset list", line("^Name: \\S+$"));
        f.put("ipset save", line("^create \\S+ hash:"));
        f.put("nft: iptables-nft's tables", line("^table ip (filter|nat) \\{"));
        // kube-proxy's nftables mode in either form nft reads it: as nft list prints the table, or as the nft -f
        // transaction kube-proxy writes (add table/chain/rule ...); each form is counted on its own too
        f.put("nft: kube-proxy's nftables mode", line("^table ip kube-proxy \\{|^add table ip kube-proxy\\b"));
        f.put("nft: kube-proxy's table as nft list prints it", line("^table ip kube-proxy \\{"));
        f.put("nft -f: kube-proxy's transaction (add ... lines)", line("^add (table|chain|rule) ip kube-proxy\\b"));
        f.put("systemctl status", line("^\\S*\\s*[\\w@.-]+\\.service - .*\\n\\s+Loaded:"));
        f.put("etcdctl ls (keys)", line("^/[\\w./-]+/subnets/" + ip + "-\\d+$"));
        f.put("etcdctl get (lease values)", line("\\{\"PublicIP\":"));
        f.put("etcdctl get -w json", line("\"kvs\":"));
        f.put("kube subnet manager: node as yaml or json", line("^\\s+\"?flannel\\.alpha\\.coreos\\.com/public-ip\"?: "));
        f.put("kube subnet manager: kubectl describe node", line("^Annotations:\\s+"));
        f.put("kubectl get svc (before 1.5: no TYPE column)", line("^(NAMESPACE\\s+)?NAME\\s+(CLUSTER_IP|CLUSTER-IP)\\s+EXTERNAL"));
        return f;
    }

    private static Predicate<String> line(String regex) {
        Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
        return t -> p.matcher(t).find();
    }

    /**
     * Formats docs/bundle-format.md lists that have no entry of their own in {@link Formats#ALL}: their file's parser
     * reads them, so they are named by the file.
     */
    private static final Map<String, String> BY_FILE = Map.of("cluster/endpointslices.json", "kubectl get endpointslices -o json");

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
            // a JSON block with no command goes to the file's one JSON form (AddrFile and RouteFile tell JSON from
            // text by its first character)
            if (f == null && json(b)) {
                List<Formats.Format> j = candidates.stream().filter(c -> c.name().contains(" -j ")).toList();
                if (j.size() == 1) f = j.get(0);
            }
            out.add(f != null ? f.name() : BY_FILE.getOrDefault(key, key + " (form told by its parser)"));
        }
        return out;
    }

    private static boolean json(Formats.Block b) {
        for (Transcript.Line l : b.lines()) {
            String t = l.text().strip();
            if (!t.isEmpty()) return t.startsWith("[") || t.startsWith("{");
        }
        return false;
    }

    /** Form name -> snippet folders showing it (a line only that form prints, in any of the folder's files). */
    static Map<String, Set<String>> formsTable() throws IOException {
        Map<String, Set<String>> table = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(CORPUS)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                StringBuilder text = new StringBuilder();
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.sorted().toList()) {
                        String name = f.getFileName().toString();
                        if (!name.equals("SOURCE.md") && !name.endsWith(".sh")) text.append(Files.readString(f)).append('\n');
                    }
                }
                FORMS.forEach((form, shows) -> {
                    if (shows.test(text.toString())) table.computeIfAbsent(form, k -> new TreeSet<>()).add(dir.getFileName().toString());
                });
            }
        }
        return table;
    }

    @Test
    void everyFormInsideAFormatHasTwoSnippetsButTheListedGaps() throws IOException {
        Map<String, Set<String>> table = formsTable();
        StringBuilder shown = new StringBuilder();
        Set<String> thin = new TreeSet<>();
        FORMS.keySet().forEach(form -> {
            Set<String> s = table.getOrDefault(form, Set.of());
            shown.append(String.format(java.util.Locale.ROOT, "%-50s %d  %s%n", form, s.size(), s));
            if (s.size() < 2) thin.add(form);
        });
        assertThat(thin).as("forms with fewer than two snippets\n" + shown).isEqualTo(FORMS_FEWER_THAN_TWO);
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
        for (String f : BY_FILE.values()) if (!table.containsKey(f)) thin.add(f);
        assertThat(thin).as("formats with fewer than two snippets\n" + shown).isEqualTo(FEWER_THAN_TWO);
        assertThat(snippets).as("snippets in the corpus").isGreaterThanOrEqualTo(60);

    }
}
