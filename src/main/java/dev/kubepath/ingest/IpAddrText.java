package dev.kubepath.ingest;

import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code ip addr}, {@code ip link} and {@code ip -d link} text: a header line per device
 * ({@code 7: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 ... master docker0 state UP}), then indented
 * {@code link/ether}, detail ({@code vxlan id 1 local 10.0.0.35 dev eth0 ... dstport 8472 nolearning}) and
 * {@code inet} lines. The -d detail line gives the device kind; without it the kind comes from the name.
 */
public final class IpAddrText {
    private IpAddrText() {}

    private static final class Dev {
        String name, peer, master;
        int mtu;
        boolean up, loopback;
        Mac mac;
        LinkKind kind;
        int line;

        Link link() {
            LinkKind k = kind != null ? kind : LinkKinds.byName(name, peer, loopback);
            if (k instanceof LinkKind.Veth v && v.peer() == null && peer != null) k = new LinkKind.Veth(peer);
            return new Link(name, k, mtu, mac, up, master);
        }
    }

    public static Parsed<Interfaces> parse(String file, String text) {
        Problems problems = new Problems(file);
        List<Link> links = new ArrayList<>();
        List<IfAddress> addresses = new ArrayList<>();
        Dev dev = null;
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String line = l.text();
            try {
                if (!line.isEmpty() && line.charAt(0) > ' ') {
                    if (Transcript.isComment(line)) continue;
                    if (dev != null) links.add(dev.link());
                    dev = null;
                    dev = header(line);
                    dev.line = l.number();
                    continue;
                }
                if (dev == null) {
                    problems.add(l.number(), "detail line before any device header: '" + line.trim() + "'");
                    continue;
                }
                detail(dev, Tokens.split(line), addresses);
            } catch (IllegalArgumentException e) {
                problems.add(l.number(), e);
            }
        }
        if (dev != null) links.add(dev.link());
        return problems.result(new Interfaces(links, addresses));
    }

    private static Dev header(String line) {
        String[] t = Tokens.split(line);
        if (t.length < 3 || !t[0].endsWith(":") || Tokens.parseIntOr(t[0].substring(0, t[0].length() - 1), -1) < 0
                || !t[1].endsWith(":") || !t[2].startsWith("<") || !t[2].endsWith(">")) {
            throw new IllegalArgumentException("expected a device header 'N: name: <FLAGS> mtu M ...', got '" + line.trim() + "'");
        }
        Dev d = new Dev();
        String name = t[1].substring(0, t[1].length() - 1);
        int at = name.indexOf('@');
        if (at >= 0) {
            d.peer = name.substring(at + 1);
            name = name.substring(0, at);
        }
        if (name.isEmpty()) throw new IllegalArgumentException("device header without a name: '" + line.trim() + "'");
        d.name = name;
        boolean up = false, lowerUp = false, noCarrier = false;
        for (String f : t[2].substring(1, t[2].length() - 1).split(",")) {
            switch (f) {
                case "UP" -> up = true;
                case "LOWER_UP" -> lowerUp = true;
                case "NO-CARRIER" -> noCarrier = true;
                case "LOOPBACK" -> d.loopback = true;
                default -> { }
            }
        }
        d.up = up && lowerUp && !noCarrier;
        for (int i = 3; i + 1 < t.length; i++) {
            switch (t[i]) {
                case "mtu" -> d.mtu = Tokens.parseInt(t[++i], "mtu");
                case "master" -> d.master = t[++i];
                default -> { }
            }
        }
        if (d.mtu == 0) throw new IllegalArgumentException("device header of " + name + " has no mtu");
        return d;
    }

    private static void detail(Dev d, String[] t, List<IfAddress> addresses) {
        if (t.length == 0) return;
        String w = t[0];
        if (w.startsWith("link/")) {
            if (w.equals("link/loopback")) d.loopback = true;
            if ((w.equals("link/ether") || w.equals("link/loopback")) && t.length > 1) d.mac = Mac.parse(t[1]);
            return;
        }
        switch (w) {
            case "inet" -> {
                if (t.length < 2) throw new IllegalArgumentException("inet line without an address");
                Ipv4 ip = Addresses.addressOf(t[1]);
                addresses.add(new IfAddress(d.name, ip, Addresses.lengthOf(t[1])));
            }
            case "inet6", "valid_lft", "altname", "prog/xdp" -> { }
            case "vxlan" -> d.kind = vxlan(t);
            case "bridge" -> d.kind = new LinkKind.Bridge();
            case "veth" -> d.kind = new LinkKind.Veth(d.peer);
            case "dummy" -> d.kind = new LinkKind.Dummy();
            default -> { } // bridge_slave, promiscuity and other -d details do not change the model
        }
    }

    /** The VXLAN detail line of {@code ip -d link}; learning is on unless "nolearning" is printed. */
    static LinkKind.Vxlan vxlan(String[] t) {
        int vni = -1, port = 0;
        Ipv4 local = null;
        String underlay = null;
        boolean learning = true;
        for (int i = 1; i < t.length; i++) {
            switch (t[i]) {
                case "id" -> vni = Tokens.parseInt(next(t, i++), "VXLAN id");
                case "local" -> local = Ipv4.parse(next(t, i++));
                case "dev" -> underlay = next(t, i++);
                case "dstport", "port" -> {
                    if (t[i].equals("port") && i + 2 < t.length && Tokens.parseIntOr(t[i + 2], -1) >= 0) {
                        i += 2; // old iproute2: "port MIN MAX" is the source port range
                    } else {
                        port = Tokens.parseInt(next(t, i++), "VXLAN port");
                    }
                }
                case "srcport" -> i += 2;
                case "nolearning" -> learning = false;
                default -> { }
            }
        }
        if (vni < 0) throw new IllegalArgumentException("vxlan detail without 'id'");
        return new LinkKind.Vxlan(vni, port, local, underlay, learning);
    }

    private static String next(String[] t, int i) {
        if (i + 1 >= t.length) throw new IllegalArgumentException("'" + t[i] + "' without a value");
        return t[i + 1];
    }
}
