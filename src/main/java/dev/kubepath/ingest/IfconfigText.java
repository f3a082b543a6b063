package dev.kubepath.ingest;

import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.List;

/**
 * net-tools {@code ifconfig} (the CentOS 7 form): {@code docker0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1450}
 * then {@code inet A  netmask M  broadcast B}, {@code ether MAC} and counters. A device is up when it is UP and
 * RUNNING (carrier). ifconfig prints no device type, so the kind comes from the name ({@link LinkKinds}).
 */
public final class IfconfigText {
    private IfconfigText() {}

    public static Parsed<Interfaces> parse(String file, String text) {
        Problems problems = new Problems(file);
        List<Link> links = new ArrayList<>();
        List<IfAddress> addresses = new ArrayList<>();
        String name = null;
        int mtu = 0;
        boolean up = false, loopback = false;
        Mac mac = null;
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String line = l.text();
            try {
                if (line.charAt(0) > ' ') {
                    if (Transcript.isComment(line)) continue;
                    if (name != null) links.add(new Link(name, LinkKinds.byName(name, null, loopback), mtu, mac, up, null));
                    name = null;
                    Header h = header(line);
                    up = h.up();
                    loopback = h.loopback();
                    mtu = h.mtu();
                    mac = null;
                    name = h.name();
                    continue;
                }
                if (name == null) {
                    problems.add(l.number(), "detail line before any device header: '" + line.trim() + "'");
                    continue;
                }
                String[] t = Tokens.split(line);
                switch (t[0]) {
                    case "inet" -> {
                        if (t.length < 4 || !t[2].equals("netmask")) throw new IllegalArgumentException("expected 'inet A  netmask M', got '" + line.trim() + "'");
                        Ipv4 ip = Ipv4.parse(t[1]);
                        addresses.add(new IfAddress(name, ip, Prefix.fromNetmask(ip, Ipv4.parse(t[3])).length()));
                    }
                    case "ether" -> {
                        if (t.length < 2) throw new IllegalArgumentException("ether line without an address");
                        mac = Mac.parse(t[1]);
                    }
                    case "loop" -> loopback = true;
                    default -> { } // inet6, counters
                }
            } catch (IllegalArgumentException e) {
                problems.add(l.number(), e);
                if (line.charAt(0) > ' ') name = null;
            }
        }
        if (name != null) links.add(new Link(name, LinkKinds.byName(name, null, loopback), mtu, mac, up, null));
        return problems.result(new Interfaces(links, addresses));
    }

    private record Header(String name, int mtu, boolean up, boolean loopback) {}

    /** {@code name: flags=N<UP,...>  mtu M}: up when UP and RUNNING (carrier). */
    private static Header header(String line) {
        String[] t = Tokens.split(line);
        if (t.length < 2 || !t[0].endsWith(":") || !t[1].startsWith("flags=")) {
            throw new IllegalArgumentException("expected a device header 'name: flags=N<...>  mtu M', got '" + line.trim() + "'");
        }
        String flags = t[1];
        int lt = flags.indexOf('<'), gt = flags.indexOf('>');
        if (lt < 0 || gt < lt) throw new IllegalArgumentException("device flags '" + flags + "' lack <...>");
        boolean up = false;
        boolean running = false;
        boolean loopback = false;
        for (String f : flags.substring(lt + 1, gt).split(",")) {
            if (f.equals("UP")) up = true;
            if (f.equals("RUNNING")) running = true;
            if (f.equals("LOOPBACK")) loopback = true;
        }
        int mtu = 0;
        for (int i = 2; i + 1 < t.length; i++) if (t[i].equals("mtu")) mtu = Tokens.parseInt(t[i + 1], "mtu");
        if (mtu == 0) throw new IllegalArgumentException("device header without mtu: '" + line.trim() + "'");
        return new Header(t[0].substring(0, t[0].length() - 1), mtu, up && running, loopback);
    }
}
