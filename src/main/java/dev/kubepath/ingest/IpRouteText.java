package dev.kubepath.ingest;

import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code ip route} (and {@code ip route show table all}) text. IPv6 routes are outside the model and are skipped
 * without complaint; anything else that does not read as a route is reported.
 */
public final class IpRouteText {
    private IpRouteText() {}

    public static Parsed<List<Route>> parse(String file, String text) {
        Problems problems = new Problems(file);
        List<Route> routes = new ArrayList<>();
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String line = l.text();
            if (Transcript.isComment(line) || isIpv6(line)) continue;
            try {
                routes.add(parseLine(line));
            } catch (IllegalArgumentException e) {
                problems.add(l.number(), e);
            }
        }
        return problems.result(routes);
    }

    /** True when the route's destination is an IPv6 prefix ({@code fe80::/64 dev eth0 ...}). */
    static boolean isIpv6(String line) {
        String[] t = Tokens.split(line);
        for (int i = 0; i < Math.min(t.length, 2); i++) {
            if (t[i].indexOf(':') >= 0) return true;
            if (!isType(t[i])) break;
        }
        return false;
    }

    private static boolean isType(String word) {
        return switch (word) {
            case "unicast", "local", "broadcast", "blackhole", "unreachable", "prohibit", "multicast", "anycast",
                 "throw", "nat" -> true;
            default -> false;
        };
    }

    /**
     * One line as {@code ip route} prints it, e.g. {@code 172.17.9.0/24 via 172.17.9.0 dev flannel.1 onlink} or
     * {@code local 10.0.0.35 dev eth0 table local proto kernel scope host src 10.0.0.35}.
     *
     * @throws IllegalArgumentException naming the word that could not be read
     */
    public static Route parseLine(String line) {
        String[] t = Tokens.split(line);
        if (t.length == 0) throw new IllegalArgumentException("empty route line");
        int i = 0;
        Route.Type type = Route.Type.UNICAST;
        switch (t[0]) {
            case "unicast" -> i++;
            case "local" -> { type = Route.Type.LOCAL; i++; }
            case "broadcast" -> { type = Route.Type.BROADCAST; i++; }
            case "blackhole" -> { type = Route.Type.BLACKHOLE; i++; }
            case "unreachable" -> { type = Route.Type.UNREACHABLE; i++; }
            case "prohibit" -> { type = Route.Type.PROHIBIT; i++; }
            case "multicast", "anycast", "throw", "nat" ->
                    throw new IllegalArgumentException("route type '" + t[0] + "' is not modelled (expected unicast, local, broadcast, blackhole, unreachable or prohibit)");
            default -> { }
        }
        if (i >= t.length) throw new IllegalArgumentException("route line '" + line.trim() + "' has no destination");
        Prefix dst = destination(t[i++]);
        String table = Route.MAIN;
        Ipv4 via = null;
        String dev = null;
        boolean onlink = false;
        int metric = 0;
        Route.Scope scope = Route.Scope.UNIVERSE;
        Ipv4 src = null;
        while (i < t.length) {
            String w = t[i++];
            switch (w) {
                case "via" -> {
                    String v = value(t, i++, w, line);
                    if (v.equals("inet")) v = value(t, i++, w, line);
                    via = Ipv4.parse(v);
                }
                case "dev" -> dev = value(t, i++, w, line);
                case "table" -> table = value(t, i++, w, line);
                case "metric", "preference" -> metric = Tokens.parseInt(value(t, i++, w, line), "route metric");
                case "src" -> src = Ipv4.parse(value(t, i++, w, line));
                case "scope" -> scope = scope(value(t, i++, w, line));
                case "onlink" -> onlink = true;
                case "proto", "pref", "expires", "realm", "realms", "advmss", "rtt", "rttvar", "reordering", "window",
                     "cwnd", "initcwnd", "initrwnd", "ssthresh", "hoplimit", "congctl", "features", "quickack",
                     "fastopen_no_cookie", "error", "nhid", "weight", "tos", "dsfield", "uid", "rto_min" -> value(t, i++, w, line);
                case "mtu" -> {
                    String v = value(t, i++, w, line);
                    if (v.equals("lock")) value(t, i++, w, line);
                }
                case "linkdown", "dead", "pervasive", "notify", "offload", "trap", "rt_offload", "rt_trap",
                     "rt_offload_failed", "cache" -> { }
                default -> throw new IllegalArgumentException("unexpected word '" + w + "' in route line '" + line.trim() + "'");
            }
        }
        if (dev == null && type == Route.Type.UNICAST && via == null) {
            throw new IllegalArgumentException("route line '" + line.trim() + "' has neither 'via' nor 'dev'");
        }
        return new Route(table, type, dst, via, dev, onlink, metric, scope, src);
    }

    static Prefix destination(String word) {
        if (word.equals("default")) return Prefix.DEFAULT;
        if (word.indexOf(':') >= 0) throw new IllegalArgumentException("'" + word + "' is an IPv6 destination (only IPv4 is modelled)");
        return Addresses.prefix(word);
    }

    static Route.Scope scope(String word) {
        return switch (word) {
            case "global", "universe", "0" -> Route.Scope.UNIVERSE;
            case "link", "253" -> Route.Scope.LINK;
            case "host", "254" -> Route.Scope.HOST;
            default -> throw new IllegalArgumentException("route scope '" + word + "' is not modelled (expected global, link or host)");
        };
    }

    private static String value(String[] t, int i, String key, String line) {
        if (i >= t.length) throw new IllegalArgumentException("'" + key + "' without a value in route line '" + line.trim() + "'");
        return t[i];
    }
}
