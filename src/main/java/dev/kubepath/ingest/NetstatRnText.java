package dev.kubepath.ingest;

import dev.kubepath.model.Route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * net-tools {@code netstat -rn}: Destination Gateway Genmask Flags MSS Window irtt Iface. It has the rows of
 * {@code route -n} but no metric; a metric only decides between routes to the same destination, so every route is
 * read with metric 0 and two routes to one destination are reported (which one wins is unknown).
 */
public final class NetstatRnText {
    private NetstatRnText() {}

    public static Parsed<List<Route>> parse(String file, String text) {
        Problems problems = new Problems(file);
        List<Route> routes = new ArrayList<>();
        Map<dev.kubepath.net.Prefix, Integer> seen = new HashMap<>();
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String line = l.text();
            if (Transcript.isComment(line) || RouteNText.isHeader(line)) continue;
            try {
                Route r = parseLine(line);
                Integer first = seen.putIfAbsent(r.dst(), l.number());
                if (first != null) {
                    problems.add(l.number(), "a second route to " + r.dst() + " (first on line " + first
                            + "): netstat -rn shows no metric, so which one the kernel uses is unknown; both are read with metric 0");
                }
                routes.add(r);
            } catch (IllegalArgumentException e) {
                problems.add(l.number(), e);
            }
        }
        return problems.result(routes);
    }

    /** One row, e.g. {@code 0.0.0.0  10.88.216.1  0.0.0.0  UG  0 0  0 eth0}. */
    public static Route parseLine(String line) {
        String[] t = Tokens.split(line);
        if (t.length != 8) {
            throw new IllegalArgumentException("netstat -rn row has " + t.length
                    + " columns, expected 8 (Destination Gateway Genmask Flags MSS Window irtt Iface): '" + line.trim() + "'");
        }
        Tokens.parseInt(t[4], "MSS");
        Tokens.parseInt(t[5], "window");
        Tokens.parseInt(t[6], "irtt");
        return RouteNText.parseLine(t[0] + " " + t[1] + " " + t[2] + " " + t[3] + " 0 0 0 " + t[7]);
    }

    static boolean isHeader(String line) {
        return line.startsWith("Destination ") && line.contains(" MSS ");
    }
}
