package dev.kubepath.shell;

import dev.kubepath.model.Chain;
import dev.kubepath.model.Host;
import dev.kubepath.model.IpSet;
import dev.kubepath.model.Rule;
import dev.kubepath.proxy.Ipset;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code iptables [-t TABLE] -L [CHAIN] -n [-v] [--line-numbers]} and {@code iptables [-t TABLE] -S [CHAIN]} as
 * iptables-legacy 1.8.9 prints a host's rules: the table's built-in chains in hook order (an absent one with policy
 * ACCEPT and no rules, as the kernel always has them), then the user chains in byte order, as libiptc keeps them.
 * Each row is read from the rule's iptables-save words (what the kernel holds) and printed as iptables' match and
 * target modules print themselves. Counters are 0: the simulation counts no packets. Checked against the real tool by
 * NetfilterGoldenTest (scripts/capture-netfilter-goldens.sh).
 */
final class Iptables {
    static final String VERSION = "iptables v1.8.9 (legacy)";
    private static final String TRY = "Try `iptables -h' or 'iptables --help' for more information.\n";
    private static final Map<String, List<String>> BUILT_IN = Map.of(
            "filter", List.of("INPUT", "FORWARD", "OUTPUT"),
            "nat", List.of("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
            "mangle", List.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"),
            "raw", List.of("PREROUTING", "OUTPUT"));

    private final Host host;

    Iptables(Host host) {
        this.host = host;
    }

    private record Options(String table, char command, String chain, boolean numeric, boolean verbose, boolean lineNumbers) {}

    String run(List<String> args) {
        Options o = options(args);
        List<String> builtIn = BUILT_IN.get(o.table());
        if (builtIn == null) {
            throw new ToolError(VERSION + ": can't initialize iptables table `" + o.table() + "': Table does not exist (do you need to insmod?)\n"
                    + "Perhaps iptables or your kernel needs to be upgraded.\n", 3);
        }
        List<Chain> chains = chains(o.table(), builtIn);
        if (o.chain() != null) {
            chains = chains.stream().filter(c -> c.name().equals(o.chain())).toList();
            if (chains.isEmpty()) throw new ToolError("iptables: No chain/target/match by that name.\n", 1);
        }
        if (o.command() == 'S') return listRules(chains);
        if (!o.numeric()) {
            throw new ToolError("kubepath shell: iptables -L without -n would resolve addresses and ports to names, which the "
                    + "simulation does not do; add -n\n", 1);
        }
        return list(chains, chains(o.table(), builtIn), o);
    }

    /**
     * {@code ipset list [NAME]} (also {@code -L}, {@code -list}): the host's sets as {@link Ipset} renders them; an
     * unknown set is refused in ipset 7.17's words.
     */
    static String ipset(Host host, List<String> args) {
        if (args.isEmpty() || !List.of("list", "-L", "-list", "--list").contains(args.get(0))) {
            throw new ToolError("kubepath shell: ipset " + String.join(" ", args) + " is not simulated (ipset list [NAME] is)\n", 1);
        }
        List<IpSet> sets = host.ipsets();
        if (args.size() > 1) {
            sets = sets.stream().filter(s -> s.name().equals(args.get(1))).toList();
            if (sets.isEmpty()) throw new ToolError("ipset v7.17: The set with the given name does not exist\n", 1);
        }
        return Ipset.list(sets);
    }

    /** iptables' option letters may be bundled ({@code -nvL FORWARD}); a chain name follows -L or -S. */
    private static Options options(List<String> args) {
        String table = "filter", chain = null;
        char command = 0;
        boolean numeric = false, verbose = false, lineNumbers = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            boolean listing = false;
            switch (a) {
                case "-t", "--table" -> {
                    if (i + 1 >= args.size()) throw usage("option \"" + a + "\" requires an argument");
                    table = args.get(++i);
                }
                case "--list" -> { command = 'L'; listing = true; }
                case "--list-rules" -> { command = 'S'; listing = true; }
                case "--numeric" -> numeric = true;
                case "--verbose" -> verbose = true;
                case "--line-numbers" -> lineNumbers = true;
                default -> {
                    if (!a.startsWith("-") || a.startsWith("--") || a.length() < 2) throw usage("unknown option \"" + a + "\"");
                    for (char c : a.substring(1).toCharArray()) {
                        switch (c) {
                            case 'L', 'S' -> { command = c; listing = true; }
                            case 'n' -> numeric = true;
                            case 'v' -> verbose = true;
                            case 'x' -> { } // exact counters: ours are all 0
                            case 'A', 'I', 'D', 'R', 'F', 'X', 'N', 'P', 'E', 'Z' -> throw new ToolError(
                                    "kubepath shell: iptables -" + c + " changes the rules, which the simulation leaves to kube-proxy, flannel and docker\n", 1);
                            default -> throw usage("unknown option \"-" + c + "\"");
                        }
                    }
                }
            }
            if (listing && i + 1 < args.size() && !args.get(i + 1).startsWith("-")) chain = args.get(++i);
        }
        if (command == 0) throw usage("no command specified");
        return new Options(table, command, chain, numeric, verbose, lineNumbers);
    }

