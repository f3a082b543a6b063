package dev.kubepath.shell;

import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What the host tools print, from a host's state: {@code route -n} and {@code ifconfig} as CentOS 7's net-tools
 * print them, {@code ip route}, {@code ip addr}, {@code ip neigh} and {@code bridge fdb} as iproute2 does.
 */
public final class NetTools {
    private NetTools() {}

    /** net-tools' {@code route -n}: the main table in the kernel's (ascending) order. */
    public static String routeN(Host h) {
        StringBuilder sb = new StringBuilder("Kernel IP routing table\n");
        sb.append("Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n");
        for (Route r : mainRoutes(h)) {
            if (r.type() != Route.Type.UNICAST) continue;
            String flags = "U" + (r.via() != null ? "G" : "") + (r.dst().length() == 32 ? "H" : "");
            sb.append(String.format(Locale.ROOT, "%-15s %-15s %-15s %-5s %-6d %-2d %7d %s%n",
                    r.dst().network(), r.via() != null ? r.via() : Ipv4.ANY, r.dst().netmask(), flags, r.metric(), 0, 0, r.dev()));
        }
        return sb.toString();
    }

    /** iproute2's {@code ip route}: the main table, with the kernel's connected routes. */
    public static String ipRoute(Host h) {
        StringBuilder sb = new StringBuilder();
        for (Route r : mainRoutes(h)) sb.append(r.describe()).append('\n');
        return sb.toString();
    }

    private static List<Route> mainRoutes(Host h) {
        List<Route> routes = new ArrayList<>(h.routes().stream().filter(r -> Route.MAIN.equals(r.table())).toList());
        routes.sort(Comparator.comparing((Route r) -> r.dst().network()).thenComparing(r -> -r.dst().length()).thenComparingInt(Route::metric));
        return routes;
    }

    /**
     * net-tools' {@code ifconfig [PREFIX]}: every interface whose name starts with the prefix. A bridge has a
     * carrier only while some port (a pod's veth) is on it: an empty docker0 is UP but not RUNNING.
     */
    public static String ifconfig(Host h, String prefix) {
        StringBuilder sb = new StringBuilder();
        for (Link l : h.links()) {
            if (prefix != null && !l.name().startsWith(prefix)) continue;
            if (!l.up() && prefix == null) continue;
            boolean carrier = !(l.kind() instanceof LinkKind.Bridge)
                    || h.containers().stream().anyMatch(c -> c.bridge().equals(l.name()))
                    || h.links().stream().anyMatch(p -> l.name().equals(p.master()));
            sb.append(ifconfigOne(h, l, carrier)).append('\n');
        }
        if (sb.isEmpty() && prefix != null) return prefix + ": error fetching interface information: Device not found\n";
        return sb.toString();
    }

    /** One interface; {@code carrier} says whether it has a carrier (an empty bridge has none: no RUNNING, no inet6). */
    public static String ifconfigOne(Host h, Link l, boolean carrier) {
        boolean loop = l.kind() instanceof LinkKind.Loopback;
        boolean running = l.up() && carrier;
        int flags = (l.up() ? 0x1 : 0) | (loop ? 0x8 : 0x2) | (running ? 0x40 : 0) | (loop ? 0 : 0x1000);
        List<String> names = new ArrayList<>();
        if (l.up()) names.add("UP");
        names.add(loop ? "LOOPBACK" : "BROADCAST");
        if (running) names.add("RUNNING");
        if (!loop) names.add("MULTICAST");
        StringBuilder sb = new StringBuilder();
        sb.append(l.name()).append(": flags=").append(flags).append('<').append(String.join(",", names)).append(">  mtu ").append(l.mtu()).append('\n');
        for (IfAddress a : h.addresses()) {
            if (!a.dev().equals(l.name())) continue;
            Prefix p = a.prefix();
            String brd = a.prefixLength() >= 31 ? "0.0.0.0" : p.broadcast().toString();
            sb.append("        inet ").append(a.ip()).append("  netmask ").append(p.netmask());
            sb.append(loop ? "" : "  broadcast " + brd).append('\n');
        }
        if (running && l.mac() != null && !loop) {
            sb.append("        inet6 ").append(linkLocal(l.mac())).append("  prefixlen 64  scopeid 0x20<link>\n");
        }
        if (loop) sb.append("        loop  txqueuelen 1000  (Local Loopback)\n");
        else if (l.mac() != null) {
            int txq = l.kind() instanceof LinkKind.Ethernet ? 1000 : 0;
            sb.append("        ether ").append(l.mac()).append("  txqueuelen ").append(txq).append("  (Ethernet)\n");
        }
        sb.append("        RX packets 0  bytes 0 (0.0 B)\n");
        sb.append("        RX errors 0  dropped 0  overruns 0  frame 0\n");
        sb.append("        TX packets 0  bytes 0 (0.0 B)\n");
        sb.append("        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0\n");
        return sb.toString();
    }

