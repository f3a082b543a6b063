package dev.kubepath.ingest;

import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.List;

/**
 * The older net-tools {@code ifconfig} (Ubuntu 16.04, CentOS 6, busybox): {@code flannel.1 Link encap:Ethernet
 * HWaddr 1a:2b:...}, then {@code inet addr:A  Bcast:B  Mask:M} and a flags line {@code UP BROADCAST RUNNING
 * MULTICAST  MTU:1450  Metric:1}. A device is up when it is UP and RUNNING; its kind comes from its name
 * ({@link LinkKinds}), as ifconfig prints none.
 */
public final class IfconfigOldText {
    private IfconfigOldText() {}

    private static final class Dev {
        String name;
        Mac mac;
        int mtu;
        boolean up, running, loopback;

        Link link() {
            return new Link(name, LinkKinds.byName(name, null, loopback), mtu, mac, up && running, null);
        }
    }

    public static Parsed<Interfaces> parse(String file, String text) {
        Problems problems = new Problems(file);
        List<Link> links = new ArrayList<>();
        List<IfAddress> addresses = new ArrayList<>();
        Dev dev = null;
        int headerLine = 0;
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String line = l.text();
            try {
                String[] t = Tokens.split(line);
                if (line.charAt(0) > ' ') {
                    if (Transcript.isComment(line)) continue;
                    dev = finish(dev, headerLine, links, problems);
                    if (!isHeader(t)) throw new IllegalArgumentException("expected a device header 'name  Link encap:TYPE  [HWaddr MAC]', got '" + line.trim() + "'");
                    dev = new Dev();
                    headerLine = l.number();
                    dev.name = t[0];
                    dev.loopback = t[2].equals("encap:Local");
                    for (int i = 3; i + 1 < t.length; i++) if (t[i].equals("HWaddr")) dev.mac = mac(t[i + 1]);
                    continue;
                }
                if (dev == null) {
                    problems.add(l.number(), "detail line before any device header: '" + line.trim() + "'");
                    continue;
                }
                if (t[0].equals("inet") && t.length > 1 && t[1].startsWith("addr:")) {
                    Ipv4 ip = Ipv4.parse(t[1].substring(5));
                    Ipv4 mask = null;
                    for (String w : t) if (w.startsWith("Mask:")) mask = Ipv4.parse(w.substring(5));
                    if (mask == null) throw new IllegalArgumentException("inet line without Mask: '" + line.trim() + "'");
                    addresses.add(new IfAddress(dev.name, ip, Prefix.fromNetmask(ip, mask).length()));
                } else if (flagsLine(t)) {
                    for (String w : t) {
                        if (w.equals("UP")) dev.up = true;
                        else if (w.equals("RUNNING")) dev.running = true;
                        else if (w.equals("LOOPBACK")) dev.loopback = true;
                        else if (w.startsWith("MTU:")) dev.mtu = Tokens.parseInt(w.substring(4), "mtu");
                    }
                } // inet6, counters, collisions, interrupts: nothing the model holds
            } catch (IllegalArgumentException e) {
                problems.add(l.number(), e);
            }
        }
        finish(dev, headerLine, links, problems);
        return problems.result(new Interfaces(links, addresses));
    }

    private static Dev finish(Dev dev, int line, List<Link> links, Problems problems) {
        if (dev == null) return null;
        if (dev.mtu == 0) problems.add(line, "device " + dev.name + " has no flags line with MTU:; not read");
        else links.add(dev.link());
        return null;
    }

    /** {@code eth0      Link encap:Ethernet  HWaddr 02:42:ac:11:00:02}. */
    static boolean isHeader(String[] t) {
        return t.length >= 3 && t[1].equals("Link") && t[2].startsWith("encap:");
    }

    /** The line with the flags and MTU:, e.g. {@code UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1}. */
    private static boolean flagsLine(String[] t) {
        for (String w : t) if (w.startsWith("MTU:")) return true;
        return false;
    }

    /** A tun device prints its HWaddr as 16 dash-separated bytes (00-00-00-...), which is no Ethernet address. */
    private static Mac mac(String s) {
        return s.indexOf('-') >= 0 ? null : Mac.parse(s);
    }
}
