package dev.kubepath.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;

import java.util.ArrayList;
import java.util.List;

/** {@code bridge fdb show} text and {@code bridge -j fdb show}. Entries whose dst is IPv6 are skipped. */
public final class BridgeFdbText {
    private BridgeFdbText() {}

    public static Parsed<List<FdbEntry>> parse(String file, String text) {
        if (Json.looksLikeJson(text)) return parseJson(file, text);
        Problems problems = new Problems(file);
        List<FdbEntry> out = new ArrayList<>();
        for (Transcript.Section section : Transcript.of(text).sections()) {
            String dev = deviceOf(section.command());
            for (Transcript.Line l : section.lines()) {
                String line = l.text();
                if (Transcript.isComment(line)) continue;
                try {
                    FdbEntry e = parseLine(line, dev);
                    if (e != null) out.add(e);
                } catch (IllegalArgumentException e) {
                    problems.add(l.number(), e);
                }
            }
        }
        return problems.result(out);
    }

    /**
     * The device a {@code bridge fdb show dev flannel.1} (or {@code bridge fdb show br docker0} is not: its lines
     * name their port) limits its listing to: its lines then carry no {@code dev}. Null for any other command.
     */
    static String deviceOf(String command) {
        if (command == null) return null;
        String[] t = Tokens.split(command);
        int start = -1;
        for (int i = 0; i + 1 < t.length; i++) if (t[i].equals("bridge") && t[i + 1].equals("fdb")) start = i + 2;
        if (start < 0) return null;
        for (int i = start; i + 1 < t.length && !t[i].equals("|"); i++) if (t[i].equals("dev")) return t[i + 1];
        return null;
    }

    /**
     * One line, e.g. {@code 2a:2c:21:3a:58:21 dev flannel.1 dst 10.0.0.36 self permanent}; null when its dst is IPv6.
     */
    public static FdbEntry parseLine(String line) {
        return parseLine(line, null);
    }

    /** One line of a listing limited to {@code commandDev} (null when none): a line without 'dev' is on that device. */
    public static FdbEntry parseLine(String line, String commandDev) {
        String[] t = Tokens.split(line);
        if (t.length < (commandDev != null ? 2 : 3)) throw new IllegalArgumentException("fdb line '" + line.trim() + "' is too short (expected 'MAC dev DEV ...')");
        Mac mac = Mac.parse(t[0]);
        String dev = commandDev;
        Ipv4 dst = null;
        boolean permanent = false;
        for (int i = 1; i < t.length; i++) {
            switch (t[i]) {
                case "dev" -> dev = value(t, ++i, line);
                case "dst" -> {
                    String d = value(t, ++i, line);
                    if (d.indexOf(':') >= 0) return null;
                    dst = Ipv4.parse(d);
                }
                case "permanent", "static" -> permanent = true;
                case "vlan", "master", "port", "vni", "via", "src_vni", "nhid" -> value(t, ++i, line);
                case "self", "router", "extern_learn", "offload", "sticky", "dynamic", "used", "updated" -> { }
                default -> throw new IllegalArgumentException("unexpected word '" + t[i] + "' in fdb line '" + line.trim() + "'");
            }
        }
        if (dev == null) throw new IllegalArgumentException("fdb entry " + mac + " has no 'dev' (and no 'bridge fdb show dev DEVICE' command before it tells the device)");
        return new FdbEntry(mac, dev, dst, permanent);
    }

    private static String value(String[] t, int i, String line) {
        if (i >= t.length) throw new IllegalArgumentException("missing value at the end of '" + line.trim() + "'");
        return t[i];
    }

    private static Parsed<List<FdbEntry>> parseJson(String file, String text) {
        return Json.objects(file, text, "fdb entries", "fdb entry", BridgeFdbText::entry);
    }

    /** One object of {@code bridge -j fdb}; null for an IPv6 destination. */
    private static FdbEntry entry(JsonNode n) {
        String mac = Json.text(n, "mac");
        String dev = Json.text(n, "ifname");
        if (mac == null || dev == null) throw new IllegalArgumentException("fdb entry without mac or ifname");
        String dst = Json.text(n, "dst");
        if (dst != null && dst.indexOf(':') >= 0) return null;
        String state = Json.text(n, "state");
        return new FdbEntry(Mac.parse(mac), dev, dst == null ? null : Ipv4.parse(dst), "permanent".equals(state) || "static".equals(state));
    }
}
