package dev.kubepath.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Every output format kubepath reads, with the bundle file it belongs in, how a block of it is recognised (by the
 * command that printed it, else by its content), and its parser. The bundle reader and the transcript splitter
 * decide each block's format here, block by block, never from a file's first line.
 * <p>
 * To read a new format, add one {@link Format} to {@link #ALL} (order matters only between formats whose
 * signatures could both match: the first wins). Its parser then gets the block dispatch and the line accounting of
 * {@link LineLedger} for free.
 */
public final class Formats {
    private Formats() {}

    /**
     * One format.
     *
     * @param file        the bundle file its output belongs in ({@code addr.txt}, {@code cluster/nodes.json}: cluster
     *                    files carry their directory, host files do not)
     * @param name        what it is, for messages ({@code ifconfig})
     * @param command     true for a command that prints this format
     * @param signature   true for an output line that only this format prints (one such line decides a block)
     * @param emptyIsData a block that yields nothing is a real answer (an empty table), not a loss
     * @param parser      (file name, file text) to what was read
     */
    public record Format(String file, String name, Predicate<Command> command, Predicate<String> signature,
                         boolean emptyIsData, BiFunction<String, String, Parsed<?>> parser) {
        public boolean hostFile() {
            return !file.startsWith("cluster/");
        }

        /** The file name inside its directory. */
        public String fileName() {
            return file.substring(file.lastIndexOf('/') + 1);
        }
    }

    private static Pattern p(String regex) {
        return Pattern.compile(regex);
    }

    private static Predicate<String> matches(String regex) {
        Pattern p = p(regex);
        return s -> p.matcher(s).find();
    }

    private static Predicate<Command> tool(String tool, String... firstOperand) {
        Set<String> ops = Set.of(firstOperand);
        return c -> c.tool().equals(tool) && (ops.isEmpty() || !c.operands().isEmpty() && ops.contains(c.operands().get(0)));
    }

    private static Predicate<Command> kubectlGet(boolean json, String... kinds) {
        Set<String> k = Set.of(kinds);
        return c -> {
            if (!c.tool().equals("kubectl")) return false;
            List<String> o = c.operands();
            if (o.size() < 2 || !o.get(0).equals("get")) return false;
            String kind = o.get(1).contains("/") ? o.get(1).substring(0, o.get(1).indexOf('/')) : o.get(1);
            boolean asJson = c.args().contains("json") || c.args().contains("-ojson") || c.args().contains("--output=json") || c.args().contains("-o=json");
            return k.contains(kind) && asJson == json;
        };
    }

    private static final Predicate<String> NEVER = s -> false;

    private static final Predicate<String> JSON_START = s -> s.startsWith("{") || s.startsWith("[");

