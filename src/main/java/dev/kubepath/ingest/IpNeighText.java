package dev.kubepath.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubepath.model.Neighbour;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code ip neigh} text and {@code ip -j neigh}. DELAY and PROBE entries still forward with their MAC while the
 * kernel re-checks it, which is what STALE means in the model, so they are read as STALE. IPv6 entries are skipped.
 */
public final class IpNeighText {
    private IpNeighText() {}

    public static Parsed<List<Neighbour>> parse(String file, String text) {
        if (Json.looksLikeJson(text)) return parseJson(file, text);
        Problems problems = new Problems(file);
        List<Neighbour> out = new ArrayList<>();
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String line = l.text();
            if (Transcript.isComment(line)) continue;
            String first = line.stripLeading();
            int sp = first.indexOf(' ');
            if ((sp < 0 ? first : first.substring(0, sp)).indexOf(':') >= 0) continue; // IPv6
            try {
                out.add(parseLine(line));
            } catch (IllegalArgumentException e) {
                problems.add(l.number(), e);
            }
        }
        return problems.result(out);
    }

    /** One line, e.g. {@code 172.17.9.0 dev flannel.1 lladdr 2a:2c:21:3a:58:21 PERMANENT}. */
    public static Neighbour parseLine(String line) {
        String[] t = Tokens.split(line);
        if (t.length < 2) throw new IllegalArgumentException("neighbour line '" + line.trim() + "' is too short (expected 'IP dev DEV [lladdr MAC] STATE')");
        Ipv4 ip = Ipv4.parse(t[0]);
        String dev = null;
        Mac mac = null;
        Neighbour.State state = null;
        for (int i = 1; i < t.length; i++) {
            switch (t[i]) {
                case "dev" -> dev = value(t, ++i, line);
                case "lladdr" -> mac = Mac.parse(value(t, ++i, line));
                case "router", "proxy", "extern_learn", "offload" -> { }
                default -> state = state(t[i]);
            }
        }
        if (dev == null) throw new IllegalArgumentException("neighbour " + ip + " has no 'dev'");
        if (state == null) throw new IllegalArgumentException("neighbour " + ip + " has no state");
        return new Neighbour(ip, dev, mac, state);
    }

    static Neighbour.State state(String word) {
        return switch (word) {
            case "PERMANENT" -> Neighbour.State.PERMANENT;
            case "REACHABLE" -> Neighbour.State.REACHABLE;
            case "STALE", "DELAY", "PROBE" -> Neighbour.State.STALE;
            case "FAILED" -> Neighbour.State.FAILED;
            case "INCOMPLETE" -> Neighbour.State.INCOMPLETE;
            case "NOARP" -> Neighbour.State.NOARP;
            default -> throw new IllegalArgumentException("'" + word + "' is not a neighbour state (expected PERMANENT, REACHABLE, STALE, DELAY, PROBE, FAILED, INCOMPLETE or NOARP)");
        };
    }

    private static String value(String[] t, int i, String line) {
        if (i >= t.length) throw new IllegalArgumentException("missing value at the end of '" + line.trim() + "'");
        return t[i];
    }

    private static Parsed<List<Neighbour>> parseJson(String file, String text) {
        return Json.objects(file, text, "neighbours", "neighbour", IpNeighText::neighbour);
    }

    /** One object of {@code ip -j neigh}; null for an IPv6 neighbour. */
    private static Neighbour neighbour(JsonNode n) {
        String dst = Json.text(n, "dst");
        if (dst == null) throw new IllegalArgumentException("neighbour without dst");
        if (dst.indexOf(':') >= 0) return null;
        String dev = Json.text(n, "dev");
        if (dev == null) throw new IllegalArgumentException("neighbour " + dst + " without dev");
        String mac = Json.text(n, "lladdr");
        JsonNode st = n.get("state");
        if (st == null || !st.isArray() || st.isEmpty()) throw new IllegalArgumentException("neighbour " + dst + " without state");
        return new Neighbour(Ipv4.parse(dst), dev, mac == null ? null : Mac.parse(mac), state(st.get(0).asText()));
    }
}
