package dev.kubepath.ingest;

import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;

import java.util.ArrayList;
import java.util.List;

/**
 * net-tools {@code route} without {@code -n}: the columns of {@code route -n}, but a destination of 0.0.0.0 is
 * printed {@code default}, an absent gateway {@code *} (older net-tools) and any address that resolves by its name
 * ({@code gateway}, {@code link-local} from /etc/networks, a host name). A name is not an address and is never
 * resolved here: a gateway name is kept on the route ({@link Route#gatewayName()}), whose gateway address is then
 * unknown (the tracer says so, or rule GATEWAY_BY_NODE_NAME of dataplane.Inference resolves it from a node of that
 * name); a destination name loses the destination, so its row is reported (run {@code route -n}).
 */
public final class RouteText {
    private RouteText() {}

    public static Parsed<List<Route>> parse(String file, String text) {
        Problems problems = new Problems(file);
        List<Route> routes = new ArrayList<>();
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String line = l.text();
            if (Transcript.isComment(line) || RouteNText.isHeader(line)) continue;
            try {
                routes.add(parseLine(line));
            } catch (IllegalArgumentException e) {
                problems.add(l.number(), e);
            }
        }
        return problems.result(routes);
    }

    /** One row, e.g. {@code default  router.lan  0.0.0.0  UG  100  0  0 eth0} (a gateway known by its name only). */
    public static Route parseLine(String line) {
        return RouteNText.parseRow(line, true);
    }

    /** A destination name where route -n prints an address: never resolved by guess. */
    static IllegalArgumentException name(String column, String word, String line) {
        return new IllegalArgumentException(column + " '" + word + "' is a name, not an address: its address is unknown (route printed names; 'route -n' shows addresses): '" + line.trim() + "'");
    }

    /** True when a route table row holds a name where route -n has an address ({@code default}, {@code *}, a host name). */
    static boolean hasNames(String[] t) {
        return t.length == 8 && (!Ipv4.isValid(t[0]) || !Ipv4.isValid(t[1]));
    }
}
