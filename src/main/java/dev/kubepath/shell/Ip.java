package dev.kubepath.shell;

import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * iproute2's {@code ip} and {@code bridge} on one host's kernel state, in iproute2 6.1's words (the goldens in
 * src/test/resources/shell/iproute2 were printed by it, see scripts/capture-shell-goldens.sh).
 */
public final class Ip {
    private final Host host;

    public Ip(Host host) {
        this.host = host;
    }

    /** {@code ip [-d] [-s] [-br] [-4] OBJECT [COMMAND [ARGS]]}; argv without the leading "ip". */
    public String ip(List<String> argv) {
        boolean details = false, brief = false;
        int stats = 0;
        int i = 0;
        for (; i < argv.size() && argv.get(i).startsWith("-"); i++) {
            switch (argv.get(i)) {
                case "-d", "-details", "-detail", "-de", "-det" -> details = true;
                case "-br", "-brief" -> brief = true;
                case "-s", "-stats", "-statistics" -> stats++;
                case "-4", "-n", "-c", "-color", "-o", "-oneline", "-h", "-human" -> { }
                default -> throw new ToolError("Option \"" + argv.get(i) + "\" is unknown, try \"ip -help\".\n", 255);
            }
        }
        if (i >= argv.size()) throw new ToolError(IP_USAGE, 255);
        String object = argv.get(i);
        List<String> rest = argv.subList(i + 1, argv.size());
        if (matches(object, "route")) return route(rest);
        if (matches(object, "address")) {
            String dev = device(rest, "address");
            return brief ? briefAddr(dev) : NetTools.ipAddr(host, dev);
        }
        if (matches(object, "link")) return link(rest, brief, details, stats);
        if (matches(object, "neighbour") || matches(object, "neighbor")) return neigh(rest);
        if (matches(object, "help")) throw new ToolError(IP_USAGE, 255);
        throw new ToolError("Object \"" + object + "\" is unknown, try \"ip help\".\n", 255);
    }

    private static final String IP_USAGE = """
            Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
                   ip [ -force ] -batch filename
            where  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp | link |
                               macsec | maddress | monitor | mptcp | mroute | mrule |
                               neighbor | neighbour | netconf | netns | nexthop | ntable |
                               ntbl | route | rule | sr | tap | tcpmetrics |
                               token | tunnel | tuntap | vrf | xfrm }
                   OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |
                                -h[uman-readable] | -iec | -j[son] | -p[retty] |
                                -f[amily] { inet | inet6 | mpls | bridge | link } |
                                -4 | -6 | -M | -B | -0 |
                                -l[oops] { maximum-addr-flush-attempts } | -br[ief] |
                                -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |
                                -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |
                                -c[olor]}
            """;

    /** iproute2 accepts any prefix of an object or command word ("ro", "neigh"). */
    private static boolean matches(String typed, String word) {
        return !typed.isEmpty() && word.startsWith(typed);
    }

    // ---- ip route ---------------------------------------------------------------------------------------------

    private String route(List<String> a) {
        if (a.isEmpty() || matches(a.get(0), "show") || matches(a.get(0), "list")) return NetTools.ipRoute(host);
        if (matches(a.get(0), "get")) return routeGet(a.subList(1, a.size()));
        throw new ToolError("Command \"" + a.get(0) + "\" is unknown, try \"ip route help\".\n", 255);
    }

    private static Ipv4 address(String text) {
        if (!Ipv4.isValid(text)) throw new ToolError("Error: any valid prefix is expected rather than \"" + text + "\".\n", 1);
        return Ipv4.parse(text);
    }

