package dev.kubepath.ingest;

import dev.kubepath.model.Neighbour;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;

import java.util.ArrayList;
import java.util.List;

/**
 * net-tools {@code arp}: the table of {@code arp -n} (Address HWtype HWaddress Flags Mask Iface, e.g.
 * {@code 10.244.1.0  ether  12:de:57:64:04:65  CM  flannel.1}; {@code 10.0.0.8  (incomplete)  eth0}) and the
 * BSD style of {@code arp -an} ({@code ? (172.27.4.0) at e6:7c:... [ether] PERM on flannel.1}). Flags: M or PERM
 * is a permanent entry (what flannel writes for a VTEP); C alone is a complete entry, which arp prints for
 * REACHABLE, STALE, DELAY and PROBE alike: it is read as REACHABLE (all four forward with their MAC); incomplete is
 * INCOMPLETE. Without {@code -n} the table may hold a host name as Address: its address is unknown, the row is
 * reported. IPv6 rows cannot occur (arp is IPv4 only).
 */
public final class ArpText {
    private ArpText() {}

    public static Parsed<List<Neighbour>> parse(String file, String text) {
        Problems problems = new Problems(file);
        List<Neighbour> out = new ArrayList<>();
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String line = l.text();
            if (Transcript.isComment(line) || isHeader(line)) continue;
            try {
                out.add(parseLine(line));
            } catch (IllegalArgumentException e) {
                problems.add(l.number(), e);
            }
        }
        return problems.result(out);
    }

    static boolean isHeader(String line) {
        return line.startsWith("Address ") && line.contains("HWtype");
    }

    /** True for a row of the arp table (with or without its header, as grep leaves it). */
    static boolean isTableRow(String[] t) {
        return t.length >= 5 && t[1].equals("ether") || t.length == 3 && t[1].equals("(incomplete)");
    }

    /** True for an {@code arp -a} line: {@code NAME (IP) at ...}. */
    static boolean isBsd(String[] t) {
        return t.length >= 4 && t[1].startsWith("(") && t[1].endsWith(")") && t[2].equals("at");
    }

    public static Neighbour parseLine(String line) {
        String[] t = Tokens.split(line);
        return isBsd(t) ? bsd(t, line) : table(t, line);
    }

    /** {@code ? (172.27.4.0) at e6:7c:... [ether] PERM on flannel.1} or {@code ? (10.0.0.8) at <incomplete> on eth0}. */
    private static Neighbour bsd(String[] t, String line) {
        Ipv4 ip = Ipv4.parse(t[1].substring(1, t[1].length() - 1));
        String dev = null;
        boolean perm = false;
        for (int i = 3; i < t.length; i++) {
            if (t[i].equals("on") && i + 1 < t.length) dev = t[++i];
            else if (t[i].equals("PERM")) perm = true;
        }
        if (dev == null) throw new IllegalArgumentException("arp entry for " + ip + " without 'on DEVICE': '" + line.trim() + "'");
        if (t[3].equals("<incomplete>")) return new Neighbour(ip, dev, null, Neighbour.State.INCOMPLETE);
        if (t.length < 5 || !t[4].equals("[ether]")) {
            throw new IllegalArgumentException("arp entry for " + ip + " is not an Ethernet one (expected 'at MAC [ether]'): '" + line.trim() + "'");
        }
        return new Neighbour(ip, dev, Mac.parse(t[3]), perm ? Neighbour.State.PERMANENT : Neighbour.State.REACHABLE);
    }

    /** {@code 10.244.1.0  ether  12:de:57:64:04:65  CM  flannel.1} or {@code 10.0.0.8  (incomplete)  eth0}. */
    private static Neighbour table(String[] t, String line) {
        if (t.length == 0) throw new IllegalArgumentException("empty arp row");
        if (!Ipv4.isValid(t[0])) {
            throw new IllegalArgumentException("address '" + t[0] + "' is a name or not an arp row; its address is unknown ('arp -n' shows addresses): '" + line.trim() + "'");
        }
        Ipv4 ip = Ipv4.parse(t[0]);
        if (t.length == 3 && t[1].equals("(incomplete)")) return new Neighbour(ip, t[2], null, Neighbour.State.INCOMPLETE);
        if (t.length < 5 || t.length > 6 || !t[1].equals("ether")) {
            throw new IllegalArgumentException("expected 'Address ether HWaddress Flags [Mask] Iface', got '" + line.trim() + "'");
        }
        Mac mac = Mac.parse(t[2]);
        String flags = t[3];
        boolean perm = false;
        for (int i = 0; i < flags.length(); i++) {
            switch (flags.charAt(i)) {
                case 'C' -> { }
                case 'M' -> perm = true;
                case 'P' -> throw new IllegalArgumentException("published (proxy) arp entry for " + ip + " is not modelled");
                default -> throw new IllegalArgumentException("unknown arp flag '" + flags.charAt(i) + "' in '" + flags + "' (expected C, M or P)");
            }
        }
        return new Neighbour(ip, t[t.length - 1], mac, perm ? Neighbour.State.PERMANENT : Neighbour.State.REACHABLE);
    }
}
