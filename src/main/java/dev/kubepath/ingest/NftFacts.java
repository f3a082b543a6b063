package dev.kubepath.ingest;

import dev.kubepath.model.Chain;
import dev.kubepath.model.NftChain;
import dev.kubepath.model.NftRule;
import dev.kubepath.model.NftSet;
import dev.kubepath.model.NftTable;
import dev.kubepath.model.Rule;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model's facts in an {@code nft list ruleset} (docs/bundle-format.md, nft.txt):
 * <ul>
 * <li>iptables chains: the tables iptables-nft keeps ({@code table ip filter} with base chains INPUT, FORWARD,
 * OUTPUT; {@code ip nat}, ...) are iptables' own rule set, so their chains are the model's chains of that table,
 * each rule read as the iptables rule it is (the iptables reader's subset; any other rule is reported and left
 * out, as there);</li>
 * <li>a native forward-hook filter chain with {@code policy drop} (family ip or inet) drops what it does not accept
 * exactly as iptables' FORWARD policy DROP does: it is the model's filter FORWARD chain with policy DROP, which the
 * data plane and the doctor already follow; such chains with {@code policy accept} are not modelled;</li>
 * <li>services: kube-proxy's nftables mode ({@code table ip kube-proxy}: map {@code service-ips} to the service
 * chains, their {@code numgen ... vmap} to endpoint chains and their {@code dnat to}) and the lab's realisation of
 * IPVS in table {@code ip kubepath-ipvs} (rules {@code ip daddr V tcp dport P ... dnat to numgen inc mod N map {...}}) are read as
 * the virtual servers they are; a service in {@code no-endpoint-services} is one without real servers.</li>
 * </ul>
 * iptables.txt and ipvs.txt, when present, are the same facts read from the other tools: they are kept, and nft's
 * chains or services are not added to them.
 */
public final class NftFacts {
    private NftFacts() {}

    /**
     * The chains and virtual servers the ruleset shows (null when it shows none), kube-proxy's nftables-mode tables as
     * the data plane evaluates them ({@link NftModel}), and what could not be read. The virtual servers of such a
     * table are read off that same structure, so what the doctor is told and what the data plane does cannot differ.
     */
    public record Facts(List<Chain> chains, List<VirtualServer> services, List<NftTable> kubeProxy, List<ParseProblem> problems) {
        public Facts {
            kubeProxy = List.copyOf(kubeProxy);
        }
    }

    private static final Set<String> IPTABLES_TABLES = Set.of("filter", "nat", "mangle", "raw", "security");
    private static final Set<String> BUILT_IN = Set.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING");

    public static Facts of(String file, List<Nftables.Table> tables, boolean iptablesKnown, boolean ipvsKnown) {
        Problems problems = new Problems(file);
        List<Chain> chains = null;
        if (!iptablesKnown) {
            chains = new ArrayList<>();
            for (Nftables.Table t : tables) if (iptablesStyle(t)) chains.addAll(iptablesChains(t, problems));
            boolean forward = chains.stream().anyMatch(c -> c.table().equals("filter") && c.name().equals("FORWARD"));
            for (Nftables.Table t : tables) {
                if (iptablesStyle(t) || !(t.family().equals("ip") || t.family().equals("inet"))) continue;
                for (Nftables.Chain c : t.chains()) {
                    if (!"filter".equals(c.type()) || !"forward".equals(c.hook()) || !"drop".equals(c.policy())) continue;
                    if (forward) {
                        problems.add(c.line(), "note: forward chain " + c.name() + " of table " + t.family() + " " + t.name()
                                + " has policy drop besides another FORWARD chain; the two are not combined");
                        continue;
                    }
                    chains.add(new Chain("filter", "FORWARD", "DROP", rules(t, c, "FORWARD", problems)));
                    forward = true;
                }
            }
            if (chains.isEmpty()) chains = null;
        } else {
            for (Nftables.Table t : tables) for (Nftables.Chain c : t.chains()) {
                if ("forward".equals(c.hook()) && "drop".equals(c.policy()) && !iptablesStyle(t)) {
                    problems.add(c.line(), "note: forward chain " + c.name() + " has policy drop; iptables.txt's FORWARD is used, this chain is not combined with it");
                }
            }
        }
        // kube-proxy's tables are read once, into the model; their problems follow the others, as they always have
        Problems modelProblems = new Problems(file);
        Map<Nftables.Table, NftTable> kubeProxy = new IdentityHashMap<>();
        for (Nftables.Table t : tables) if (NftModel.isKubeProxy(t)) kubeProxy.put(t, NftModel.of(t, modelProblems));
        List<VirtualServer> services = null;
        try {
            if (!ipvsKnown) services = services(tables, kubeProxy, problems);
        } catch (IllegalArgumentException e) { // an address or port out of range in what the patterns matched
            problems.add(0, "table ip kube-proxy: services not read: " + e.getMessage());
        }
        List<ParseProblem> all = new ArrayList<>(problems.list());
        all.addAll(modelProblems.list());
        return new Facts(chains, services, List.copyOf(kubeProxy.values()), all);
    }