    /** {@code ip route get ADDR [from ADDR] [iif DEV]}. */
    String routeGet(List<String> a) {
        Ipv4 to = null, from = null;
        String iif = null;
        for (int i = 0; i < a.size(); i++) {
            String w = a.get(i);
            boolean hasValue = i + 1 < a.size();
            switch (w) {
                case "from" -> from = hasValue ? address(a.get(++i)) : null;
                case "iif" -> iif = hasValue ? a.get(++i) : null;
                case "to" -> to = hasValue ? address(a.get(++i)) : null;
                default -> {
                    if (to != null) throw new ToolError("Error: either \"to\" is duplicate, or \"" + w + "\" is a garbage.\n", 255);
                    to = address(w);
                }
            }
        }
        if (to == null) throw new ToolError("need at least a destination address\n", 1);
        int first = to.bits() >>> 24;
        if (first == 0 || first >= 224) throw new ToolError("kubepath shell: ip route get " + to + ": multicast, broadcast-all and 0/8 are not simulated\n", 1);
        return iif == null ? output(to, from) : input(to, from, iif);
    }

    /**
     * The source address the kernel gives a packet this host sends to {@code to} (what {@code ip route get} prints as
     * {@code src}), or empty when it has no usable route there.
     */
    Optional<Ipv4> sourceTowards(Ipv4 to) {
        Local local = local(to);
        if (local != null) return Optional.of(local.src);
        try {
            return Optional.ofNullable(source(lookup(to)));
        } catch (ToolError e) {
            return Optional.empty(); // no route, or a reject route: the kernel sends nothing
        }
    }

    /** The route the kernel takes for a packet this host sends: the local table first, then the main table. */
    private String output(Ipv4 to, Ipv4 from) {
        if (from != null && !isLocal(from)) throw rtnetlink("Network is unreachable");
        String fromPart = from != null ? " from " + from : "";
        Local local = local(to);
        if (local != null) {
            String src = from != null ? "" : " src " + local.src;
            return (local.broadcast ? "broadcast " : "local ") + to + fromPart + " dev " + (local.broadcast ? local.dev : "lo") + src
                    + " uid 0 \n    cache <local" + (local.broadcast ? ",brd" : "") + "> \n";
        }
        Route r = lookup(to);
        String src = from != null ? "" : Optional.ofNullable(source(r)).map(s -> " src " + s).orElse("");
        return to + fromPart + via(r) + " dev " + r.dev() + src + " uid 0 \n    cache \n";
    }

    /**
     * The route the kernel takes for a packet arriving on {@code iif} from {@code from}, in the order of
     * ip_route_input_slow(): martian addresses, the local table, the main table, then forwarding and the source check.
     */
    private String input(Ipv4 to, Ipv4 from, String iif) {
        if (host.link(iif).isEmpty()) throw new ToolError("Cannot find device \"" + iif + "\"\n", 1);
        if (from == null || isLoopback(from) || isLoopback(to)) throw rtnetlink("Invalid argument"); // martian
        Local local = local(to);
        if (local != null && local.broadcast) throw new ToolError("kubepath shell: ip route get to a broadcast address with iif is not simulated\n", 1);
        if (local != null) {
            if (isLocal(from)) throw rtnetlink("Invalid argument"); // a martian source: our own address, from outside
            return "local " + to + " from " + from + " dev lo \n    cache <local> iif " + iif + " \n";
        }
        Route r;
        try {
            r = lookup(to);
        } catch (ToolError e) {
            if (!host.ipForward()) throw rtnetlink("No route to host");
            throw e;
        }
        if (!host.ipForward()) throw rtnetlink("No route to host");
        if (isLocal(from)) throw rtnetlink("Invalid argument");
        String redirect = r.dev().equals(iif) && sourceIsOnLink(from, iif) ? "<redirect> " : "";
        return to + " from " + from + via(r) + " dev " + r.dev() + " \n    cache " + redirect + "iif " + iif + " \n";
    }

    /**
     * Whether the source lies on the incoming device's own link (fib_validate_source() answering 1): the route back
     * to it, or failing that the best route back through that device, is a direct one on that device. A packet
     * forwarded back out of that same device then gets an ICMP redirect (send_redirects and shared_media are on by
     * default), which {@code ip route get} shows as {@code <redirect>}.
     */
    private boolean sourceIsOnLink(Ipv4 from, String iif) {
        Route back = best(from, null);
        if (back == null || back.type() != Route.Type.UNICAST) return false;
        if (!iif.equals(back.dev())) back = best(from, iif);
        return back != null && back.type() == Route.Type.UNICAST && via(back).isEmpty();
    }

