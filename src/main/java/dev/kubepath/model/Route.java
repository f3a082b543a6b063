package dev.kubepath.model;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

/**
 * A kernel route. {@code via} is null for a directly connected route. {@code onlink} makes the kernel
 * accept a gateway that is not inside any prefix of the device (flannel's "via 172.17.9.0 dev flannel.1 onlink").
 * {@code src} is the preferred source address, or null.
 * <p>
 * {@code gatewayName} is the gateway as a name, when the source printed a name where an address belongs
 * ({@code route} without {@code -n}: {@code 10.244.2.0  k8s-node2  255.255.255.0 UG ... eth0}); otherwise null.
 * With a name and no {@code via} the route goes through a gateway whose address is unknown
 * ({@link #gatewayUnknown()}): it is not a connected route. When a named rule resolves the name, {@code via} holds
 * the inferred address and the name stays, so the evidence can say where the address came from.
 */
public record Route(String table, Type type, Prefix dst, Ipv4 via, String dev, boolean onlink, int metric, Scope scope,
                    Ipv4 src, String gatewayName) {
    public Route(String table, Type type, Prefix dst, Ipv4 via, String dev, boolean onlink, int metric, Scope scope, Ipv4 src) {
        this(table, type, dst, via, dev, onlink, metric, scope, src, null);
    }

    public enum Type { UNICAST, LOCAL, BROADCAST, BLACKHOLE, UNREACHABLE, PROHIBIT }

    public enum Scope { UNIVERSE, LINK, HOST }

    public static final String MAIN = "main";

    public static Route direct(Prefix dst, String dev, int metric) {
        return new Route(MAIN, Type.UNICAST, dst, null, dev, false, metric, Scope.LINK, null);
    }

    public static Route via(Prefix dst, Ipv4 via, String dev, int metric) {
        return new Route(MAIN, Type.UNICAST, dst, via, dev, false, metric, Scope.UNIVERSE, null);
    }

    public static Route onlink(Prefix dst, Ipv4 via, String dev) {
        return new Route(MAIN, Type.UNICAST, dst, via, dev, true, 0, Scope.UNIVERSE, null);
    }

    /** A route through a gateway printed by name whose address is not known: neither connected nor via an address. */
    public boolean gatewayUnknown() {
        return via == null && gatewayName != null;
    }

    /** A directly connected route: no gateway, neither by address nor by name. */
    public boolean connected() {
        return via == null && gatewayName == null;
    }

    /** This route with its named gateway's address, as a rule inferred it (the name is kept). */
    public Route withVia(Ipv4 address) {
        return new Route(table, type, dst, address, dev, onlink, metric, scope, src, gatewayName);
    }

    /** The identity the kernel uses: a route is replaced when table, destination and metric match. */
    public String key() {
        return table + " " + dst + " " + metric;
    }

    /** One line in {@code ip route} form, used as the evidence a trace step names. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (type != Type.UNICAST) sb.append(type.name().toLowerCase()).append(' ');
        sb.append(dst.length() == 0 && type == Type.UNICAST ? "default" : dst.toString());
        if (via != null) sb.append(" via ").append(via);
        if (gatewayName != null) sb.append(via == null ? " via " : " (").append(gatewayName).append(via == null ? "" : ")");
        if (dev != null) sb.append(" dev ").append(dev);
        if (!MAIN.equals(table)) sb.append(" table ").append(table);
        if (scope == Scope.LINK && connected() && type == Type.UNICAST) sb.append(" scope link");
        if (scope == Scope.HOST) sb.append(" scope host");
        if (src != null) sb.append(" src ").append(src);
        if (metric != 0) sb.append(" metric ").append(metric);
        if (onlink) sb.append(" onlink");
        return sb.toString();
    }
}
