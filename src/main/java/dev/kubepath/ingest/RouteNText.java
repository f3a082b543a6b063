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

    private static final Ipv4 ZERO = new Ipv4(0);

    /** The cursor's word as an address, {@code zero} standing for 0.0.0.0; any other non-address is a name. */
    private static Ipv4 address(LineCursor c, String zero, String column, String line) {
        if (c.is(zero)) return ZERO;
        try {
            return c.ipv4();
        } catch (IllegalArgumentException e) {
            throw RouteText.name(column, c.word(), line);
        }
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
    static Route parseRow(String line, boolean names) {
        LineCursor c = new LineCursor(line);
        if (!c.next()) throw columns(line);
        Ipv4 dest = names ? address(c, "default", "destination", line) : c.ipv4();
        if (!c.next()) throw columns(line);
        String gatewayName = null;
        Ipv4 gateway;
        if (!names) gateway = c.ipv4();
        else if (c.is("*")) gateway = ZERO;
        else {
            gateway = c.ipv4OrNull();
            if (gateway == null) gatewayName = c.word(); // a host name: the route is read, its gateway's address unknown
        }
        if (!c.next()) throw columns(line);
        Ipv4 genmask = c.ipv4();
        Prefix dst = Prefix.fromNetmask(dest, genmask);
        if (dst.network().bits() != dest.bits()) {
            throw new IllegalArgumentException("destination " + dest + " has host bits outside genmask " + genmask);
        }
        if (!c.next()) throw columns(line);
        String flags = c.word();
        if (!c.next()) throw columns(line);
        int metric = c.number("route metric");
        if (!c.next()) throw columns(line);
        c.number("route ref count");
        if (!c.next()) throw columns(line);
        c.number("route use count");
        if (!c.next()) throw columns(line);
        String dev = c.word();
        if (c.next()) throw columns(line);
        boolean up = false, gw = false;
        for (int i = 0; i < flags.length(); i++) {
            switch (flags.charAt(i)) {
                case 'U' -> up = true;
                case 'G' -> gw = true;
                case 'H', 'D', 'M', 'A', 'C', 'R' -> { }
                case '!' -> throw new IllegalArgumentException("reject route ('!' flag) for " + dst + ": route -n does not say whether it is unreachable, prohibit or blackhole");
                default -> throw new IllegalArgumentException("unknown route flag '" + flags.charAt(i) + "' in '" + flags + "' (expected U, G, H, D, M, A, C, R or !)");
            }
        }
        if (!up) throw new IllegalArgumentException("route " + dst + " is not up (flags '" + flags + "' lack U)");
        if (gatewayName != null) {
            if (!gw) throw new IllegalArgumentException("route " + dst + " has gateway '" + gatewayName + "' but no G flag");
            return new Route(Route.MAIN, Route.Type.UNICAST, dst, null, dev, false, metric, Route.Scope.UNIVERSE, null, gatewayName);
        }
        if (!gw) {
            if (gateway.bits() != 0) throw new IllegalArgumentException("route " + dst + " has gateway " + gateway + " but no G flag");
            return new Route(Route.MAIN, Route.Type.UNICAST, dst, null, dev, false, metric, Route.Scope.LINK, null);
        }
        if (gateway.bits() == 0) throw new IllegalArgumentException("route " + dst + " has the G flag but gateway 0.0.0.0");
        boolean onlink = dev.startsWith("flannel.") && gateway.equals(dst.network()) && dst.length() < 32;
        return new Route(Route.MAIN, Route.Type.UNICAST, dst, gateway, dev, onlink, metric, Route.Scope.UNIVERSE, null);
    }
}