    /**
     * The lab's iptables filter table realised in nftables ({@code host.linux.NftFilterChains}): laid out as
     * iptables-nft's, and read as such even when it holds only user chains (kube-proxy's KUBE-*), without a base chain.
     */
    public static final String LAB_FILTER_TABLE = "kubepath-filter";

    /** iptables-nft's own tables: family ip, base chains named as iptables' built-in chains; and the lab's filter table. */
    private static boolean iptablesStyle(Nftables.Table t) {
        if (!t.family().equals("ip")) return false;
        if (t.name().equals(LAB_FILTER_TABLE)) return true;
        boolean any = false;
        for (Nftables.Chain c : t.chains()) {
            if (!c.base()) continue;
            if (!BUILT_IN.contains(c.name())) return false;
            any = true;
        }
        return any || IPTABLES_TABLES.contains(t.name());
    }

    private static List<Chain> iptablesChains(Nftables.Table t, Problems problems) {
        // iptables-nft's tables carry iptables' names; another table laid out the same way (the lab's filter table)
        // holds filter chains when its base chains are of type filter
        String table = IPTABLES_TABLES.contains(t.name()) ? t.name()
                : t.chains().stream().filter(Nftables.Chain::base).allMatch(c -> "filter".equals(c.type())) ? "filter" : null;
        if (table == null) {
            problems.add(t.line(), "note: table ip " + t.name() + " has built-in chains of several types; not read as iptables chains");
            return List.of();
        }
        List<Chain> out = new ArrayList<>();
        for (Nftables.Chain c : t.chains()) {
            out.add(new Chain(table, c.name(), c.base() ? c.policy().toUpperCase(Locale.ROOT) : null, rules(t, c, c.name(), problems)));
        }
        return out;
    }

    private static List<Rule> rules(Nftables.Table t, Nftables.Chain c, String chain, Problems problems) {
        List<Rule> out = new ArrayList<>();
        for (Nftables.Rule r : c.rules()) {
            try {
                String line = iptablesRule(chain, r.text());
                if (line == null) continue; // counts only
                Rule rule = IptablesSave.parseRule(line);
                out.add(new Rule(rule.chain(), rule.match(), rule.target(), rule.comment(), r.text()));
            } catch (IllegalArgumentException e) {
                problems.add(r.line(), "rule of chain " + c.name() + " (table " + t.family() + " " + t.name() + ") not read: "
                        + e.getMessage() + "; left out");
            }
        }
        return out;
    }

    private static final Pattern MARK_MATCH = Pattern.compile("^(?:meta )?mark (?:&|and) (0x[0-9a-f]+) (==|!=) (0x[0-9a-f]+)$");