    /**
     * The gateway as the kernel keeps it: a gateway that is one of the host's own addresses makes the next hop
     * host-scoped, and the kernel then sends directly (no "via").
     */
    private String via(Route r) {
        return r.via() != null && !isLocal(r.via()) ? " via " + r.via() : "";
    }

    /** The main table's longest match, lowest metric first, over usable routes (only those on {@code dev} if given). */
    private Route best(Ipv4 to, String dev) {
        Route best = null;
        for (Route r : mainTable()) {
            if (!r.dst().contains(to)) continue;
            if (r.dev() != null && !host.link(r.dev()).map(Link::up).orElse(true)) continue;
            if (dev != null && !dev.equals(r.dev())) continue;
            if (best == null || r.dst().length() > best.dst().length()
                    || r.dst().length() == best.dst().length() && r.metric() < best.metric()) best = r;
        }
        return best;
    }

    private static boolean isLoopback(Ipv4 ip) {
        return (ip.bits() >>> 24) == 127;
    }

    private static ToolError rtnetlink(String reason) {
        return new ToolError("RTNETLINK answers: " + reason + "\n", 2);
    }

    private record Local(Prefix dst, String dev, Ipv4 src, boolean broadcast) {}

    /**
     * The kernel's local table, as fib_add_ifaddr() derives it from the addresses in the order they were added: each
     * address is local (its source the primary address of its subnet); a primary address on the loopback device
     * makes its whole prefix local (127.0.0.0/8); a primary address shorter than /31 adds its subnet's broadcast.
     * An address is secondary when the same device already has one in the same subnet with the same length.
     */
    private List<Local> localTable() {
        List<Local> table = new ArrayList<>();
        List<IfAddress> seen = new ArrayList<>();
        for (IfAddress a : host.addresses()) {
            IfAddress primary = seen.stream().filter(b -> b.dev().equals(a.dev()) && b.prefixLength() == a.prefixLength()
                    && b.prefix().equals(a.prefix())).findFirst().orElse(a);
            seen.add(a);
            table.add(new Local(Prefix.host(a.ip()), a.dev(), primary.ip(), false));
            if (primary != a) continue;
            boolean loopback = host.link(a.dev()).map(l -> l.kind() instanceof LinkKind.Loopback).orElse(false);
            if (a.prefixLength() == 32) continue;
            if (loopback) table.add(new Local(a.prefix(), a.dev(), a.ip(), false));
            if (a.prefixLength() < 31) table.add(new Local(Prefix.host(a.prefix().broadcast()), a.dev(), a.ip(), true));
        }
        return table;
    }

    /** The local table's longest match; among equal prefixes the first added (the kernel appends its own routes). */
    private Local local(Ipv4 to) {
        Local best = null;
        for (Local l : localTable()) {
            if (l.dst().contains(to) && (best == null || l.dst().length() > best.dst().length())) best = l;
        }
        return best;
    }

    private boolean isLocal(Ipv4 ip) {
        Local l = local(ip);
        return l != null && !l.broadcast;
    }

    /**
     * The main table's longest match (lowest metric among equals), over routes on devices that are up and the
     * connected routes the kernel adds for each address shorter than /32. Reject routes answer with their error.
     */
    private Route lookup(Ipv4 to) {
        Route best = best(to, null);
        if (best == null) throw rtnetlink("Network is unreachable");
        return switch (best.type()) {
            case BLACKHOLE -> throw rtnetlink("Invalid argument");
            case UNREACHABLE -> throw rtnetlink("No route to host");
            case PROHIBIT -> throw rtnetlink("Permission denied");
            default -> best;
        };
    }

