package dev.kubepath.ingest;

import dev.kubepath.model.Route;

import java.util.List;

/** A route.txt of any supported form: {@code ip -j route}, {@code route -n} or {@code ip route}, told apart by content. */
public final class RouteFile {
    private RouteFile() {}

    public enum Format { IP_JSON, ROUTE_N, IP_TEXT }

    public static Format detect(String text) {
        if (Json.looksLikeJson(text)) return Format.IP_JSON;
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String s = l.text();
            if (RouteNText.isHeader(s)) return Format.ROUTE_N;
            if (Transcript.isComment(s)) continue;
            String[] t = Tokens.split(s);
            // route -n rows are 8 columns whose third is a dotted netmask; ip route lines never are
            if (t.length == 8 && t[2].indexOf('.') > 0 && t[2].indexOf('/') < 0 && dev.kubepath.net.Ipv4.isValid(t[2])
                    && dev.kubepath.net.Ipv4.isValid(t[1])) return Format.ROUTE_N;
            return Format.IP_TEXT;
        }
        return Format.IP_TEXT;
    }

    public static Parsed<List<Route>> parse(String file, String text) {
        return switch (detect(text)) {
            case IP_JSON -> IpRouteJson.parse(file, text);
            case ROUTE_N -> RouteNText.parse(file, text);
            case IP_TEXT -> IpRouteText.parse(file, text);
        };
    }
}