    /**
     * One nft rule as the iptables-save line it stands for ({@code iifname "docker0" oifname != "docker0" counter
     * accept} is {@code -A FORWARD -i docker0 ! -o docker0 -j ACCEPT}); null for a rule with only a counter.
     *
     * @throws IllegalArgumentException naming what the iptables reader's subset has no equivalent for
     */
    // one switch over nft's statement words, long because it is the whole translation table; split, it would scatter it
    static String iptablesRule(String chain, String text) {
        List<String> t = words(text);
        StringBuilder sb = new StringBuilder("-A ").append(chain);
        String proto = null;
        String target = null;
        int i = 0;
        while (i < t.size()) {
            String w = t.get(i);
            String next = i + 1 < t.size() ? t.get(i + 1) : null;
            boolean not = "!=".equals(next);
            switch (w) {
                case "counter" -> {
                    i++;
                    if ("packets".equals(next)) i += 4; // counter packets N bytes M
                    continue;
                }
                case "ip" -> {
                    if (next == null) throw new IllegalArgumentException("'ip' without a field");
                    String v = "!=".equals(at(t, i + 2, "ip")) ? at(t, i + 3, "ip") : at(t, i + 2, "ip");
                    boolean n = "!=".equals(at(t, i + 2, "ip"));
                    switch (next) {
                        case "saddr" -> sb.append(n ? " ! -s " : " -s ").append(address(v));
                        case "daddr" -> sb.append(n ? " ! -d " : " -d ").append(address(v));
                        case "protocol" -> proto = protocol(v);
                        default -> throw new IllegalArgumentException("'ip " + next + "' has no iptables equivalent read here");
                    }
                    i += n ? 4 : 3;
                    continue;
                }
                case "iifname", "iif", "oifname", "oif" -> {
                    String dev = at(t, i + (not ? 2 : 1), w).replace("\"", "");
                    if (dev.endsWith("*")) dev = dev.substring(0, dev.length() - 1) + "+";
                    sb.append(not ? " !" : "").append(w.startsWith("i") ? " -i " : " -o ").append(dev);
                    i += not ? 3 : 2;
                    continue;
                }
                case "meta" -> {
                    if ("l4proto".equals(next)) {
                        proto = protocol(at(t, i + 2, "meta l4proto"));
                        i += 3;
                        continue;
                    }
                    if ("mark".equals(next)) {
                        target = mark(t, i, sb);
                        i = t.size();
                        continue;
                    }
                    throw new IllegalArgumentException("'meta " + next + "' has no iptables equivalent read here");
                }
                case "mark" -> {
                    target = mark(t, i - 1, sb);
                    i = t.size();
                    continue;
                }
                case "tcp", "udp" -> {
                    if (!"dport".equals(next)) throw new IllegalArgumentException("'" + w + " " + next + "' has no iptables equivalent read here");
                    proto = w;
                    sb.append(" -p ").append(w).append(" -m ").append(w).append(" --dport ").append(number(at(t, i + 2, w + " dport")));
                    i += 3;
                    continue;
                }
                case "ct" -> {
                    if (!"state".equals(next)) throw new IllegalArgumentException("'ct " + next + "' has no iptables equivalent read here");
                    boolean n = "!=".equals(at(t, i + 2, "ct state"));
                    String states = ctstates(at(t, i + (n ? 3 : 2), "ct state"));
                    sb.append(" -m conntrack").append(n ? " ! --ctstate " : " --ctstate ").append(states);
                    i += n ? 4 : 3;
                    continue;
                }
                case "fib" -> {
                    boolean n = "!=".equals(at(t, i + 3, "fib"));
                    if (!"daddr".equals(next) || !"type".equals(at(t, i + 2, "fib")) || !"local".equals(at(t, i + (n ? 4 : 3), "fib"))) {
                        throw new IllegalArgumentException("'fib' other than 'fib daddr type [!=] local' has no iptables equivalent read here");
                    }
                    sb.append(" -m addrtype").append(n ? " ! --dst-type LOCAL" : " --dst-type LOCAL");
                    i += n ? 5 : 4;
                    continue;
                }
                case "comment" -> {
                    sb.append(" -m comment --comment \"").append(at(t, i + 1, "comment").replace("\"", "")).append('"');
                    i += 2;
                    continue;
                }
                case "accept", "drop", "return", "masquerade" -> target = w.equals("masquerade") ? "MASQUERADE" : w.toUpperCase(Locale.ROOT);
                case "reject" -> {
                    target = "REJECT";
                    // reject with tcp reset / with icmp type port-unreachable: how it rejects is not modelled
                    while ("with".equals(next) && i + 1 < t.size() && !t.get(i + 1).equals("comment")) i++;
                }
                case "jump" -> {
                    target = at(t, i + 1, "jump");
                    i++;
                }
                case "dnat" -> {
                    if (!"to".equals(next) || at(t, i + 2, "dnat to").contains("numgen")) throw new IllegalArgumentException("'dnat' other than 'dnat to ADDR:PORT' has no iptables equivalent read here");
                    target = "DNAT --to-destination " + at(t, i + 2, "dnat to");
                    i += 2;
                }
                default -> throw new IllegalArgumentException(w.equals("#") && next != null
                        ? "'# " + next + "' is a match iptables-nft cannot show in nft's language; it has no iptables equivalent read here"
                        : "'" + w + "' has no iptables equivalent read here");
            }
            i++;
        }
        if (proto != null && !sb.toString().contains(" -p ")) sb.append(" -p ").append(proto);
        if (target == null) {
            if (sb.toString().equals("-A " + chain)) return null;
            throw new IllegalArgumentException("no verdict (a match with a counter only is not modelled)");
        }
        return sb.append(" -j ").append(target).toString();
    }