    private List<Route> mainTable() {
        List<Route> routes = new ArrayList<>(host.routes().stream().filter(r -> Route.MAIN.equals(r.table())).toList());
        for (IfAddress a : host.addresses()) {
            if (a.prefixLength() >= 32) continue;
            if (host.link(a.dev()).map(l -> l.kind() instanceof LinkKind.Loopback).orElse(false)) continue;
            // a route through a gateway to the same prefix does not stand in for the connected one
            if (routes.stream().noneMatch(r -> r.dst().equals(a.prefix()) && a.dev().equals(r.dev()) && r.via() == null)) {
                routes.add(new Route(Route.MAIN, Route.Type.UNICAST, a.prefix(), null, a.dev(), false, 0, Route.Scope.LINK, a.ip()));
            }
        }
        return routes;
    }

    /**
     * The source address the kernel picks (inet_select_addr): the route's own src; else the first address of the
     * output device (the one whose prefix holds the gateway, if any); else the first global address of any device.
     */
    private Ipv4 source(Route r) {
        if (r.src() != null) return r.src();
        List<IfAddress> onDev = host.addresses().stream().filter(a -> a.dev().equals(r.dev()) && !isHostScope(a)).toList();
        if (r.via() != null) {
            for (IfAddress a : onDev) if (a.prefix().contains(r.via())) return a.ip();
        }
        if (!onDev.isEmpty()) return onDev.get(0).ip();
        for (Link l : host.links()) {
            for (IfAddress a : host.addresses()) if (a.dev().equals(l.name()) && !isHostScope(a)) return a.ip();
        }
        return null;
    }

    private static boolean isHostScope(IfAddress a) {
        return (a.ip().bits() >>> 24) == 127;
    }

    // ---- ip link, ip -br addr ---------------------------------------------------------------------------------

    /** {@code ip link|address [show|list] [[dev] DEV]}: the device asked for (null for all), as iproute2 checks it. */
    private String device(List<String> a, String object) {
        String dev = null;
        int i = 0;
        if (i < a.size() && (matches(a.get(i), "show") || matches(a.get(i), "list"))) i++;
        else if (i < a.size()) throw new ToolError("Command \"" + a.get(i) + "\" is unknown, try \"ip " + object + " help\".\n", 255);
        for (; i < a.size(); i++) {
            String w = a.get(i);
            if (w.equals("dev") && i + 1 < a.size()) dev = a.get(++i);
            else dev = w;
        }
        if (dev != null && host.link(dev).isEmpty()) throw new ToolError("Device \"" + dev + "\" does not exist.\n", 1);
        return dev;
    }

    private String link(List<String> a, boolean brief, boolean details, int stats) {
        String dev = device(a, "link");
        StringBuilder sb = new StringBuilder();
        int index = 0;
        for (Link l : host.links()) {
            index++;
            if (dev != null && !l.name().equals(dev)) continue;
            if (brief) {
                sb.append(String.format(Locale.ROOT, "%-16s %-14s %s <%s> %n", nameOf(l), state(l), mac(l), flags(l)).replace("\r", ""));
                continue;
            }
            sb.append(index).append(": ").append(nameOf(l)).append(": <").append(flags(l)).append("> mtu ").append(l.mtu())
                    .append(" qdisc ").append(qdisc(l)).append(master(l)).append(" state ").append(state(l))
                    .append(" mode DEFAULT group default").append(qlen(l)).append('\n');
            sb.append("    link/").append(l.kind() instanceof LinkKind.Loopback ? "loopback " : "ether ").append(mac(l))
                    .append(" brd ").append(l.kind() instanceof LinkKind.Loopback ? "00:00:00:00:00:00" : "ff:ff:ff:ff:ff:ff");
            if (details) sb.append(" promiscuity 0  allmulti 0 minmtu ").append(minMtu(l)).append(" maxmtu ").append(maxMtu(l)).append(" \n")
                    .append(detailLine(l));
            sb.append('\n');
            if (stats > 0) sb.append(stats > 1 ? STATS_TWICE : STATS);
        }
        return sb.toString();
    }