    /** The formats, host facets first; a contributor adds a line here. */
    public static final List<Format> ALL = new CopyOnWriteArrayList<>(List.of(
            new Format("addr.txt", "ip -j addr", tool("ip", "a", "addr", "address").and(c -> c.has("-j") || c.has("-json")), NEVER, false, AddrFile::parse),
            new Format("addr.txt", "ifconfig", tool("ifconfig"), matches("^[\\w.@:-]+: flags=\\d+<|^\\S+\\s+Link encap:"), false, AddrFile::parse),
            new Format("addr.txt", "ip addr", tool("ip", "a", "addr", "address"), matches("^\\d+: [\\w.@-]+: <.*>.* mtu "), false, AddrFile::parse),
            new Format("link.txt", "ip link", tool("ip", "l", "link"), NEVER, false, AddrFile::parse),
            new Format("route.txt", "ip -j route", tool("ip", "r", "ro", "route").and(c -> c.has("-j") || c.has("-json")), NEVER, false, RouteFile::parse),
            new Format("route.txt", "route -n", tool("route"), matches("^Kernel IP routing table|^Destination\\s+Gateway\\s+Genmask"), false, RouteFile::parse),
            new Format("route.txt", "ip route", tool("ip", "r", "ro", "route"), matches("^(default|\\d+\\.\\d+\\.\\d+\\.\\d+(/\\d+)?) (via \\d|dev \\S+ (proto|scope))"), false, RouteFile::parse),
            new Format("route.txt", "netstat -rn", tool("netstat").and(c -> c.args().stream().anyMatch(a -> a.startsWith("-") && a.contains("r"))), NEVER, false, RouteFile::parse),
            new Format("neigh.txt", "arp", tool("arp"), matches("^\\? \\(\\d+\\.\\d+\\.\\d+\\.\\d+\\) at |^Address\\s+HWtype"), true, NeighFile::parse),
            new Format("iptables.txt", "iptables -L/-S", c -> c.tool().matches("ip(6)?tables(-legacy|-nft)?") && c.args().stream().anyMatch(a -> a.matches("-[a-zA-Z]*[LS][a-zA-Z]*|--list|--list-rules")),
                    matches("^Chain [A-Z][\\w-]* \\((policy \\w+|\\d+ references)|^-P [A-Z]+ (ACCEPT|DROP)$"), true, (f, t) -> IptablesFile.parse(f, t, List.of())),
            new Format("nft.txt", "nft list ruleset", tool("nft", "list"),
                    matches("^table (ip|ip6|inet|arp|bridge|netdev) \\S+ \\{|^add (table|chain|rule) (ip|ip6|inet) "), true, NftText::parse),
            new Format("ipset.txt", "ipset", tool("ipset", "list", "save", "-L", "-S"), matches("^Name: \\S+$|^create \\S+ hash:"), true, IpSets::parse),
            new Format("neigh.txt", "ip neigh", tool("ip", "n", "neigh", "neighbor", "neighbour"), matches("^\\d+\\.\\d+\\.\\d+\\.\\d+ dev \\S+ (lladdr|FAILED|INCOMPLETE)"), true, NeighFile::parse),
            new Format("fdb.txt", "bridge fdb", tool("bridge", "fdb"), matches("^([0-9a-f]{2}:){5}[0-9a-f]{2} dev \\S+ "), true, BridgeFdbText::parse),
            new Format("ipvs.txt", "ipvsadm", tool("ipvsadm"), matches("^IP Virtual Server version|^(TCP|UDP|SCTP)\\s+\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+\\s+\\w+|^-A -[tu] "), true, IpvsadmText::parse),
            new Format("iptables.txt", "iptables-save", c -> c.tool().matches("ip(6)?tables(-legacy|-nft)?-save"), matches("^\\*(filter|nat|mangle|raw|security)$|^-A [A-Z][A-Z0-9-]* |^:[A-Z][A-Z0-9-]* (ACCEPT|DROP|-) \\["), true, (f, t) -> IptablesFile.parse(f, t, List.of())),
            new Format("sysctl.txt", "sysctl", tool("sysctl"), matches("^net\\.[\\w.]+ = \\S"), false, SysctlText::parse),
            new Format("units.txt", "systemctl", tool("systemctl", "is-active", "status"), matches("^Unit \\S+ could not be found\\.$|^● [\\w@.-]+\\.service - "), false, UnitsText::parse),
            new Format("subnet.env", "subnet.env", c -> c.tool().equals("cat") && c.args().stream().anyMatch(a -> a.endsWith("subnet.env")), matches("^FLANNEL_(NETWORK|SUBNET|MTU|IPMASQ)="), false, SubnetEnv::parse),
            new Format("docker-opts.txt", "mk-docker-opts.sh", c -> c.tool().equals("cat") && c.args().stream().anyMatch(a -> a.endsWith("flannel/docker") || a.endsWith("docker_opts.env")),
                    matches("^DOCKER_(OPT_(BIP|MTU|IPMASQ)|NETWORK_OPTIONS)=\""), false, DockerOpts::parse),
            new Format("cluster/nodes.json", "kubectl get nodes -o json", kubectlGet(true, "nodes", "node", "no"), NEVER, false, KubectlJson::nodes),
            new Format("cluster/nodes.txt", "kubectl get nodes", kubectlGet(false, "nodes", "node", "no"), matches("^NAME\\s+STATUS\\s+ROLES\\s+AGE\\s+VERSION"), false, KubectlText::nodes),
            new Format("cluster/pods.json", "kubectl get pods -o json", kubectlGet(true, "pods", "pod", "po"), NEVER, false, KubectlJson::pods),
            new Format("cluster/pods.txt", "kubectl get pods", kubectlGet(false, "pods", "pod", "po"), matches("^(NAMESPACE\\s+)?NAME\\s+READY\\s+STATUS\\s+RESTARTS"), true, KubectlText::pods),
            new Format("cluster/services.json", "kubectl get svc -o json", kubectlGet(true, "svc", "service", "services"), NEVER, false, KubectlJson::services),
            new Format("cluster/services.txt", "kubectl get svc", kubectlGet(false, "svc", "service", "services"), matches("^(NAMESPACE\\s+)?NAME\\s+TYPE\\s+CLUSTER-IP\\s+EXTERNAL-IP"), true, KubectlText::services),
            new Format("cluster/endpoints.json", "kubectl get endpoints -o json", kubectlGet(true, "endpoints", "ep", "endpoint"), NEVER, false, KubectlJson::endpoints),
            // the table form was read in a bundle's endpoints.txt but had no entry here, so a session's `kubectl get ep` was "not read"
            new Format("cluster/endpoints.txt", "kubectl get endpoints", kubectlGet(false, "endpoints", "ep", "endpoint"),
                    matches("^(NAMESPACE\\s+)?NAME\\s+ENDPOINTS(\\s+AGE)?\\s*$"), true, KubectlText::endpoints),
            new Format("cluster/flannel-config.json", "flannel config", c -> c.tool().equals("etcdctl") && c.operands().size() == 2
                    && c.operands().get(0).equals("get") && c.operands().get(1).endsWith("/network/config"), NEVER, false, FlannelConfigJson::parse),
            new Format("cluster/leases.txt", "etcdctl", tool("etcdctl", "ls", "get"), matches("^/[\\w./-]+/subnets/\\d+\\.\\d+\\.\\d+\\.\\d+-\\d+$|^\\{\"PublicIP\":"), true, LeasesText::parse)));

