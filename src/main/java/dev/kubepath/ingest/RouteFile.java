package dev.kubepath.ingest;

import dev.kubepath.model.Route;

import java.util.List;

/**
 * A route.txt of any supported form: {@code ip -j route}, {@code route -n}, {@code route} (names), {@code netstat -rn}
 * or {@code ip route}, told apart by content.
 */
public final class RouteFile {
    private RouteFile() {}

    public enum Format { IP_JSON, ROUTE_N, ROUTE_NAMES, NETSTAT_RN, IP_TEXT }

    public static Format detect(String text) {
        if (Json.looksLikeJson(text)) return Format.IP_JSON;
        // a table's header decides wherever it is: a title line pasted above it ("2.node route") is not ip route. Both
        // headers start with "Destination ": when no line starts with a 'D', the lines are not walked twice (an ip
        // route file of a big bundle is thousands of lines)
        Transcript transcript = Transcript.of(text);
        for (Transcript.Line l : transcript.someLineStartsWith('D') ? transcript.lines() : List.<Transcript.Line>of()) {
            String s = l.text();
            if (NetstatRnText.isHeader(s)) return Format.NETSTAT_RN;
            if (s.startsWith("Destination ")) return routeTable(text);
        }
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String s = l.text();
            if (NetstatRnText.isHeader(s)) return Format.NETSTAT_RN;
            if (s.startsWith("Kernel IP routing table")) continue; // route and netstat -rn alike: the next line tells
            if (RouteNText.isHeader(s)) return routeTable(text);
            if (Transcript.isComment(s)) continue;
            String[] t = Tokens.split(s);
            // route -n rows are 8 columns whose third is a dotted netmask; ip route lines never are
            if (t.length == 8 && t[2].indexOf('.') > 0 && t[2].indexOf('/') < 0 && dev.kubepath.net.Ipv4.isValid(t[2])
                    && dev.kubepath.net.Ipv4.isValid(t[1])) return routeTable(text);
            return Format.IP_TEXT;
        }
        return Format.IP_TEXT;
    }

    /** route -n, or route without -n when any row holds a name ({@code default}, {@code *}, a host name). */
    private static Format routeTable(String text) {
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String s = l.text();
            if (RouteNText.isHeader(s) || Transcript.isComment(s)) continue;
            if (RouteText.hasNames(Tokens.split(s))) return Format.ROUTE_NAMES;
        }
        return Format.ROUTE_N;
    }

    public static Parsed<List<Route>> parse(String file, String text) {
        return switch (detect(text)) {
            case IP_JSON -> IpRouteJson.parse(file, text);
            case ROUTE_N -> RouteNText.parse(file, text);
            case ROUTE_NAMES -> RouteText.parse(file, text);
            case NETSTAT_RN -> NetstatRnText.parse(file, text);
            case IP_TEXT -> IpRouteText.parse(file, text);
        };
    }
}