    /**
     * {@code -s}: the counters, all 0, for the simulation counts no packets (and {@code -s -s} the error counters
     * too), laid out as iproute2 6.1 lays them out.
     */
    private static final String RX = "    RX:  bytes packets errors dropped  missed   mcast           \n"
            + "             0       0      0       0       0       0 \n";
    private static final String TX = "    TX:  bytes packets errors dropped carrier collsns           \n"
            + "             0       0      0       0       0       0 \n";
    private static final String STATS = RX + TX;
    private static final String STATS_TWICE = RX
            + "    RX errors:  length    crc   frame    fifo overrun\n                     0      0       0       0       0 \n" + TX
            + "    TX errors: aborted   fifo  window heartbt transns\n                     0      0       0       0       0 \n";

    /** {@code ip -d link}'s second line for a device flannel makes (VXLAN); other kinds print their own options. */
    private static String detailLine(Link l) {
        String tail = "addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size 524280 tso_max_segs 65535 gro_max_size 65536 ";
        if (l.kind() instanceof LinkKind.Vxlan x) {
            return "    vxlan id " + x.vni() + (x.local() != null ? " local " + x.local() : "") + (x.underlayDev() != null ? " dev " + x.underlayDev() : "")
                    + " srcport 0 0 dstport " + x.port() + (x.learning() ? "" : " nolearning") + " ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx "
                    + tail;
        }
        return "    " + tail;
    }

    private static int minMtu(Link l) {
        return l.kind() instanceof LinkKind.Loopback ? 0 : 68;
    }

    private static int maxMtu(Link l) {
        return l.kind() instanceof LinkKind.Vxlan ? 65535 : l.kind() instanceof LinkKind.Loopback ? 0 : 65535;
    }

    private static String qdisc(Link l) {
        return l.kind() instanceof LinkKind.Ethernet ? "pfifo_fast" : "noqueue";
    }

    private static String qlen(Link l) {
        // as the captured kernel shows them: loopback, ethernet, veth, bridge and VXLAN devices all queue 1000
        return l.kind() instanceof LinkKind.Vxlan || l.kind() instanceof LinkKind.Ethernet || l.kind() instanceof LinkKind.Loopback
                || l.kind() instanceof LinkKind.Bridge || l.kind() instanceof LinkKind.Veth ? " qlen 1000" : "";
    }

    private static String master(Link l) {
        return l.master() != null ? " master " + l.master() : "";
    }

    private static String nameOf(Link l) {
        return l.kind() instanceof LinkKind.Veth v && v.peer() != null && v.peer().matches("if\\d+") ? l.name() + "@" + v.peer() : l.name();
    }

    private static String mac(Link l) {
        return l.kind() instanceof LinkKind.Loopback ? "00:00:00:00:00:00" : String.valueOf(l.mac());
    }

    /**
     * The operational state iproute2 prints: loopback and VXLAN devices report no carrier state (UNKNOWN); a device
     * that is not up is DOWN. A bridge that is down is taken to be up without carrier (docker0 without pods): the
     * model keeps one "up" bit for both, and an administratively down docker0 is rare.
     */
    private static String state(Link l) {
        if (!l.up()) return "DOWN";
        return l.kind() instanceof LinkKind.Loopback || l.kind() instanceof LinkKind.Vxlan || l.kind() instanceof LinkKind.Dummy ? "UNKNOWN" : "UP";
    }

    private static String flags(Link l) {
        if (l.kind() instanceof LinkKind.Loopback) return l.up() ? "LOOPBACK,UP,LOWER_UP" : "LOOPBACK";
        if (l.kind() instanceof LinkKind.Dummy) return l.up() ? "BROADCAST,NOARP,UP,LOWER_UP" : "BROADCAST,NOARP";
        if (l.up()) return "BROADCAST,MULTICAST,UP,LOWER_UP";
        return l.kind() instanceof LinkKind.Bridge ? "NO-CARRIER,BROADCAST,MULTICAST,UP" : "BROADCAST,MULTICAST";
    }