    /** The formats whose output belongs in a bundle file ({@code addr.txt}, {@code cluster/nodes.txt}). */
    public static List<Format> forFile(String file) {
        List<Format> out = new ArrayList<>();
        for (Format f : ALL) if (f.file().equals(file)) out.add(f);
        return out;
    }

    /** A block: a run of output lines that one command printed (or that stand together with no prompt). */
    public record Block(Transcript.Section section, List<Transcript.Line> lines, boolean typed) {
        public Block(Transcript.Section section, List<Transcript.Line> lines) {
            this(section, lines, section.typed() != null);
        }

        /** The command that printed this block; null for output with no prompt (or past the command's own output). */
        public Command command() {
            return typed ? section.typed() : null;
        }

        public int firstLine() {
            return lines.isEmpty() ? section.promptLine() : lines.get(0).number();
        }

        public int lastLine() {
            return lines.isEmpty() ? section.promptLine() : lines.get(lines.size() - 1).number();
        }
    }

    /**
     * The blocks of a transcript: each command's output is one block; output with no prompt before it is cut where
     * a blank (or non-data) line is followed by a line with another format's signature, so a paste of several
     * outputs without prompts is still read block by block.
     */
    public static List<Block> blocks(Transcript t, List<Format> candidates) {
        List<Block> out = new ArrayList<>();
        for (Transcript.Section s : t.sections()) {
            if (s.lines().isEmpty()) {
                out.add(new Block(s, s.lines()));
                continue;
            }
            boolean typed = s.typed() != null;
            List<Transcript.Line> ls = s.lines();
            if (ls.get(ls.size() - 1).number() - ls.get(0).number() == ls.size() - 1) { // no gap: one block, the section's own list
                out.add(new Block(s, ls, typed));
                continue;
            }
            List<Transcript.Line> cur = new ArrayList<>();
            // the command's own format; past a gap, a line of another file's format starts output pasted with no prompt
            Format curFormat = s.typed() == null ? null : byCommand(s.typed(), candidates);
            int prev = -1;
            for (Transcript.Line l : s.lines()) {
                // only a line after a gap can start another block: the lines of a long output are not tested one by one
                boolean gap = prev < 0 || l.number() > prev + 1;
                Format f = gap ? bySignature(l.text(), candidates) : null;
                if (f != null && !cur.isEmpty() && l.number() > prev + 1 && (curFormat == null ? typed : !f.file().equals(curFormat.file()))) {
                    out.add(new Block(s, cur, typed));
                    cur = new ArrayList<>();
                    curFormat = null;
                    typed = false;
                }
                if (curFormat == null) curFormat = f;
                cur.add(l);
                prev = l.number();
            }
            out.add(new Block(s, cur, typed));
        }
        return out;
    }

    private static Format byCommand(Command c, List<Format> candidates) {
        for (Format f : candidates) if (f.command().test(c)) return f;
        return null;
    }

    private static Format bySignature(String line, List<Format> candidates) {
        for (Format f : candidates) if (f.signature().test(line)) return f;
        return null;
    }

    /**
     * The format of a block among the candidates: the command's, else the first whose signature one of its lines
     * has, else the JSON format of the candidates when the block is a JSON document; null when none fits.
     */
    public static Format of(Block b, List<Format> candidates) {
        Command c = b.command();
        if (c != null) return byCommand(c, candidates); // null: a command that prints no format of these files (curl, ping)
        for (Transcript.Line l : b.lines()) {
            Format f = bySignature(l.text(), candidates);
            if (f != null) return f;
        }
        if (!b.lines().isEmpty() && JSON_START.test(b.lines().get(0).text().stripLeading())) {
            for (Format f : candidates) if (f.file().endsWith(".json") || f.name().contains("-j ")) return f;
        }
        return null;
    }

    /** The formats by file, in the order of {@link #ALL}. */
    public static Map<String, List<Format>> byFile() {
        Map<String, List<Format>> out = new java.util.LinkedHashMap<>();
        for (Format f : ALL) out.computeIfAbsent(f.file(), k -> new ArrayList<>()).add(f);
        return out;
    }
}