    /** {@code meta mark & 0x4000 == 0x4000 ...} (a match, then the rest) or {@code meta mark set ...} (the target). */
    private static String mark(List<String> t, int i, StringBuilder sb) {
        // i is at "meta" (or just before a bare "mark"); the rest of the rule is read here
        List<String> rest = t.subList(i + 1, t.size());
        if (rest.size() >= 2 && rest.get(1).equals("set")) {
            // meta mark set meta mark | 0x4000 / mark set mark or 0x4000 / meta mark set meta mark & 0xffffbfff | 0x4000
            String s = String.join(" ", rest).replace("meta mark", "mark").replace(" or ", " | ").replace(" and ", " & ");
            Matcher m = Pattern.compile("^mark set mark \\| (0x[0-9a-f]+)(?: (.*))?$").matcher(s);
            if (m.matches() && (m.group(2) == null || m.group(2).isBlank())) return "MARK --or-mark " + m.group(1);
            m = Pattern.compile("^mark set mark & (0x[0-9a-f]+) \\| (0x[0-9a-f]+)(?: (.*))?$").matcher(s);
            if (m.matches() && (m.group(3) == null || m.group(3).isBlank())) {
                long keep = Long.decode(m.group(1));
                return "MARK --set-xmark " + m.group(2) + "/0x" + Long.toHexString(~keep & 0xffffffffL);
            }
            throw new IllegalArgumentException("'" + s + "' has no iptables equivalent read here");
        }
        Matcher m = MARK_MATCH.matcher(String.join(" ", rest.subList(0, Math.min(5, rest.size()))));
        if (!m.matches()) throw new IllegalArgumentException("'mark " + String.join(" ", rest) + "' has no iptables equivalent read here");
        sb.append(" -m mark").append(m.group(2).equals("!=") ? " ! --mark " : " --mark ").append(m.group(3)).append('/').append(m.group(1));
        // the rest of the rule after the mark match is read on: re-enter through a smaller rule
        String after = String.join(" ", rest.subList(Math.min(5, rest.size()), rest.size()));
        String tail = after.isBlank() ? null : iptablesRule("X", after);
        if (tail == null) throw new IllegalArgumentException("no verdict after the mark match");
        String body = tail.substring("-A X".length());
        int j = body.lastIndexOf(" -j ");
        sb.append(body, 0, j);
        return body.substring(j + 4);
    }

    /** iptables prints conntrack states in this order whatever order they were given in; nft in its own. */
    private static final List<String> CT_ORDER = List.of("INVALID", "NEW", "RELATED", "ESTABLISHED", "UNTRACKED", "SNAT", "DNAT");

    private static String ctstates(String nft) {
        List<String> given = List.of(nft.toUpperCase(Locale.ROOT).split(","));
        for (String s : given) if (!CT_ORDER.contains(s)) throw new IllegalArgumentException("conntrack state '" + s + "' is not modelled");
        return String.join(",", CT_ORDER.stream().filter(given::contains).toList());
    }

    private static String at(List<String> t, int i, String what) {
        if (i >= t.size()) throw new IllegalArgumentException("'" + what + "' without its value");
        return t.get(i);
    }

    private static String address(String v) {
        if (v.startsWith("@") || v.startsWith("{")) throw new IllegalArgumentException("a set (" + v + ") in an address match is not read here");
        return v;
    }