    /** {@code ip -br addr}: each device, its state, its IPv4 addresses, then the IPv6 link-local address a running device has. */
    private String briefAddr(String dev) {
        StringBuilder sb = new StringBuilder();
        for (Link l : host.links()) {
            if (dev != null && !l.name().equals(dev)) continue;
            List<String> addrs = new ArrayList<>();
            for (IfAddress a : host.addresses()) if (a.dev().equals(l.name())) addrs.add(a.ip() + "/" + a.prefixLength());
            if (l.kind() instanceof LinkKind.Loopback && l.up()) addrs.add("::1/128");
            else if (l.up() && l.mac() != null && !(l.kind() instanceof LinkKind.Dummy)) addrs.add(NetTools.linkLocal(l.mac()) + "/64");
            sb.append(String.format(Locale.ROOT, "%-16s %-14s ", nameOf(l), state(l)));
            for (String s : addrs) sb.append(s).append(' ');
            sb.append('\n');
        }
        return sb.toString();
    }

    // ---- ip neigh, bridge fdb ---------------------------------------------------------------------------------

    private String neigh(List<String> a) {
        String dev = null;
        int i = 0;
        if (i < a.size() && (matches(a.get(i), "show") || matches(a.get(i), "list"))) i++;
        else if (i < a.size()) throw new ToolError("Command \"" + a.get(i) + "\" is unknown, try \"ip neigh help\".\n", 255);
        for (; i < a.size(); i++) if (a.get(i).equals("dev") && i + 1 < a.size()) dev = a.get(++i);
        if (dev != null && host.link(dev).isEmpty()) throw new ToolError("Cannot find device \"" + dev + "\"\n", 1);
        StringBuilder sb = new StringBuilder();
        for (Neighbour n : host.neighbours()) {
            if (dev == null) sb.append(n.describe()).append('\n');
            else if (n.dev().equals(dev)) sb.append(n.ip()).append(n.mac() != null ? " lladdr " + n.mac() : "").append(' ').append(n.state()).append(" \n");
        }
        return sb.toString();
    }

    /** {@code bridge fdb [show] [dev DEV]}; argv without the leading "bridge". */
    public String bridge(List<String> a) {
        if (a.isEmpty() || !matches(a.get(0), "fdb")) {
            String object = a.isEmpty() ? "" : a.get(0);
            if (a.isEmpty()) throw new ToolError("Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }\nwhere  OBJECT := { link | fdb | mdb | vlan | vni | monitor }\n", 255);
            throw new ToolError("Object \"" + object + "\" is unknown, try \"bridge help\".\n", 255);
        }
        String dev = null;
        for (int i = 1; i < a.size(); i++) if ((a.get(i).equals("dev") || a.get(i).equals("br")) && i + 1 < a.size()) dev = a.get(++i);
        if (dev != null && host.link(dev).isEmpty()) throw new ToolError("Cannot find device \"" + dev + "\"\n", 1);
        StringBuilder sb = new StringBuilder();
        List<FdbEntry> entries = dumpOrder(host.fdb());
        for (FdbEntry e : entries) {
            if (dev == null) sb.append(e.describe()).append('\n');
            else if (e.dev().equals(dev)) sb.append(e.mac()).append(e.dst() != null ? " dst " + e.dst() : "").append(" self").append(e.permanent() ? " permanent" : "").append('\n');
        }
        return sb.toString();
    }

    /**
     * The order the kernel dumps a VXLAN device's forwarding table in: newest entry first (kernel 6.18, on which the
     * goldens were captured, keeps the entries on a list it adds to at the head). The model keeps them in the order
     * they were written.
     */
    static List<FdbEntry> dumpOrder(List<FdbEntry> fdb) {
        List<FdbEntry> newestFirst = new ArrayList<>(fdb);
        java.util.Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** Kept for callers that print one prefix the way {@code ip route} names it. */
    static String prefix(Prefix p) {
        return p.length() == 0 ? "default" : p.toString();
    }
}
