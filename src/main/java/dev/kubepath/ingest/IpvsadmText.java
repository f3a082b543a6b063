package dev.kubepath.ingest;

import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ipvsadm -Ln} (a {@code TCP  10.2.0.155:2024 rr} line followed by {@code -> 172.17.89.10:20000 Masq 1 0 0}
 * lines) and {@code ipvsadm -S -n} ({@code -A -t VIP:PORT -s rr} / {@code -a -t VIP:PORT -r RIP:PORT -m -w 1}).
 * An empty listing is knowledge: no virtual servers. A fragment ({@code ipvsadm -Ln | grep -C 1 VIP}: {@link #isFragment})
 * is read and checked line by line and reported in a note, but is no table: its file leaves the IPVS table unknown
 * (filed as the table, it would say the host lacks every virtual server grep cut away). {@code ipvsadm -L} without -n prints
 * well-known ports by name ({@code :http}), which are read ({@link #address}); {@code ipvsadm -Lnc} connection rows
 * ({@link IpvsConnText}) are read and counted, as they say nothing of the table.
 */
public final class IpvsadmText {
    private IpvsadmText() {}

    private record Building(Protocol protocol, SocketAddress address, String scheduler, List<VirtualServer.RealServer> reals) {}

    // Long on purpose: one pass over each command's output, a line's meaning depending on the lines before it (its
    // virtual server, whether the output is a fragment); split up, that state would be passed around in pieces.
    public static Parsed<List<VirtualServer>> parse(String file, String text) {
        Problems problems = new Problems(file);
        Map<String, Building> services = new LinkedHashMap<>();
        Map<String, Building> cut = new LinkedHashMap<>(); // what fragments show: read and checked, not the table
        int connections = 0, connectionLine = 0, cutFrom = 0, cutTo = 0;
        List<String> orphans = new ArrayList<>();
        boolean table = false;
        String filter = null;
        for (Transcript.Section section : Transcript.of(text).sections()) {
            boolean fragment = isFragment(section);
            if (fragment && filter == null) filter = filterOf(section);
            Map<String, Building> into = fragment ? cut : services;
            Building current = null;
            // the line of the last virtual server outside the model (SCTP, firewall mark): its real servers follow it
            int outside = 0;
            for (Transcript.Line l : section.lines()) {
                String line = l.text();
                String s = line.trim();
                if (!fragment && (s.startsWith("IP Virtual Server") || s.startsWith("Prot "))) table = true;
                if (Transcript.isComment(s) || s.startsWith("IP Virtual Server") || s.startsWith("Prot ")
                        || s.startsWith("-> RemoteAddress") || s.equals("--") || IpvsConnText.isHeader(s)) continue;
                try {
                    String[] t = Tokens.split(s);
                    if (IpvsConnText.isRow(t)) {
                        IpvsConnText.parseLine(s);
                        if (connections++ == 0) connectionLine = l.number();
                        continue;
                    }
                    if (fragment) {
                        if (cutFrom == 0) cutFrom = l.number();
                        cutTo = l.number();
                    } else {
                        table = true;
                    }
                    if (t[0].equals("->")) {
                        if (current == null && outside > 0) {
                            throw new IllegalArgumentException("real server '" + s + "' of the virtual server on line " + outside + ", which is not modelled");
                        }
                        if (current == null && fragment) { // grep left a real server of a virtual server it did not show
                            orphans.add(realLn(t, s).address().toString());
                            continue;
                        }
                        if (current == null) throw new IllegalArgumentException("real server '" + s + "' before any virtual server");
                        current.reals().add(realLn(t, s));
                    } else if (t[0].equals("-A") || t[0].equals("-a")) {
                        current = null;
                        outside = 0;
                        saveRule(t, s, into);
                    } else {
                        current = null;
                        outside = 0;
                        if (t.length < 3) throw new IllegalArgumentException("expected 'PROT ADDR:PORT SCHEDULER', got '" + s + "'");
                        if (t[0].equals("FWM") || t[0].equals("SCTP")) {
                            outside = l.number();
                            throw new IllegalArgumentException((t[0].equals("FWM") ? "firewall-mark" : "SCTP") + " virtual servers are not modelled: '" + s + "'");
                        }
                        Protocol p = protocol(t[0]);
                        SocketAddress a = address(t[1]);
                        current = new Building(p, a, t[2], new ArrayList<>());
                        if (into.putIfAbsent(p + " " + a, current) != null) {
                            throw new IllegalArgumentException("virtual server " + p + " " + a + " listed twice");
                        }
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(l.number(), e);
                }
            }
        }
        if (connections > 0) {
            problems.add(connectionLine, connections + " IPVS connection entries (ipvsadm -Lnc) read: they show connections, not virtual servers"
                    + (table ? "" : "; the IPVS table stays unknown (ipvsadm -Ln shows it)"));
        }
        if (cutFrom > 0) problems.add(cutFrom, fragmentNote(cut, orphans, filter, cutFrom, cutTo, table));
        if (!table && (connections > 0 || cutFrom > 0)) return problems.result(null);
        List<VirtualServer> out = new ArrayList<>();
        for (Building b : services.values()) out.add(new VirtualServer(b.protocol(), b.address(), b.scheduler(), b.reals()));
        return problems.result(out);
    }

    /**
     * A listing cut by a filter ({@code ipvsadm -Ln | grep -C 1 10.2.0.155}, as the seed's operator typed it): the
     * command pipes into grep, head, tail, sed or awk, or the output shows grep's {@code --} group separator, or a
     * real server before any virtual server and no table header. Its lines are true but the table is not whole: the
     * virtual servers it lacks, and the real servers cut from those it shows, are unknown.
     */
    static boolean isFragment(Transcript.Section section) {
        if (filterOf(section) != null) return true;
        for (Transcript.Line l : section.lines()) if (l.text().trim().equals("--")) return true;
        for (Transcript.Line l : section.lines()) {
            String s = l.text().trim();
            if (s.startsWith("IP Virtual Server") || s.startsWith("Prot ") || s.startsWith("-A ") || s.startsWith("-a ")) return false;
            if (s.startsWith("->") && !s.startsWith("-> RemoteAddress")) return true; // cut above its virtual server
            if (!s.isEmpty() && !Transcript.isComment(s)) return false;
        }
        return false;
    }

    /** The filter the command pipes the listing into ({@code grep -C 1 10.2.0.155}), or null. */
    private static String filterOf(Transcript.Section section) {
        Command c = section.typed();
        if (c == null || !c.tool().equals("ipvsadm")) return null;
        return c.filter();
    }

    private static String fragmentNote(Map<String, Building> cut, List<String> orphans, String filter, int from, int to, boolean table) {
        List<String> read = new ArrayList<>();
        for (Building b : cut.values()) {
            read.add(b.protocol() + " " + b.address() + " " + b.scheduler() + (b.reals().isEmpty() ? "" : " -> "
                    + String.join(", ", b.reals().stream().map(r -> r.address() + " " + r.forward()).toList())));
        }
        if (!orphans.isEmpty()) read.add("real server " + String.join(", ", orphans) + " of a virtual server cut away");
        return "note: " + (from == to ? "" : "lines " + from + "-" + to + ": ") + "a fragment of ipvsadm -Ln"
                + (filter != null ? " (filtered by '" + filter + "')" : " (cut by grep)") + ", read: " + String.join("; ", read)
                + "; a fragment does not show the virtual servers it lacks nor every real server of those it shows, so "
                + (table ? "only the whole listing of this file is the IPVS table" : "the IPVS table stays unknown");
    }

    private static Protocol protocol(String w) {
        return switch (w) {
            case "TCP", "-t" -> Protocol.TCP;
            case "UDP", "-u" -> Protocol.UDP;
            default -> throw new IllegalArgumentException("'" + w + "' is not an IPVS protocol (expected TCP or UDP)");
        };
    }

    private static VirtualServer.RealServer realLn(String[] t, String s) {
        if (t.length != 6) throw new IllegalArgumentException("expected '-> ADDR:PORT Forward Weight ActiveConn InActConn', got '" + s + "'");
        String fwd = t[2];
        if (!fwd.equals("Masq") && !fwd.equals("Route") && !fwd.equals("Tunnel") && !fwd.equals("Local")) {
            throw new IllegalArgumentException("'" + fwd + "' is not an IPVS forwarding method (expected Masq, Route, Tunnel or Local)");
        }
        return new VirtualServer.RealServer(address(t[1]), fwd, Tokens.parseInt(t[3], "weight"),
                Tokens.parseInt(t[4], "active connection count"), Tokens.parseInt(t[5], "inactive connection count"));
    }

    private static void saveRule(String[] t, String s, Map<String, Building> services) {
        Protocol p = null;
        SocketAddress vip = null, rip = null;
        String scheduler = "wlc", fwd = "Route";
        int weight = 1;
        for (int i = 1; i < t.length; i++) {
            switch (t[i]) {
                case "-t", "-u" -> {
                    p = protocol(t[i]);
                    vip = SocketAddress.parse(arg(t, ++i, s));
                }
                case "-f" -> throw new IllegalArgumentException("firewall-mark virtual servers are not modelled: '" + s + "'");
                case "-s" -> scheduler = arg(t, ++i, s);
                case "-r" -> rip = SocketAddress.parse(arg(t, ++i, s));
                case "-w" -> weight = Tokens.parseInt(arg(t, ++i, s), "weight");
                case "-m" -> fwd = "Masq";
                case "-g" -> fwd = "Route";
                case "-i" -> fwd = "Tunnel";
                case "-p" -> { if (i + 1 < t.length && !t[i + 1].startsWith("-")) i++; }
                case "-x", "-y", "-M", "-b", "--tun-type", "--tun-port" -> arg(t, ++i, s);
                default -> throw new IllegalArgumentException("unexpected option '" + t[i] + "' in '" + s + "'");
            }
        }
        if (vip == null) throw new IllegalArgumentException("no -t/-u service address in '" + s + "'");
        String key = p + " " + vip;
        if (t[0].equals("-A")) {
            if (services.putIfAbsent(key, new Building(p, vip, scheduler, new ArrayList<>())) != null) {
                throw new IllegalArgumentException("virtual server " + key + " added twice");
            }
        } else {
            Building b = services.get(key);
            if (b == null) throw new IllegalArgumentException("real server for " + key + " before its -A line");
            if (rip == null) throw new IllegalArgumentException("no -r real server in '" + s + "'");
            b.reals().add(new VirtualServer.RealServer(rip, fwd, weight, 0, 0));
        }
    }

    /** ADDR:PORT as ipvsadm prints it, with or without -n: a well-known service name is its port; a host name is unknown. */
    static SocketAddress address(String text) {
        int colon = text.lastIndexOf(':');
        if (colon > 0 && !dev.kubepath.net.Ipv4.isValid(text.substring(0, colon))) {
            throw new IllegalArgumentException("'" + text.substring(0, colon) + "' in '" + text + "' is a host name, not an address: unknown ('ipvsadm -Ln' shows addresses)");
        }
        if (colon > 0 && colon + 1 < text.length() && !Character.isDigit(text.charAt(colon + 1))) {
            int port = Integer.parseInt(ServiceNames.port(text.substring(colon + 1)));
            return new SocketAddress(dev.kubepath.net.Ipv4.parse(text.substring(0, colon)), port);
        }
        return SocketAddress.parse(text);
    }

    private static String arg(String[] t, int i, String s) {
        if (i >= t.length) throw new IllegalArgumentException("option without a value at the end of '" + s + "'");
        return t[i];
    }
}