    private static ToolError usage(String what) {
        return new ToolError(VERSION + ": " + what + "\n" + TRY, 2);
    }

    /** The table's chains as libiptc keeps them: built-in chains in hook order, then user chains in byte order. */
    private List<Chain> chains(String table, List<String> builtIn) {
        List<Chain> out = new ArrayList<>();
        for (String name : builtIn) out.add(host.chain(table, name).orElse(new Chain(table, name, "ACCEPT", List.of())));
        host.chains().stream().filter(c -> c.table().equals(table) && !builtIn.contains(c.name()))
                .sorted(Comparator.comparing(Chain::name)).forEach(out::add);
        return out;
    }

    /** The rules as the kernel holds them: one ipset rule, which the model keeps once per set member, is one rule. */
    static List<Rule> kernelRules(Chain c) {
        List<Rule> out = new ArrayList<>();
        String previous = null;
        for (Rule r : c.rules()) {
            if (r.text() != null && r.text().equals(previous)) continue;
            out.add(r);
            previous = r.text();
        }
        return out;
    }

    /** {@code -S}: policies of built-in chains, user chains' -N lines, then every rule as iptables-save writes it. */
    private static String listRules(List<Chain> chains) {
        StringBuilder sb = new StringBuilder();
        for (Chain c : chains) sb.append(c.builtIn() ? "-P " + c.name() + " " + c.policy() : "-N " + c.name()).append('\n');
        for (Chain c : chains) for (Rule r : kernelRules(c)) sb.append(r.describe()).append('\n');
        return sb.toString();
    }

    private static String list(List<Chain> chains, List<Chain> table, Options o) {
        StringBuilder sb = new StringBuilder();
        for (Chain c : chains) {
            if (!sb.isEmpty()) sb.append('\n');
            sb.append("Chain ").append(c.name());
            if (c.builtIn()) sb.append(" (policy ").append(c.policy()).append(o.verbose() ? " 0 packets, 0 bytes)" : ")");
            else sb.append(" (").append(references(c.name(), table)).append(" references)");
            sb.append('\n');
            if (o.lineNumbers()) sb.append(String.format(Locale.ROOT, "%-4s ", "num"));
            if (o.verbose()) sb.append(String.format(Locale.ROOT, "%5s %5s ", "pkts", "bytes"));
            sb.append(String.format(Locale.ROOT, "%-9s  prot opt", "target"));
            if (o.verbose()) sb.append(String.format(Locale.ROOT, " %-6s %-6s ", "in", "out"));
            sb.append(String.format(Locale.ROOT, " %-19s  %-19s \n", "source", "destination"));
            int n = 0;
            for (Rule r : kernelRules(c)) {
                if (o.lineNumbers()) sb.append(String.format(Locale.ROOT, "%-4d ", ++n));
                if (o.verbose()) sb.append(String.format(Locale.ROOT, "%5d %5d ", 0, 0));
                sb.append(IptablesRow.of(r.describe()).render(o.verbose())).append('\n');
            }
        }
        return sb.toString();
    }

    /** How many rules of the table jump to the chain: what the kernel counts as its references. */
    private static int references(String chain, List<Chain> table) {
        int n = 0;
        for (Chain c : table) {
            for (Rule r : kernelRules(c)) if (r.target() instanceof Rule.Target.Jump j && j.chain().equals(chain)) n++;
        }
        return n;
    }
}
