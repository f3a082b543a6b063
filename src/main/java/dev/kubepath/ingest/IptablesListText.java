package dev.kubepath.ingest;

import dev.kubepath.model.Chain;
import dev.kubepath.model.IpSet;
import dev.kubepath.model.Rule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code iptables -L} in its forms ({@code -n}, {@code -v}, {@code --line-numbers}): {@code Chain FORWARD (policy
 * DROP 2947 packets, 248K bytes)} or {@code Chain KUBE-FORWARD (1 references)}, a column header, then one row per
 * rule: [num] [pkts bytes] target prot opt [in out] source destination and the matches iptables prints after them
 * ({@code ctstate RELATED,ESTABLISHED}, {@code tcp dpt:22}, {@code /* comment *&#47;}, {@code mark match 0x4000/0x4000},
 * {@code match-set KUBE-CLUSTER-IP dst,dst}, {@code MARK or 0x4000}, {@code to:10.244.1.5:80} ...). Each row is
 * read as the iptables-save rule it prints ({@link IptablesSave#parseRules}) and keeps the row as its text.
 * The table is the command's {@code -t} (filter without one); with no command it is told by a named rule
 * ({@link IptablesTables}) or, for a listing whose built-in chains are INPUT, FORWARD and OUTPUT, filter (the
 * table {@code iptables -L} lists by default); otherwise the listing is reported.
 */
public final class IptablesListText {
    private IptablesListText() {}

    private record ChainHead(String name, String policy, List<Rule> rules, int line) {}

    public static Parsed<List<Chain>> parse(String file, String text, List<IpSet> sets) {
        Problems problems = new Problems(file);
        Map<String, Chain> out = new LinkedHashMap<>();
        for (Transcript.Section section : Transcript.of(text).sections()) {
            List<ChainHead> chains = new ArrayList<>();
            ChainHead current = null;
            String[] columns = null;
            for (Transcript.Line l : section.lines()) {
                String line = l.text();
                if (Transcript.isComment(line)) continue;
                try {
                    String[] t = Tokens.split(line);
                    if (t[0].equals("Chain") && t.length >= 3) {
                        current = new ChainHead(t[1], policy(t, line), new ArrayList<>(), l.number());
                        chains.add(current);
                        columns = null;
                    } else if (isColumnHeader(t)) {
                        columns = t;
                    } else {
                        if (current == null || columns == null) throw new IllegalArgumentException("rule row before its 'Chain' line and column header: '" + line.trim() + "'");
                        current.rules().addAll(rules(current.name(), columns, line, sets));
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(l.number(), e);
                }
            }
            if (chains.isEmpty()) continue;
            String table = table(section.command(), chains, problems);
            if (table == null) continue;
            for (ChainHead c : chains) {
                if (out.put(table + " " + c.name(), new Chain(table, c.name(), c.policy(), c.rules())) != null) {
                    problems.add(c.line(), "chain " + c.name() + " of table " + table + " listed twice; the later listing is read");
                }
            }
        }
        return problems.result(new ArrayList<>(out.values()));
    }

    /** {@code (policy DROP 0 packets, 0 bytes)} gives DROP; {@code (1 references)} a user chain (null). */
    private static String policy(String[] t, String line) {
        if (!t[2].equals("(policy")) return null;
        if (t.length < 4) throw new IllegalArgumentException("chain line without its policy: '" + line.trim() + "'");
        String p = t[3].endsWith(")") ? t[3].substring(0, t[3].length() - 1) : t[3];
        if (!p.equals("ACCEPT") && !p.equals("DROP")) throw new IllegalArgumentException("chain policy '" + p + "' is not ACCEPT or DROP");
        return p;
    }

    private static boolean isColumnHeader(String[] t) {
        for (String w : t) if (w.equals("target")) return t[t.length - 1].equals("destination") || t[t.length - 2].equals("destination");
        return false;
    }

    private static String table(String command, List<ChainHead> chains, Problems problems) {
        if (command != null) {
            String[] t = Tokens.split(command);
            for (int i = 0; i + 1 < t.length; i++) if (t[i].equals("-t") || t[i].equals("--table")) return t[i + 1];
            for (int i = 0; i < t.length; i++) if (t[i].startsWith("-t") && t[i].length() > 2 && !t[i].startsWith("--")) return t[i].substring(2);
            return "filter";
        }
        for (ChainHead c : chains) {
            String why = IptablesTables.why(c.name(), null);
            for (int i = 0; why == null && i < c.rules().size(); i++) why = IptablesTables.why(c.name(), target(c.rules().get(i)));
            if (why != null) {
                problems.add(c.line(), "no command tells the table: read as " + why);
                return why.substring(0, why.indexOf(':'));
            }
        }
        List<String> builtIn = chains.stream().map(ChainHead::name).filter(IptablesTables.BUILT_IN::contains).sorted().toList();
        if (builtIn.equals(List.of("FORWARD", "INPUT", "OUTPUT"))) {
            problems.add(chains.get(0).line(), "no command tells the table: read as filter (built-in chains INPUT, FORWARD, OUTPUT: the table iptables -L lists by default)");
            return "filter";
        }
        problems.add(chains.get(0).line(), "no command tells which table this listing is (iptables -t TABLE -L) and no named rule does: its "
                + chains.size() + " chains are not read");
        return null;
    }

    private static String target(Rule r) {
        return switch (r.target()) {
            case Rule.Target.Jump j -> j.chain();
            case Rule.Target.Dnat d -> "DNAT";
            case Rule.Target.Masquerade m -> "MASQUERADE";
            case Rule.Target.Reject j -> "REJECT";
            default -> null;
        };
    }

    /** One row as the rules it stands for (several for a {@code match-set} row), each keeping the row as its text. */
    static List<Rule> rules(String chain, String[] columns, String row, List<IpSet> sets) {
        String[] t = Tokens.split(row);
        int i = 0;
        List<String> save = new ArrayList<>(List.of("-A", chain));
        String target = null, prot = null, opt = null, in = null, out = null, src = null, dst = null;
        for (String col : columns) {
            if (i >= t.length) throw new IllegalArgumentException("row has fewer columns than its header (" + String.join(" ", columns) + "): '" + row.trim() + "'");
            switch (col) {
                case "num", "pkts", "bytes" -> i++;
                case "target" -> {
                    // a rule without a target leaves its column empty: the next word is then the protocol
                    if (isProtocol(t[i]) && i + 1 < t.length && (t[i + 1].equals("--") || t[i + 1].equals("-f") || t[i + 1].equals("!f"))) {
                        throw new IllegalArgumentException("rule without a target (counting-only rules are not modelled): '" + row.trim() + "'");
                    }
                    target = t[i++];
                }
                case "prot" -> prot = t[i++];
                case "opt" -> opt = t[i++];
                case "in" -> in = t[i++];
                case "out" -> out = t[i++];
                case "source" -> src = t[i++];
                case "destination" -> dst = t[i++];
                default -> throw new IllegalArgumentException("column '" + col + "' is not one iptables -L prints");
            }
        }
        if (opt != null && !opt.equals("--")) throw new IllegalArgumentException("fragment option '" + opt + "' is not modelled");
        address(save, "-s", src);
        address(save, "-d", dst);
        iface(save, "-i", in);
        iface(save, "-o", out);
        if (prot != null && !prot.equals("all") && !prot.equals("0")) {
            if (prot.startsWith("!")) throw new IllegalArgumentException("'! -p " + prot.substring(1) + "' is not modelled");
            save.add("-p");
            save.add(prot);
        }
        List<String> targetOptions = new ArrayList<>();
        matches(t, i, save, targetOptions, row);
        save.add("-j");
        save.add(target);
        save.addAll(targetOptions);
        StringBuilder line = new StringBuilder();
        for (String w : save) {
            if (line.length() > 0) line.append(' ');
            line.append(w.isEmpty() || w.indexOf(' ') >= 0 || w.indexOf('"') >= 0 ? "\"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : w);
        }
        List<Rule> rules = new ArrayList<>();
        for (Rule r : IptablesSave.parseRules(line.toString(), sets)) rules.add(new Rule(r.chain(), r.match(), r.target(), r.comment(), row.trim()));
        return rules;
    }

    private static boolean isProtocol(String w) {
        return switch (w) {
            case "all", "tcp", "udp", "icmp", "sctp", "udplite", "esp", "ah", "0", "1", "6", "17" -> true;
            default -> false;
        };
    }

    private static void address(List<String> save, String flag, String a) {
        if (a == null || a.equals("0.0.0.0/0") || a.equals("anywhere")) return;
        boolean neg = a.startsWith("!");
        String v = neg ? a.substring(1) : a;
        if (!dev.kubepath.net.Ipv4.isValid(v.indexOf('/') < 0 ? v : v.substring(0, v.indexOf('/')))) {
            throw new IllegalArgumentException("'" + v + "' is a name, not an address: unknown (iptables -L -n shows addresses)");
        }
        if (neg) save.add("!");
        save.add(flag);
        save.add(v);
    }

    private static void iface(List<String> save, String flag, String name) {
        if (name == null || name.equals("*") || name.equals("any")) return;
        if (name.startsWith("!")) {
            save.add("!");
            name = name.substring(1);
        }
        save.add(flag);
        save.add(name);
    }

    /** The words after the destination, as the iptables-save options they print. */
    // long: one case per word iptables -L prints after the destination; the translation table is best read whole
    private static void matches(String[] t, int i, List<String> save, List<String> targetOptions, String row) {
        while (i < t.length) {
            String w = t[i++];
            boolean neg = false;
            if (w.equals("!") && i < t.length) {
                neg = true;
                w = t[i++];
            }
            switch (w) {
                case "/*" -> {
                    StringBuilder c = new StringBuilder();
                    while (i < t.length && !t[i].equals("*/")) c.append(c.length() > 0 ? " " : "").append(t[i++]);
                    if (i >= t.length) throw new IllegalArgumentException("comment without its closing '*/': '" + row.trim() + "'");
                    i++;
                    add(save, "-m", "comment", "--comment", c.toString());
                }
                case "ctstate", "state" -> {
                    String v = need(t, i++, w, row);
                    if (v.startsWith("!")) {
                        neg = true;
                        v = v.substring(1);
                    }
                    add(save, "-m", w.equals("ctstate") ? "conntrack" : "state");
                    if (neg) save.add("!");
                    add(save, w.equals("ctstate") ? "--ctstate" : "--state", v);
                }
                case "tcp", "udp" -> {
                    String v = need(t, i++, w, row);
                    if (v.startsWith("dpt:")) add(save, "-m", w, "--dport", ServiceNames.port(v.substring(4)));
                    else if (v.startsWith("dpts:")) throw new IllegalArgumentException("port ranges ('" + v + "') are not modelled");
                    else throw new IllegalArgumentException("'" + w + " " + v + "' is not modelled (only dpt:PORT)");
                }
                case "mark" -> {
                    if (!need(t, i++, w, row).equals("match")) throw new IllegalArgumentException("expected 'mark match VALUE/MASK' in '" + row.trim() + "'");
                    String v = need(t, i++, w, row);
                    if (v.equals("!")) {
                        neg = true;
                        v = need(t, i++, w, row);
                    }
                    add(save, "-m", "mark");
                    if (neg) save.add("!");
                    add(save, "--mark", v);
                }
                case "ADDRTYPE" -> {
                    if (!need(t, i++, w, row).equals("match")) throw new IllegalArgumentException("expected 'ADDRTYPE match dst-type TYPE' in '" + row.trim() + "'");
                    String kind = need(t, i++, w, row);
                    String v = need(t, i++, w, row);
                    if (v.equals("!")) {
                        neg = true;
                        v = need(t, i++, w, row);
                    } else if (v.startsWith("!")) {
                        neg = true;
                        v = v.substring(1);
                    }
                    if (!kind.equals("dst-type")) throw new IllegalArgumentException("ADDRTYPE " + kind + " is not modelled (only dst-type)");
                    add(save, "-m", "addrtype");
                    if (neg) save.add("!");
                    add(save, "--dst-type", v);
                }
                case "statistic" -> {
                    String mode = need(t, i++, w, row), random = need(t, i++, w, row), prob = need(t, i++, w, row), p = need(t, i++, w, row);
                    if (!mode.equals("mode") || !prob.equals("probability")) throw new IllegalArgumentException("expected 'statistic mode random probability P' in '" + row.trim() + "'");
                    add(save, "-m", "statistic", "--mode", random, "--probability", p);
                }
                case "recent:" -> {
                    String action = need(t, i++, w, row);
                    String name = "DEFAULT";
                    while (i < t.length && !t[i].equals("/*") && !t[i].startsWith("to:") && !isMatchWord(t[i])) {
                        if (t[i].equals("name:") && i + 1 < t.length) name = t[++i];
                        i++;
                    }
                    add(save, "-m", "recent", "--name", name, switch (action) {
                        case "SET" -> "--set";
                        case "CHECK" -> "--rcheck";
                        case "UPDATE" -> "--update";
                        case "REMOVE" -> "--remove";
                        default -> throw new IllegalArgumentException("recent " + action + " is not modelled");
                    });
                }
                case "match-set" -> {
                    String name = need(t, i++, w, row), flags = need(t, i++, w, row);
                    add(save, "-m", "set");
                    if (neg) save.add("!");
                    add(save, "--match-set", name, flags);
                }
                case "nfacct-name" -> add(save, "-m", "nfacct", "--nfacct-name", need(t, i++, w, row));
                case "MARK" -> {
                    String op = need(t, i++, w, row), v = need(t, i++, w, row);
                    add(targetOptions, switch (op) {
                        case "or" -> "--or-mark";
                        case "xor" -> "--xor-mark";
                        case "set" -> "--set-mark";
                        case "xset" -> "--set-xmark";
                        default -> throw new IllegalArgumentException("MARK " + op + " is not modelled");
                    }, v);
                }
                case "reject-with" -> add(targetOptions, "--reject-with", need(t, i++, w, row));
                case "LOG" -> {
                    // the LOG target's own column (xt_LOG: "LOG flags N level N [prefix "..."]"): it logs and goes on, so
                    // nothing of it decides a packet's fate; the prefix may hold spaces and runs to its closing quote
                    if (i + 3 < t.length && t[i].equals("flags") && t[i + 2].equals("level")) i += 4;
                    if (i < t.length && t[i].equals("prefix")) {
                        i++;
                        String first = need(t, i++, w, row);
                        boolean closed = first.length() > 1 && first.endsWith("\"");
                        while (!closed && i < t.length) closed = t[i++].endsWith("\"");
                    }
                }
                case "random-fully", "random" -> targetOptions.add("--" + w);
                default -> {
                    if (w.startsWith("to:")) add(targetOptions, "--to-destination", w.substring(3));
                    else throw new IllegalArgumentException("'" + w + "' in '" + row.trim() + "' is not a match kubepath models");
                }
            }
        }
    }

    private static boolean isMatchWord(String w) {
        return switch (w) {
            case "ctstate", "state", "tcp", "udp", "mark", "ADDRTYPE", "statistic", "match-set", "nfacct-name", "MARK", "!" -> true;
            default -> false;
        };
    }

    private static void add(List<String> to, String... words) {
        to.addAll(List.of(words));
    }

    private static String need(String[] t, int i, String after, String row) {
        if (i >= t.length) throw new IllegalArgumentException("'" + after + "' without its value at the end of '" + row.trim() + "'");
        return t[i];
    }
}
