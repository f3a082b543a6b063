package dev.kubepath.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.List;

/** {@code ip -j route}: an array of objects with dst, gateway, dev, type, table, scope, prefsrc, metric, flags. */
public final class IpRouteJson {
    private IpRouteJson() {}

    public static Parsed<List<Route>> parse(String file, String text) {
        return Json.objects(file, text, "routes", "route", IpRouteJson::route);
    }

    static int firstLine(String text) {
        List<Transcript.Line> lines = Transcript.of(text).lines();
        return lines.isEmpty() ? 1 : lines.get(0).number();
    }

    /** One route object, or null for an IPv6 route. */
    private static Route route(JsonNode r) {
        if (!r.isObject()) throw new IllegalArgumentException("expected a route object");
        String dstText = Json.text(r, "dst");
        if (dstText == null) throw new IllegalArgumentException("route without dst");
        if (dstText.indexOf(':') >= 0) return null;
        String typeText = Json.text(r, "type");
        Route.Type type = typeText == null ? Route.Type.UNICAST : switch (typeText) {
            case "unicast" -> Route.Type.UNICAST;
            case "local" -> Route.Type.LOCAL;
            case "broadcast" -> Route.Type.BROADCAST;
            case "blackhole" -> Route.Type.BLACKHOLE;
            case "unreachable" -> Route.Type.UNREACHABLE;
            case "prohibit" -> Route.Type.PROHIBIT;
            default -> throw new IllegalArgumentException("route type '" + typeText + "' is not modelled");
        };
        Prefix dst = IpRouteText.destination(dstText);
        String gw = Json.text(r, "gateway");
        Ipv4 via = gw == null ? null : Ipv4.parse(gw);
        String dev = Json.text(r, "dev");
        String table = Json.text(r, "table");
        String scopeText = Json.text(r, "scope");
        Route.Scope scope = scopeText == null ? Route.Scope.UNIVERSE : IpRouteText.scope(scopeText);
        String src = Json.text(r, "prefsrc");
        JsonNode metric = r.get("metric");
        if (metric != null && !metric.canConvertToInt()) throw new IllegalArgumentException("metric '" + metric + "' is not a number");
        if (dev == null && via == null && type == Route.Type.UNICAST) throw new IllegalArgumentException("route " + dst + " has neither gateway nor dev");
        return new Route(table == null ? Route.MAIN : table, type, dst, via, dev, Json.hasFlag(r, "flags", "onlink"),
                metric == null ? 0 : metric.asInt(), scope, src == null ? null : Ipv4.parse(src));
    }
}
