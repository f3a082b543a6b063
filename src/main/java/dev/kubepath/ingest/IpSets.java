package dev.kubepath.ingest;

import dev.kubepath.model.IpSet;
import dev.kubepath.model.Rule;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ipset list} ({@code Name:}, {@code Type:}, header lines, then the members after {@code Members:}) and
 * {@code ipset save} ({@code create NAME TYPE ...} and {@code add NAME MEMBER}). Set types kube-proxy creates are
 * read: hash:ip, hash:net, hash:ip,port, hash:ip,port,ip, hash:ip,port,net and bitmap:port. A member may be
 * followed by options ({@code timeout 300}, {@code comment "..."}), which change nothing the tracer follows. IPv6
 * sets ({@code family inet6}) are left out, as every IPv6 entry is.
 */
public final class IpSets {
    private IpSets() {}

    private static final List<String> TYPES = List.of("hash:ip", "hash:net", "hash:ip,port", "hash:ip,port,ip", "hash:ip,port,net", "bitmap:port");

    private record Building(String type, List<IpSet.Member> members) {}

    /** Set names whose header says {@code family inet6}: IPv6 sets, left out like every IPv6 entry. */
    private static boolean inet6(String header) {
        return header.contains("family inet6");
    }

    public static Parsed<List<IpSet>> parse(String file, String text) {
        Problems problems = new Problems(file);
        Map<String, Building> sets = new LinkedHashMap<>();
        java.util.Set<String> ipv6 = new java.util.HashSet<>();
        String current = null;
        boolean inMembers = false;
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String line = l.text().trim();
            try {
                if (line.startsWith("Name:")) {
                    current = line.substring(5).trim();
                    inMembers = false;
                    if (current.isEmpty()) throw new IllegalArgumentException("'Name:' without a set name");
                    if (sets.putIfAbsent(current, new Building(null, new ArrayList<>())) != null) throw new IllegalArgumentException("set " + current + " listed twice");
                } else if (line.startsWith("Type:")) {
                    if (current == null) throw new IllegalArgumentException("'Type:' before any 'Name:'");
                    sets.put(current, new Building(type(line.substring(5).trim()), sets.get(current).members()));
                } else if (line.equals("Members:")) {
                    if (current == null) throw new IllegalArgumentException("'Members:' before any 'Name:'");
                    inMembers = true;
                } else if (!inMembers && line.startsWith("Header:")) {
                    if (current != null && inet6(line)) ipv6.add(current);
                } else if (!inMembers && (line.startsWith("Revision:") || line.startsWith("Size in memory:")
                        || line.startsWith("References:") || line.startsWith("Number of entries:"))) {
                    continue; // set bookkeeping
                } else if (line.startsWith("create ")) {
                    String[] t = Tokens.split(line);
                    if (t.length < 3) throw new IllegalArgumentException("expected 'create NAME TYPE ...', got '" + line + "'");
                    if (sets.putIfAbsent(t[1], new Building(type(t[2]), new ArrayList<>())) != null) throw new IllegalArgumentException("set " + t[1] + " created twice");
                    if (inet6(line)) ipv6.add(t[1]);
                    current = null;
                    inMembers = false;
                } else if (line.startsWith("add ")) {
                    String[] t = Tokens.split(line);
                    if (t.length < 3) throw new IllegalArgumentException("expected 'add NAME MEMBER', got '" + line + "'");
                    Building b = sets.get(t[1]);
                    if (b == null) throw new IllegalArgumentException("member of set " + t[1] + " before its 'create' line");
                    if (!ipv6.contains(t[1])) b.members().add(member(b.type(), t[2]));
                } else if (inMembers) {
                    Building b = sets.get(current);
                    if (b.type() == null) throw new IllegalArgumentException("member of set " + current + " whose 'Type:' was not shown");
                    if (!ipv6.contains(current)) b.members().add(member(b.type(), Tokens.split(line)[0]));
                } else {
                    throw new IllegalArgumentException("unexpected line '" + line + "' (expected Name:, Type:, Members:, create or add)");
                }
            } catch (IllegalArgumentException e) {
                problems.add(l.number(), e);
            }
        }
        List<IpSet> out = new ArrayList<>();
        sets.forEach((name, b) -> {
            if (b.type() != null && !ipv6.contains(name)) out.add(new IpSet(name, b.type(), b.members()));
        });
        return problems.result(out);
    }

    private static String type(String t) {
        if (!TYPES.contains(t)) throw new IllegalArgumentException("set type '" + t + "' is not modelled (expected one of " + String.join(", ", TYPES) + ")");
        return t;
    }

    /** One member in its type's form, e.g. {@code 10.96.0.1,tcp:443} of hash:ip,port or {@code 30080} of bitmap:port. */
    static IpSet.Member member(String type, String text) {
        String[] parts = text.split(",", -1);
        int expected = type.equals("bitmap:port") ? 1 : type.split(",").length;
        if (parts.length != expected) throw new IllegalArgumentException("member '" + text + "' does not have the " + expected + " parts of a " + type + " set");
        if (type.equals("bitmap:port")) return new IpSet.Member(null, null, port(text, text), null);
        Prefix address = type.equals("hash:net") ? Addresses.prefix(parts[0]) : Prefix.host(dev.kubepath.net.Ipv4.parse(parts[0]));
        if (parts.length == 1) return new IpSet.Member(address, null, null, null);
        String pp = parts[1];
        int colon = pp.indexOf(':');
        if (colon < 0) throw new IllegalArgumentException("member '" + text + "': expected PROTOCOL:PORT after the address, got '" + pp + "'");
        Protocol protocol = switch (pp.substring(0, colon)) {
            case "tcp" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            default -> throw new IllegalArgumentException("member '" + text + "': protocol '" + pp.substring(0, colon) + "' is not modelled (expected tcp or udp)");
        };
        Integer port = port(pp.substring(colon + 1), text);
        Prefix second = parts.length < 3 ? null : type.endsWith(",net") ? Addresses.prefix(parts[2]) : Prefix.host(dev.kubepath.net.Ipv4.parse(parts[2]));
        return new IpSet.Member(address, protocol, port, second);
    }

    private static int port(String s, String member) {
        int p = Tokens.parseInt(s, "port in member '" + member + "'");
        if (p > 65535) throw new IllegalArgumentException("port " + p + " in member '" + member + "' is above 65535");
        return p;
    }

    /**
     * A rule's match narrowed to one member of the set it names: {@code --match-set KUBE-CLUSTER-IP dst,dst} with
     * member 10.96.0.1,tcp:443 is {@code -d 10.96.0.1/32 -p tcp --dport 443}. Each flag says whether its part of the
     * member is compared with the packet's source or destination. Null when the rule can never match the member.
     */
    static Rule.Match match(Rule.Match m, IpSet set, IpSet.Member member, String flags) {
        String[] dir = flags.split(",");
        String where = "--match-set " + set.name() + " " + flags;
        int part = 0;
        if (member.address() != null) {
            String d = flag(dir, part++, where);
            if (d.equals("dst")) {
                if (m.dst() != null) throw new IllegalArgumentException(where + " together with -d is not modelled");
                m = m.withDst(member.address(), false);
            } else {
                if (m.src() != null) throw new IllegalArgumentException(where + " together with -s is not modelled");
                m = m.withSrc(member.address(), false);
            }
        }
        if (member.port() != null) {
            String d = flag(dir, part++, where);
            if (!d.equals("dst")) throw new IllegalArgumentException(where + ": matching a source port is not modelled");
            Protocol p = member.protocol() != null ? member.protocol() : m.protocol();
            if (p == null) throw new IllegalArgumentException(where + ": a " + set.type() + " set needs -p tcp or -p udp in the rule");
            if (m.protocol() != null && m.protocol() != p) return null; // a member of the other protocol: the rule never matches it
            m = m.withPort(p, member.port());
        }
        if (member.second() != null) {
            String d = flag(dir, part, where);
            if (d.equals("src")) {
                if (m.src() != null) throw new IllegalArgumentException(where + " together with -s is not modelled");
                m = m.withSrc(member.second(), false);
            } else {
                throw new IllegalArgumentException(where + ": a third part matched against the destination is not modelled");
            }
        }
        return m;
    }

    private static String flag(String[] dir, int i, String where) {
        if (i >= dir.length) throw new IllegalArgumentException(where + ": fewer src/dst flags than the set has parts");
        if (!dir[i].equals("src") && !dir[i].equals("dst")) throw new IllegalArgumentException(where + ": flag '" + dir[i] + "' is not src or dst");
        return dir[i];
    }
}