    /** The EUI-64 link-local address the kernel derives from a MAC: fe80::3470:76ff:feea:39b8. */
    public static String linkLocal(Mac mac) {
        long m = mac.bits() ^ 0x0200_0000_0000L;
        int[] g = {
                (int) ((m >>> 32) & 0xFFFF),
                (int) (((m >>> 24) & 0xFF) << 8) | 0xFF,
                0xFE00 | (int) ((m >>> 16) & 0xFF),
                (int) (m & 0xFFFF)};
        return String.format(Locale.ROOT, "fe80::%x:%x:%x:%x", g[0], g[1], g[2], g[3]);
    }

    /** iproute2's {@code ip addr}. */
    public static String ipAddr(Host h) {
        return ipAddr(h, null);
    }

    /** {@code ip addr show DEV}: that device's block only, with its own index (null: every device). */
    public static String ipAddr(Host h, String dev) {
        StringBuilder sb = new StringBuilder();
        int index = 0;
        for (Link l : h.links()) {
            index++;
            if (dev != null && !l.name().equals(dev)) continue;
            String state = l.up() ? "UP" : "DOWN";
            sb.append(index).append(": ").append(l.name()).append(": <").append(l.up() ? "BROADCAST,MULTICAST,UP,LOWER_UP" : "BROADCAST,NOARP")
                    .append("> mtu ").append(l.mtu()).append(" state ").append(state).append('\n');
            if (l.mac() != null) sb.append("    link/ether ").append(l.mac()).append(" brd ff:ff:ff:ff:ff:ff\n");
            if (l.kind() instanceof LinkKind.Vxlan x) {
                sb.append("    vxlan id ").append(x.vni()).append(x.local() != null ? " local " + x.local() : "")
                        .append(x.underlayDev() != null ? " dev " + x.underlayDev() : "").append(" srcport 0 0 dstport ").append(x.port())
                        .append(x.learning() ? "" : " nolearning").append('\n');
            }
            for (IfAddress a : h.addresses()) {
                if (!a.dev().equals(l.name())) continue;
                sb.append("    inet ").append(a.ip()).append('/').append(a.prefixLength());
                if (a.prefixLength() < 31) sb.append(" brd ").append(a.prefix().broadcast());
                sb.append(" scope ").append(a.ip().bits() >>> 24 == 127 ? "host" : "global").append(' ').append(l.name()).append('\n');
            }
        }
        return sb.toString();
    }

    /** iproute2's {@code ip neigh}. */
    public static String ipNeigh(Host h) {
        StringBuilder sb = new StringBuilder();
        for (Neighbour n : h.neighbours()) sb.append(n.describe()).append('\n');
        return sb.toString();
    }

    /** iproute2's {@code bridge fdb show}, the VXLAN entries. */
    public static String bridgeFdb(Host h) {
        StringBuilder sb = new StringBuilder();
        for (FdbEntry e : h.fdb()) sb.append(e.describe()).append('\n');
        return sb.toString();
    }
}