    private static String protocol(String v) {
        if (!v.equals("tcp") && !v.equals("udp") && !v.equals("icmp")) throw new IllegalArgumentException("protocol '" + v + "' is not modelled");
        return v;
    }

    private static String number(String v) {
        if (!v.matches("\\d{1,5}")) throw new IllegalArgumentException("port '" + v + "' is not one number (a set or range is not read here)");
        return v;
    }

    /** Words, a double-quoted string being one word (with its quotes). */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            int j = i;
            if (c == '"') {
                j = s.indexOf('"', i + 1);
                j = j < 0 ? s.length() : j + 1;
            } else {
                while (j < s.length() && s.charAt(j) != ' ' && s.charAt(j) != '\t') j++;
            }
            out.add(s.substring(i, j));
            i = j;
        }
        return out;
    }

    // ---- services ------------------------------------------------------------------------------------------------

    /** A key of service-ips or no-endpoint-services: {@code 10.96.0.10 . udp . 53}. */
    private static final Pattern SERVICE_KEY = Pattern.compile("^(\\d+\\.\\d+\\.\\d+\\.\\d+) \\. (tcp|udp|sctp) \\. (\\d+)$");
    private static final Pattern GOTO = Pattern.compile("^(?:goto|jump) (\\S+)$");
    private static final Pattern DNAT_MAP = Pattern.compile("dnat (?:ip )?(?:addr \\. port )?to numgen (inc|random) mod \\d+ map \\{ ([^}]*) }");
    private static final Pattern MAP_ENTRY = Pattern.compile("\\d+ : (\\d+\\.\\d+\\.\\d+\\.\\d+) \\. (\\d+)");
    private static final Pattern VIP = Pattern.compile("ip daddr (\\d+\\.\\d+\\.\\d+\\.\\d+) (tcp|udp) dport (\\d+)");
    private static final Pattern COMMENT = Pattern.compile("comment \"([a-z]{1,8})\"$");

    /**
     * The lab's realisation of IPVS ({@code host.linux.NftServiceProxy}), in a table of its own name so that it is
     * not mistaken for kube-proxy's nftables mode; captures made before it was renamed hold it in
     * {@code table ip kube-proxy}, where it is read too.
     */
    public static final String LAB_IPVS_TABLE = "kubepath-ipvs";

    /** The virtual servers of {@code table ip kube-proxy} and the lab's {@link #LAB_IPVS_TABLE}; null when the ruleset has neither. */
    static List<VirtualServer> services(List<Nftables.Table> tables, Map<Nftables.Table, NftTable> kubeProxy, Problems problems) {
        Map<String, VirtualServer> out = new LinkedHashMap<>();
        boolean any = false;
        for (Nftables.Table t : tables) {
            if (!t.family().equals("ip")) continue;
            if (kubeProxy.containsKey(t)) kubeProxyServices(t, kubeProxy.get(t), out, problems);
            else if (!t.name().equals(LAB_IPVS_TABLE) && !t.name().equals("kube-proxy")) continue;
            labServices(t, out);
            any = true;
        }
        return any ? new ArrayList<>(out.values()) : null;
    }

    /**
     * kube-proxy's nftables mode, read off the model of its table (the structure the data plane evaluates): map
     * service-ips to service chains, set no-endpoint-services; {@code listed} gives the lines problems are said at.
     */
    private static void kubeProxyServices(Nftables.Table listed, NftTable kp, Map<String, VirtualServer> out, Problems problems) {
        kp.set("service-ips").ifPresent(ips -> {
            for (NftSet.Element e : ips.elements()) {
                Matcher key = SERVICE_KEY.matcher(e.key());
                Matcher chain = GOTO.matcher(e.value() == null ? "" : e.value());
                if (!key.matches() || !chain.matches()) {
                    problems.add(listed.set("service-ips").line(), "service-ips element '" + e.key() + (e.value() == null ? "" : " : " + e.value())
                            + "' not read (expected 'IP . PROTO . PORT : goto CHAIN')");
                    continue;
                }
                if (key.group(2).equals("sctp")) continue; // SCTP is not modelled
                List<VirtualServer.RealServer> reals = new ArrayList<>();
                reals(listed, kp, chain.group(1), reals, 0, problems);
                // kube-proxy picks endpoints with numgen random, and the model evaluates it so
                put(out, new VirtualServer(Protocol.parse(key.group(2)), new SocketAddress(Ipv4.parse(key.group(1)), Integer.parseInt(key.group(3))), "random", reals));
            }
        });
        kp.set("no-endpoint-services").ifPresent(none -> {
            for (NftSet.Element e : none.elements()) {
                Matcher key = SERVICE_KEY.matcher(e.key());
                if (e.value() == null || !key.matches() || key.group(2).equals("sctp")) continue;
                put(out, new VirtualServer(Protocol.parse(key.group(2)), new SocketAddress(Ipv4.parse(key.group(1)), Integer.parseInt(key.group(3))), "random", List.of()));
            }
        });
        kp.set("service-nodeports").filter(s -> !s.elements().isEmpty()).ifPresent(nodePorts ->
                problems.add(listed.set("service-nodeports").line(), "note: " + nodePorts.elements().size() + " NodePort(s) in service-nodeports are not modelled as virtual servers"));
    }

    private static void put(Map<String, VirtualServer> out, VirtualServer v) {
        out.putIfAbsent(v.protocol() + " " + v.address(), v);
    }

    /**
     * The real servers a service chain leads to: through {@code numgen ... vmap} to endpoint chains and their
     * {@code dnat to}, or through {@code goto service-X} from an external-X chain.
     */
    private static void reals(Nftables.Table listed, NftTable kp, String chainName, List<VirtualServer.RealServer> reals, int depth, Problems problems) {
        Optional<NftChain> c = kp.chain(chainName);
        if (c.isEmpty() || depth > 3) {
            problems.add(listed.line(), "chain " + chainName + " (named in service-ips) is not in the output; its endpoints are unknown");
            return;
        }
        for (NftRule r : c.get().rules()) {
            for (NftRule.Expr x : r.exprs()) {
                switch (x) {
                    case NftRule.NumgenVmap v -> {
                        for (String ep : v.chains()) kp.chain(ep).ifPresent(e -> dnat(e, reals));
                    }
                    case NftRule.Verdict v when v.kind().equals("goto") && v.chain().startsWith("service-") -> {
                        reals(listed, kp, v.chain(), reals, depth + 1, problems); // external-X goes to service-X
                        return;
                    }
                    case NftRule.Dnat d -> reals.add(VirtualServer.RealServer.masq(d.to()));
                    default -> {}
                }
            }
        }
    }

    private static void dnat(NftChain endpoint, List<VirtualServer.RealServer> reals) {
        for (NftRule r : endpoint.rules()) {
            for (NftRule.Expr x : r.exprs()) if (x instanceof NftRule.Dnat d) reals.add(VirtualServer.RealServer.masq(d.to()));
        }
    }

    /** The lab's layout: chain services with one rule per virtual server, chain no-endpoints for those without reals. */
    private static void labServices(Nftables.Table t, Map<String, VirtualServer> out) {
        for (String name : List.of("services", "no-endpoints")) {
            Nftables.Chain c = t.chain(name);
            if (c == null) continue;
            for (Nftables.Rule r : c.rules()) {
                Matcher vip = VIP.matcher(r.text());
                if (!vip.find()) continue;
                List<VirtualServer.RealServer> reals = new ArrayList<>();
                String scheduler = "random";
                Matcher d = DNAT_MAP.matcher(r.text());
                if (d.find()) {
                    scheduler = d.group(1).equals("inc") ? "rr" : "random";
                    Matcher e = MAP_ENTRY.matcher(d.group(2));
                    while (e.find()) reals.add(VirtualServer.RealServer.masq(new SocketAddress(Ipv4.parse(e.group(1)), Integer.parseInt(e.group(2)))));
                } else if (!r.text().contains("reject")) {
                    continue;
                }
                Matcher sched = COMMENT.matcher(r.text());
                if (sched.find()) scheduler = sched.group(1);
                put(out, new VirtualServer(Protocol.parse(vip.group(2)), new SocketAddress(Ipv4.parse(vip.group(1)), Integer.parseInt(vip.group(3))), scheduler, reals));
            }
        }
    }
}
