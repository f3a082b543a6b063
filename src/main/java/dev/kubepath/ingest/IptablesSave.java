package dev.kubepath.ingest;

import dev.kubepath.model.Chain;
import dev.kubepath.model.IpSet;
import dev.kubepath.model.Rule;
import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code iptables-save}: {@code *table}, {@code :CHAIN POLICY [p:b]}, {@code -A CHAIN ...} rules, {@code COMMIT}.
 * Rules are read for the subset kube-proxy, flannel and docker write; a rule using a match or target outside it is
 * reported and left out rather than read as something it is not.
 */
public final class IptablesSave {
    private IptablesSave() {}

    private record ChainHead(String policy, List<Rule> rules) {}

    public static Parsed<List<Chain>> parse(String file, String text) {
        return parse(file, text, null);
    }

    /**
     * As {@link #parse(String, String)}, with the host's ipsets (null when unknown) for {@code -m set} rules. Rules
     * outside any {@code *table} section (grep output, a pasted fragment) are read when a named rule tells their
     * table ({@link IptablesTables}); the chain they belong to is then partial and its policy unknown.
     */
    public static Parsed<List<Chain>> parse(String file, String text, List<IpSet> sets) {
        Problems problems = new Problems(file);
        Map<String, ChainHead> chains = new LinkedHashMap<>();
        String table = null;
        Map<String, String> fragmentTables = new java.util.HashMap<>();
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String line = l.text().trim();
            if (line.startsWith("#")) continue;
            try {
                if (line.startsWith("*")) {
                    table = line.substring(1).trim();
                    if (table.isEmpty()) throw new IllegalArgumentException("'*' without a table name");
                } else if (line.equals("COMMIT")) {
                    table = null;
                } else if (line.startsWith(":")) {
                    if (table == null) throw new IllegalArgumentException("chain declaration outside a *table section");
                    String[] t = Tokens.split(line.substring(1));
                    if (t.length < 2) throw new IllegalArgumentException("expected ':CHAIN POLICY [packets:bytes]', got '" + line + "'");
                    String policy = t[1].equals("-") ? null : t[1];
                    if (policy != null && !policy.equals("ACCEPT") && !policy.equals("DROP")) {
                        throw new IllegalArgumentException("chain policy '" + policy + "' is not ACCEPT, DROP or -");
                    }
                    chains.put(table + " " + t[0], new ChainHead(policy, new ArrayList<>()));
                } else if (line.startsWith("-A ")) {
                    List<Rule> rs = parseRules(line, sets);
                    String chain = chainOf(line);
                    if (table == null) {
                        String t = fragmentTables.get(chain);
                        if (t == null) {
                            t = IptablesTables.ofRule(line);
                            if (t == null) throw new IllegalArgumentException("rule outside a *table section whose table no named rule tells ("
                                    + IptablesTables.RULES + "): '" + line + "'");
                            fragmentTables.put(chain, t);
                            if (chains.putIfAbsent(t + " " + chain, new ChainHead(null, new ArrayList<>())) == null) {
                                problems.add(l.number(), "no *table line: chain " + chain + " read as table " + t + " ("
                                        + IptablesTables.why(line) + "); it holds only the rules shown"
                                        + (IptablesTables.BUILT_IN.contains(chain) ? ", its policy is unknown" : ""));
                            }
                        }
                        chains.get(t + " " + chain).rules().addAll(rs);
                        continue;
                    }
                    ChainHead c = chains.get(table + " " + chain);
                    if (c == null) throw new IllegalArgumentException("rule for chain " + chain + " which table " + table + " does not declare");
                    c.rules().addAll(rs);
                } else {
                    throw new IllegalArgumentException("unexpected line '" + line + "' (expected *table, :CHAIN, -A or COMMIT)");
                }
            } catch (IllegalArgumentException e) {
                problems.add(l.number(), e);
            }
        }
        List<Chain> out = new ArrayList<>();
        chains.forEach((key, head) -> {
            int sp = key.indexOf(' ');
            out.add(new Chain(key.substring(0, sp), key.substring(sp + 1), head.policy(), head.rules()));
        });
        return problems.result(out);
    }

    /**
     * One rule line, e.g. {@code -A KUBE-SERVICES ! -s 172.17.0.0/16 -d 10.2.0.155/32 -p tcp -m comment --comment
     * "default/mcwtest-svc: cluster IP" -m tcp --dport 2024 -j KUBE-MARK-MASQ}. The original line is kept in
     * {@link Rule#text()}.
     *
     * @throws IllegalArgumentException naming the option that is not understood
     */
    public static Rule parseRule(String line) {
        List<Rule> rules = parseRules(line, null);
        if (rules.size() != 1) throw new IllegalArgumentException("'" + line + "' is " + rules.size() + " rules, expected one");
        return rules.get(0);
    }

    /** The chain a rule line ({@code -A CHAIN ...}) appends to. */
    static String chainOf(String line) {
        String[] t = Tokens.split(line);
        if (t.length < 2 || !t[0].equals("-A")) throw new IllegalArgumentException("a rule starts with '-A CHAIN', got '" + line + "'");
        return t[1];
    }

    /**
     * One rule line as the rules it stands for: one, or with {@code -m set --match-set NAME FLAGS} one per member of
     * the set (none for an empty set: the rule never matches), each keeping the line as its text. The set comes from
     * {@code sets} (the host's ipset listing); when it is not there the rule cannot be read.
     */
    public static List<Rule> parseRules(String line, List<IpSet> sets) {
        RuleLine r = new RuleLine(line);
        r.read();
        if (r.log) return List.of(); // -j LOG writes to the kernel log and goes on: no packet's fate changes, nothing to model
        if (r.setName == null) return List.of(new Rule(r.chain, r.m, r.target, r.comment, line));
        return perMember(r, sets);
    }

    /** One rule line read option by option: what it matches, its target and the set it names, if any. */
    private static final class RuleLine {
        final String line;
        final List<String> t;
        final String chain;
        int i = 2;
        Rule.Match m = Rule.Match.ANY;
        Rule.Target target;
        String comment;
        String module;
        String setName, setFlags, recentName = "DEFAULT";
        boolean recentCheck;
        /** {@code -j LOG}: the rule only logs. */
        boolean log;

        RuleLine(String line) {
            this.line = line;
            this.t = words(line);
            if (t.size() < 2 || !t.get(0).equals("-A")) throw new IllegalArgumentException("a rule starts with '-A CHAIN', got '" + line + "'");
            this.chain = t.get(1);
        }

        void read() {
            boolean not = false;
            while (i < t.size()) {
                String w = t.get(i++);
                if (w.equals("!")) {
                    not = true;
                    continue;
                }
                boolean neg = not;
                not = false;
                if (w.equals("-j") || w.equals("--jump")) {
                    noNegation(neg, w);
                    jump(arg(t, i++, w));
                } else {
                    option(w, neg);
                }
            }
            if (not) throw new IllegalArgumentException("'!' at the end of the rule");
            if (target == null && !log) throw new IllegalArgumentException("rule without a -j target (counting-only rules are not modelled)");
            if (recentCheck) m = m.withRecentCheck(recentName);
        }

        /** One match option (with '!' before it when {@code neg}). */
        // long: one case per iptables option the model holds; the list of what is modelled is best read in one place
        private void option(String w, boolean neg) {
            switch (w) {
                case "-s", "--source" -> m = m.withSrc(Addresses.prefix(arg(t, i++, w)), neg);
                case "-d", "--destination" -> m = m.withDst(Addresses.prefix(arg(t, i++, w)), neg);
                case "-p", "--protocol" -> {
                    noNegation(neg, w);
                    m = m.withPort(protocol(arg(t, i++, w)), m.dport());
                }
                case "-i", "--in-interface" -> m = m.withInterfaces((neg ? "!" : "") + arg(t, i++, w), m.outInterface());
                case "-o", "--out-interface" -> m = m.withInterfaces(m.inInterface(), (neg ? "!" : "") + arg(t, i++, w));
                case "-m", "--match" -> {
                    noNegation(neg, w);
                    module = arg(t, i++, w);
                    switch (module) {
                        case "tcp", "udp", "comment", "addrtype", "mark", "statistic", "conntrack", "state", "recent", "set" -> { }
                        case "nfacct" -> { } // counts bytes and always matches
                        default -> throw new IllegalArgumentException("match module '" + module + "' is not modelled");
                    }
                }
                case "--dport", "--destination-port" -> {
                    noNegation(neg, w);
                    if (m.protocol() == null) throw new IllegalArgumentException("--dport without -p tcp/udp");
                    String port = arg(t, i++, w);
                    if (port.indexOf(':') >= 0) throw new IllegalArgumentException("port ranges ('" + port + "') are not modelled");
                    m = m.withPort(m.protocol(), Tokens.parseInt(port, "destination port"));
                }
                case "--comment" -> comment = arg(t, i++, w);
                case "--ctstate", "--state" -> {
                    String states = arg(t, i++, w);
                    m = m.withCtstate(neg ? complement(states) : states);
                }
                case "--dst-type" -> {
                    String type = arg(t, i++, w);
                    if (!type.equals("LOCAL")) throw new IllegalArgumentException("--dst-type " + type + " is not modelled (only LOCAL)");
                    m = m.withDstTypeLocal(!neg, neg);
                }
                case "--mark" -> {
                    long[] vm = valueMask(arg(t, i++, w));
                    m = neg ? m.withNotMark((int) vm[0], (int) vm[1]) : m.withMark((int) vm[0], (int) vm[1]);
                }
                case "--nfacct-name" -> {
                    noNegation(neg, w);
                    arg(t, i++, w);
                }
                case "--match-set" -> {
                    noNegation(neg, w);
                    if (setName != null) throw new IllegalArgumentException("two --match-set in one rule are not modelled");
                    setName = arg(t, i++, w);
                    setFlags = arg(t, i++, w);
                }
                case "--set", "--rsource", "--rdest", "--reap", "--remove" -> noNegation(neg, w); // --set records, always matches
                case "--name", "--mask", "--seconds", "--hitcount" -> {
                    noNegation(neg, w);
                    String v = arg(t, i++, w);
                    if (w.equals("--name")) recentName = v;
                }
                case "--rcheck", "--update" -> {
                    noNegation(neg, w);
                    recentCheck = true;
                }
                case "--mode" -> {
                    String mode = arg(t, i++, w);
                    if (!mode.equals("random")) throw new IllegalArgumentException("statistic mode '" + mode + "' is not modelled (only random)");
                }
                case "--probability" -> m = m.withProbability(probability(arg(t, i++, w)));
                default -> throw new IllegalArgumentException("option '" + w + "' is not modelled" + (module != null ? " (after -m " + module + ")" : ""));
            }
        }

        /** {@code -j NAME} and the target's own options after it. */
        private void jump(String name) {
            switch (name) {
                case "ACCEPT" -> target = new Rule.Target.Accept();
                case "DROP" -> target = new Rule.Target.Drop();
                case "RETURN" -> target = new Rule.Target.Return();
                case "REJECT" -> {
                    target = new Rule.Target.Reject();
                    if (i < t.size() && t.get(i).equals("--reject-with")) i += 2;
                }
                case "MASQUERADE" -> {
                    target = new Rule.Target.Masquerade();
                    while (i < t.size() && (t.get(i).equals("--random-fully") || t.get(i).equals("--random"))) i++;
                }
                case "DNAT" -> {
                    if (i + 1 >= t.size() || !t.get(i).equals("--to-destination")) {
                        throw new IllegalArgumentException("DNAT without --to-destination");
                    }
                    target = new Rule.Target.Dnat(SocketAddress.parse(t.get(i + 1)));
                    i += 2;
                }
                case "MARK" -> {
                    target = mark();
                    i += 2;
                }
                case "LOG" -> {
                    log = true;
                    while (i < t.size() && t.get(i).startsWith("--log-")) {
                        boolean valued = t.get(i).equals("--log-prefix") || t.get(i).equals("--log-level");
                        i += valued ? 2 : 1;
                    }
                }
                case "SNAT", "CT", "TPROXY", "REDIRECT", "CONNMARK", "NOTRACK", "TCPMSS" ->
                        throw new IllegalArgumentException("target " + name + " is not modelled");
                default -> target = new Rule.Target.Jump(name);
            }
        }

        private Rule.Target mark() {
            if (i + 1 >= t.size()) throw new IllegalArgumentException("MARK without --set-xmark, --set-mark, --or-mark or --xor-mark");
            long[] vm = valueMask(t.get(i + 1));
            int v = (int) vm[0], mask = (int) vm[1];
            // each as --set-xmark VALUE/MASK: zero MASK's bits, then XOR VALUE in
            return switch (t.get(i)) {
                case "--set-xmark" -> new Rule.Target.SetMark(v, mask);
                case "--set-mark" -> new Rule.Target.SetMark(v, mask | v);
                case "--or-mark" -> new Rule.Target.SetMark(v, v);
                case "--xor-mark" -> new Rule.Target.SetMark(v, 0);
                default -> throw new IllegalArgumentException("MARK " + t.get(i) + " is not modelled (expected --set-xmark, --set-mark, --or-mark or --xor-mark)");
            };
        }
    }

    private static double probability(String p) {
        try {
            double d = Double.parseDouble(p);
            if (!(d >= 0 && d <= 1)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + p + "' is not a probability between 0 and 1");
        }
    }

    /** A {@code -m set} rule as one rule per member of its set (none for an empty set: the rule never matches). */
    private static List<Rule> perMember(RuleLine r, List<IpSet> sets) {
        IpSet set = null;
        if (sets != null) for (IpSet s : sets) if (s.name().equals(r.setName)) set = s;
        if (set == null) {
            throw new IllegalArgumentException("-m set --match-set " + r.setName + ": the set's members are unknown ("
                    + (sets == null ? "no ipset listing (ipset.txt)" : "ipset.txt does not list " + r.setName) + ")");
        }
        List<Rule> out = new ArrayList<>();
        for (IpSet.Member member : set.members()) {
            Rule.Match mm = IpSets.match(r.m, set, member, r.setFlags);
            if (mm != null) out.add(new Rule(r.chain, mm, r.target, r.comment, r.line));
        }
        return out;
    }

    private static final List<String> CT_STATES = List.of("INVALID", "NEW", "ESTABLISHED", "RELATED", "UNTRACKED");

    /** {@code ! --ctstate A,B} as the states it leaves (of conntrack's five; SNAT and DNAT are not states of their own). */
    static String complement(String states) {
        List<String> given = List.of(states.split(","));
        for (String g : given) {
            if (!CT_STATES.contains(g)) throw new IllegalArgumentException("'! --ctstate " + states + "': " + g + " is not modelled (expected " + String.join(", ", CT_STATES) + ")");
        }
        List<String> rest = new ArrayList<>(CT_STATES);
        rest.removeAll(given);
        if (rest.isEmpty()) throw new IllegalArgumentException("'! --ctstate " + states + "' matches nothing");
        return String.join(",", rest);
    }

    private static void noNegation(boolean neg, String option) {
        if (neg) throw new IllegalArgumentException("'! " + option + "' is not modelled");
    }

    private static Protocol protocol(String p) {
        return switch (p) {
            case "tcp", "6" -> Protocol.TCP;
            case "udp", "17" -> Protocol.UDP;
            case "icmp", "1" -> Protocol.ICMP;
            default -> throw new IllegalArgumentException("protocol '" + p + "' is not modelled (expected tcp, udp or icmp)");
        };
    }

    /** "0x4000/0x4000" or "0x4000" (mask all ones). */
    static long[] valueMask(String s) {
        int slash = s.indexOf('/');
        long v = number(slash < 0 ? s : s.substring(0, slash));
        long mask = slash < 0 ? 0xFFFFFFFFL : number(s.substring(slash + 1));
        return new long[] {v, mask};
    }

    private static long number(String s) {
        try {
            long v = s.startsWith("0x") || s.startsWith("0X") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
            if (v < 0 || v > 0xFFFFFFFFL) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a 32-bit mark value");
        }
    }

    private static String arg(List<String> t, int i, String option) {
        if (i >= t.size()) throw new IllegalArgumentException("option " + option + " without a value");
        return t.get(i);
    }

    /** Splits on whitespace, keeping "double quoted" words (with \" escapes) together, as iptables-save quotes comments. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        int i = 0, n = line.length();
        while (i < n) {
            while (i < n && line.charAt(i) <= ' ') i++;
            if (i >= n) break;
            StringBuilder sb = new StringBuilder();
            if (line.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i++);
                    if (c == '\\' && i < n) sb.append(line.charAt(i++));
                    else if (c == '"') {
                        closed = true;
                        break;
                    } else sb.append(c);
                }
                if (!closed) throw new IllegalArgumentException("unterminated quote in '" + line + "'");
            } else {
                while (i < n && line.charAt(i) > ' ') sb.append(line.charAt(i++));
            }
            out.add(sb.toString());
        }
        return out;
    }

}
