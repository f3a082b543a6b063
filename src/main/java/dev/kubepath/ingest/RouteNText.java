package dev.kubepath.ingest;

import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.List;

/**
 * net-tools {@code route -n}: Destination Gateway Genmask Flags Metric Ref Use Iface. A gateway of 0.0.0.0 is a
 * directly connected route. A {@code UG} route on a flannel device whose gateway is the destination network itself
 * is flannel's VXLAN route, which the kernel only accepts with {@code onlink}, so it is read as onlink.
 */
public final class RouteNText {
    private RouteNText() {}

    public static Parsed<List<Route>> parse(String file, String text) {
        Problems problems = new Problems(file);
        List<Route> routes = new ArrayList<>();
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String line = l.text();
            if (Transcript.isComment(line) || isHeader(line)) continue;
            try {
                routes.add(parseLine(line));
            } catch (IllegalArgumentException e) {
                problems.add(l.number(), e);
            }
        }
        return problems.result(routes);
    }

    private static IllegalArgumentException columns(String line) {
        return new IllegalArgumentException("route -n row has " + Tokens.split(line).length
                + " columns, expected 8 (Destination Gateway Genmask Flags Metric Ref Use Iface): '" + line.trim() + "'");
    }

    /** The cursor's word as an address's bits, {@code zero} standing for 0.0.0.0; any other non-address is a name. */
    private static int address(LineCursor c, String zero, String column, String line) {
        if (c.is(zero)) return 0;
        long bits = c.ipv4OrName();
        if (bits < 0) throw RouteText.name(column, c.word(), line);
        return (int) bits;
    }

    static boolean isHeader(String line) {
        return line.startsWith("Kernel IP routing table") || line.startsWith("Destination ");
    }

    /**
     * One {@code route -n} row, e.g. {@code 172.17.9.0  172.17.9.0  255.255.255.0  UG  0  0  0 flannel.1}.
     *
     * @throws IllegalArgumentException naming the column that could not be read
     */
    public static Route parseLine(String line) {
        return parseRow(line, false);
    }

    /**
     * One row of {@code route -n}, or of {@code route} without {@code -n} when {@code names}: there the destination
     * may be {@code default} and the gateway {@code *} (0.0.0.0), and any other word that is not an address is a
     * name. A destination name is reported ({@link RouteText#name}); a gateway name is kept as the route's
     * {@code gatewayName}, its address unknown. One reader for both keeps {@code route} as fast as {@code route -n}.
     */
    // Addresses are read as bits in place and a Prefix and Ipv4 made only for the route kept: one row in, one Route
    // out, with no String but the device's (and a gateway's name) on the way.
    static Route parseRow(String line, boolean names) {
        LineCursor c = new LineCursor(line);
        if (!c.next()) throw columns(line);
        int dest = names ? address(c, "default", "destination", line) : c.ipv4Bits();
        if (!c.next()) throw columns(line);
        String gatewayName = null;
        int gateway = 0;
        if (!names) gateway = c.ipv4Bits();
        else if (!c.is("*")) {
            long bits = c.ipv4OrName();
            if (bits >= 0) gateway = (int) bits;
            else gatewayName = c.word(); // a host name: the route is read, its gateway's address unknown
        }
        if (!c.next()) throw columns(line);
        int genmask = c.ipv4Bits();
        int length = Integer.bitCount(genmask);
        if (Prefix.mask(length) != genmask) throw new IllegalArgumentException("'" + c.word() + "' is not a contiguous netmask");
        if ((dest & genmask) != dest) {
            throw new IllegalArgumentException("destination " + new Ipv4(dest) + " has host bits outside genmask " + new Ipv4(genmask));
        }
        Prefix dst = Prefix.of(new Ipv4(dest), length);
        if (!c.next()) throw columns(line);
        int flags = flags(c, dst);
        if (!c.next()) throw columns(line);
        int metric = c.number("route metric");
        if (!c.next()) throw columns(line);
        c.number("route ref count");
        if (!c.next()) throw columns(line);
        c.number("route use count");
        if (!c.next()) throw columns(line);
        String dev = c.word();
        if (c.next()) throw columns(line);
        boolean gw = (flags & GATEWAY) != 0;
        if (gatewayName != null) {
            if (!gw) throw new IllegalArgumentException("route " + dst + " has gateway '" + gatewayName + "' but no G flag");
            return new Route(Route.MAIN, Route.Type.UNICAST, dst, null, dev, false, metric, Route.Scope.UNIVERSE, null, gatewayName);
        }
        if (!gw) {
            if (gateway != 0) throw new IllegalArgumentException("route " + dst + " has gateway " + new Ipv4(gateway) + " but no G flag");
            return new Route(Route.MAIN, Route.Type.UNICAST, dst, null, dev, false, metric, Route.Scope.LINK, null);
        }
        if (gateway == 0) throw new IllegalArgumentException("route " + dst + " has the G flag but gateway 0.0.0.0");
        boolean onlink = dev.startsWith("flannel.") && gateway == dest && length < 32;
        return new Route(Route.MAIN, Route.Type.UNICAST, dst, new Ipv4(gateway), dev, onlink, metric, Route.Scope.UNIVERSE, null);
    }

    private static final int UP = 1, GATEWAY = 2;

    /** The Flags column, read in place: UP and GATEWAY; a route that is not up, or a reject route, is reported. */
    private static int flags(LineCursor c, Prefix dst) {
        int flags = 0;
        for (int i = 0; i < c.length(); i++) {
            switch (c.charAt(i)) {
                case 'U' -> flags |= UP;
                case 'G' -> flags |= GATEWAY;
                case 'H', 'D', 'M', 'A', 'C', 'R' -> { }
                case '!' -> throw new IllegalArgumentException("reject route ('!' flag) for " + dst + ": route -n does not say whether it is unreachable, prohibit or blackhole");
                default -> throw new IllegalArgumentException("unknown route flag '" + c.charAt(i) + "' in '" + c.word() + "' (expected U, G, H, D, M, A, C, R or !)");
            }
        }
        if ((flags & UP) == 0) throw new IllegalArgumentException("route " + dst + " is not up (flags '" + c.word() + "' lack U)");
        return flags;
    }
}
