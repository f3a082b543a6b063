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

    /** The routes this thread has read, by line: the same flannel routes are on every host of a bundle. */
    private static final ThreadLocal<RepeatedLines<Route>> READ_BEFORE = ThreadLocal.withInitial(RepeatedLines::new);

    public static Parsed<List<Route>> parse(String file, String text) {
        Problems problems = new Problems(file);
        List<Route> routes = new ArrayList<>();
        RepeatedLines<Route> before = READ_BEFORE.get();
        String dev = null; // the device named last: a big route.txt names a few devices a million times
        for (Transcript.Line l : Transcript.of(text).lines()) {
            Route again = l.inPlace() ? before.get(l.fileChars(), l.start(), l.end()) : null;
            if (again != null) {
                routes.add(again);
                continue;
            }
            LineCursor c = new LineCursor(l); // the line read in place
            try {
                Route r = parseLine(c, dev);
                // a name holding '?' is never shared: the cursor reads a character beyond Latin-1 as '?'
                if (r.dev() != null && r.dev().indexOf('?') < 0) dev = r.dev();
                routes.add(r);
                if (l.inPlace()) before.put(l.fileChars(), l.start(), l.end(), r);
            } catch (IllegalArgumentException e) {
                // no IPv4 route: a comment, ip route get's cache line and an IPv6 route are passed over without a word
                // (told here, not before each line: a route line does not pay for the tests)
                c.rewind();
                if (c.first() == '#' || isCacheLine(c)) continue;
                c.rewind();
                if (!isIpv6(c)) problems.add(l.number(), e);
            }
        }
        return problems.result(routes);
    }

    /** {@link #isIpv6(String)} on the cursor's line, from its start (the cursor is left past the words it read). */
    private static boolean isIpv6(LineCursor c) {
        for (int word = 0; word < 2; word++) {
            if (!c.next()) return false;
            if (c.contains(':')) return true;
            if (c.charAt(0) < 'a' || c.charAt(0) > 'z') return false; // a destination prefix starts with a digit
            boolean type = false;
            for (String t : TYPES) type |= c.is(t);
            if (!type) return false;
        }
        return false;
    }

    /**
     * True for the indented second line of {@code ip route get}'s answer ({@code     cache}, {@code     cache expires 297sec},
     * {@code     cache <local>}, {@code     cache ipid 0x1c5a mtu 1450}): the kernel's route cache state for the one
     * address looked up, no route of the table.
     */
    private static boolean isCacheLine(LineCursor c) {
        return c.first() >= 0 && c.first() <= ' ' && c.next() && c.is("cache");
    }

    /** True when the route's destination is an IPv6 prefix ({@code fe80::/64 dev eth0 ...}). */
    static boolean isIpv6(String line) {
        int i = 0, n = line.length();
        for (int word = 0; word < 2; word++) {
            while (i < n && line.charAt(i) <= ' ') i++;
            int start = i;
            boolean colon = false;
            while (i < n && line.charAt(i) > ' ') colon |= line.charAt(i++) == ':';
            if (colon) return true;
            if (!isType(line, start, i)) return false; // in place: every line of a big route.txt passes here
        }
        return false;
    }

    private static final String[] TYPES = {"unicast", "local", "broadcast", "blackhole", "unreachable", "prohibit", "multicast", "anycast",
            "throw", "nat"};

    /** line[start, end) is a route type word. */
    private static boolean isType(String line, int start, int end) {
        if (end == start || line.charAt(start) < 'a' || line.charAt(start) > 'z') return false; // a destination prefix starts with a digit
        for (String t : TYPES) if (t.length() == end - start && line.regionMatches(start, t, 0, t.length())) return true;
        return false;
    }

    /**
     * One line as {@code ip route} prints it, e.g. {@code 172.17.9.0/24 via 172.17.9.0 dev flannel.1 onlink} or
     * {@code local 10.0.0.35 dev eth0 table local proto kernel scope host src 10.0.0.35}.
     *
     * @throws IllegalArgumentException naming the word that could not be read
     */
    public static Route parseLine(String line) {
        return parseLine(new LineCursor(line), null);
    }

    /** {@link #parseLine(String)} with the cursor on the line, and the device name of the line before to share. */
    private static Route parseLine(LineCursor c, String lastDev) {
        if (!c.next()) throw new IllegalArgumentException("empty route line");
        // a destination starts with a digit (or is "default"): only a word starting with a letter may be a type
        Route.Type type = c.charAt(0) >= 'a' && c.charAt(0) <= 'z' ? type(c) : null;
        if (type == null) type = Route.Type.UNICAST;
        else if (!c.next()) throw new IllegalArgumentException("route line '" + c.line().trim() + "' has no destination");
        Prefix dst;
        if (c.is("default")) dst = Prefix.DEFAULT;
        else dst = destination(c);
        String table = Route.MAIN;
        Ipv4 via = null;
        String dev = null;
        boolean onlink = false;
        int metric = 0;
        Route.Scope scope = Route.Scope.UNIVERSE;
        Ipv4 src = null;
        while (c.next()) {
            if (c.is("dev")) dev = c.value("dev").is(lastDev) ? lastDev : c.word();
            else if (c.is("via")) {
                c.value("via");
                if (c.is("inet")) c.value("via inet");
                int bits = c.ipv4Bits();
                via = bits == dst.network().bits() ? dst.network() : new Ipv4(bits); // flannel's via is the subnet's own address
            } else if (c.is("onlink")) onlink = true;
            else if (c.is("proto")) c.value("proto");
            else if (c.is("scope")) scope = scope(c.value("scope"));
            else if (c.is("src")) src = c.value("src").ipv4();
            else if (c.is("metric") || c.is("preference")) metric = c.value("metric").number("route metric");
            else if (c.is("table")) table = c.value("table").word();
            else if (c.is("linkdown") || c.is("dead") || c.is("pervasive") || c.is("notify") || c.is("offload") || c.is("trap")
                    || c.is("rt_offload") || c.is("rt_trap") || c.is("rt_offload_failed") || c.is("cache")) { }
            else if (c.is("mtu")) {
                if (c.value("mtu").is("lock")) c.value("mtu lock");
            } else if (c.is("pref") || c.is("expires") || c.is("realm") || c.is("realms") || c.is("advmss") || c.is("rtt")
                    || c.is("rttvar") || c.is("reordering") || c.is("window") || c.is("cwnd") || c.is("initcwnd")
                    || c.is("initrwnd") || c.is("ssthresh") || c.is("hoplimit") || c.is("congctl") || c.is("features")
                    || c.is("quickack") || c.is("fastopen_no_cookie") || c.is("error") || c.is("nhid") || c.is("weight")
                    || c.is("tos") || c.is("dsfield") || c.is("uid") || c.is("rto_min") || c.is("mark")) {
                c.value(c.word());
            } else {
                throw new IllegalArgumentException("unexpected word '" + c.word() + "' in route line '" + c.line().trim() + "'");
            }
        }
        if (dev == null && type == Route.Type.UNICAST && via == null) {
            throw new IllegalArgumentException("route line '" + c.line().trim() + "' has neither 'via' nor 'dev'");
        }
        return new Route(table, type, dst, via, dev, onlink, metric, scope, src);
    }

    /** The cursor's word as a destination prefix; the scan for ':' is paid only by a word that is not one. */
    private static Prefix destination(LineCursor c) {
        try {
            return c.prefix();
        } catch (IllegalArgumentException e) {
            if (c.contains(':')) throw new IllegalArgumentException("'" + c.word() + "' is an IPv6 destination (only IPv4 is modelled)");
            throw e;
        }
    }

    static Prefix destination(String word) {
        if (word.equals("default")) return Prefix.DEFAULT;
        if (word.indexOf(':') >= 0) throw new IllegalArgumentException("'" + word + "' is an IPv6 destination (only IPv4 is modelled)");
        return Addresses.prefix(word);
    }

    /** The cursor's word as a route type, or null when it is none (then it is the destination). */
    private static Route.Type type(LineCursor c) {
        if (c.is("unicast")) return Route.Type.UNICAST;
        if (c.is("local")) return Route.Type.LOCAL;
        if (c.is("broadcast")) return Route.Type.BROADCAST;
        if (c.is("blackhole")) return Route.Type.BLACKHOLE;
        if (c.is("unreachable")) return Route.Type.UNREACHABLE;
        if (c.is("prohibit")) return Route.Type.PROHIBIT;
        if (c.is("multicast") || c.is("anycast") || c.is("throw") || c.is("nat")) {
            throw new IllegalArgumentException("route type '" + c.word() + "' is not modelled (expected unicast, local, broadcast, blackhole, unreachable or prohibit)");
        }
        return null;
    }

    /** The cursor's word as a route scope, compared in place (names and the numbers ip prints for them). */
    private static Route.Scope scope(LineCursor c) {
        if (c.is("link") || c.is("253")) return Route.Scope.LINK;
        if (c.is("host") || c.is("254")) return Route.Scope.HOST;
        if (c.is("global") || c.is("universe") || c.is("0")) return Route.Scope.UNIVERSE;
        throw new IllegalArgumentException("route scope '" + c.word() + "' is not modelled (expected global, link or host)");
    }

    /** A scope as ip -j route writes it. */
    static Route.Scope scope(String word) {
        return switch (word) {
            case "global", "universe", "0" -> Route.Scope.UNIVERSE;
            case "link", "253" -> Route.Scope.LINK;
            case "host", "254" -> Route.Scope.HOST;
            default -> throw new IllegalArgumentException("route scope '" + word + "' is not modelled (expected global, link or host)");
        };
    }

}
