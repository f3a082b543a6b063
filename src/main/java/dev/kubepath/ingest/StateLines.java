package dev.kubepath.ingest;

import dev.kubepath.model.Container;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;
import dev.kubepath.model.Socket;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One-line forms of host state used in snapshot files that no tool prints line by line: links, addresses, virtual
 * servers as {@code ipvsadm -S -n} writes them, and pods. (Routes, neighbours and FDB entries use the iproute2
 * parsers: {@link IpRouteText}, {@link IpNeighText}, {@link BridgeFdbText}.) Each throws
 * {@link IllegalArgumentException} saying what it expected.
 */
public final class StateLines {
    private StateLines() {}

    /** {@code NAME TYPE [mtu N] [mac M] [down] [master BR]}, with vxlan options {@code id N dstport P local IP dev D nolearning}. */
    public static Link link(String line) {
        Tokens t = new Tokens(line, "NAME TYPE [mtu N] [mac MAC] [down] [master BRIDGE]");
        String name = t.next("a device name");
        String type = t.next("a device type (ether, bridge, vxlan, veth, dummy, loopback)");
        int mtu = 1500, vni = 1, port = 8472;
        Mac mac = null;
        boolean up = true, learning = true;
        String master = null, underlay = null, peer = null;
        Ipv4 local = null;
        while (t.more()) {
            String k = t.next("an option");
            switch (k) {
                case "mtu" -> mtu = t.integer("an MTU");
                case "mac", "address", "lladdr" -> mac = Mac.parse(t.next("a MAC"));
                case "down" -> up = false;
                case "up" -> up = true;
                case "master" -> master = t.next("a bridge name");
                case "id", "vni" -> vni = t.integer("a VNI");
                case "dstport" -> port = t.integer("a UDP port");
                case "local" -> local = Ipv4.parse(t.next("a local address"));
                case "dev" -> underlay = t.next("an underlay device");
                case "nolearning" -> learning = false;
                case "learning" -> learning = true;
                case "peer" -> peer = t.next("a peer name");
                default -> throw t.unexpected(k);
            }
        }
        LinkKind kind = switch (type) {
            case "ether", "ethernet" -> new LinkKind.Ethernet();
            case "bridge" -> new LinkKind.Bridge();
            case "vxlan" -> new LinkKind.Vxlan(vni, port, local, underlay, learning);
            case "veth" -> new LinkKind.Veth(peer);
            case "dummy" -> new LinkKind.Dummy();
            case "loopback" -> new LinkKind.Loopback();
            default -> throw new IllegalArgumentException("unknown device type '" + type + "' (expected ether, bridge, vxlan, veth, dummy or loopback)");
        };
        return new Link(name, kind, mtu, mac, up, master);
    }

    /** {@code 10.0.0.33/24 dev eth0}, as {@code ip addr add} takes it. */
    public static IfAddress address(String line) {
        Tokens t = new Tokens(line, "ADDRESS/LEN dev DEVICE");
        HostAddress a = hostAddress(t.next("an address with its length"));
        t.expect("dev");
        return new IfAddress(t.next("a device"), a.ip(), a.length());
    }

    /** An address with its length, host bits kept (172.17.98.13/24 stays .13). */
    private record HostAddress(Ipv4 ip, int length) {}

    private static HostAddress hostAddress(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("'" + text + "' has no prefix length (expected a.b.c.d/len)");
        return new HostAddress(Ipv4.parse(text.substring(0, slash)), Prefix.parse(text).length());
    }

    /**
     * Virtual servers from {@code ipvsadm -S -n} lines: {@code -A -t VIP:PORT -s rr} starts one,
     * {@code -a -t VIP:PORT -r RIP:PORT -m -w 1} adds a masqueraded real server to it.
     */
    public static List<VirtualServer> ipvs(List<String> lines, java.util.function.IntFunction<RuntimeException> errorAt) {
        List<VirtualServer> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Tokens t = new Tokens(lines.get(i), "-A -t VIP:PORT -s SCHED | -a -t VIP:PORT -r RIP:PORT -m -w WEIGHT");
            try {
                String op = t.next("-A or -a");
                String protoFlag = t.next("-t or -u");
                Protocol proto = switch (protoFlag) {
                    case "-t" -> Protocol.TCP;
                    case "-u" -> Protocol.UDP;
                    default -> throw t.unexpected(protoFlag);
                };
                SocketAddress vip = SocketAddress.parse(t.next("VIP:PORT"));
                if (op.equals("-A")) {
                    String sched = "wlc";
                    while (t.more()) {
                        String k = t.next("an option");
                        if (k.equals("-s")) sched = t.next("a scheduler");
                        else t.next("a value");
                    }
                    out.add(new VirtualServer(proto, vip, sched, List.of()));
                } else if (op.equals("-a")) {
                    SocketAddress real = null;
                    String fwd = "Masq";
                    int weight = 1;
                    while (t.more()) {
                        String k = t.next("an option");
                        switch (k) {
                            case "-r" -> real = SocketAddress.parse(t.next("RIP:PORT"));
                            case "-m" -> fwd = "Masq";
                            case "-g" -> fwd = "Route";
                            case "-i" -> fwd = "Tunnel";
                            case "-w" -> weight = t.integer("a weight");
                            default -> throw t.unexpected(k);
                        }
                    }
                    if (real == null) throw new IllegalArgumentException("'-a' without '-r RIP:PORT'");
                    int idx = -1;
                    for (int j = 0; j < out.size(); j++) if (out.get(j).address().equals(vip) && out.get(j).protocol() == proto) idx = j;
                    if (idx < 0) throw new IllegalArgumentException("real server for " + vip + " before its '-A' line");
                    VirtualServer vs = out.get(idx);
                    List<VirtualServer.RealServer> reals = new ArrayList<>(vs.reals());
                    reals.add(new VirtualServer.RealServer(real, fwd, weight, 0, 0));
                    out.set(idx, new VirtualServer(vs.protocol(), vs.address(), vs.scheduler(), reals));
                } else {
                    throw t.unexpected(op);
                }
            } catch (IllegalArgumentException e) {
                RuntimeException r = errorAt.apply(i);
                r.addSuppressed(e);
                throw r instanceof InputException ie ? new InputException(ie.file(), ie.line(), e.getMessage()) : r;
            }
        }
        return out;
    }

    /**
     * A pod on a bridge: {@code NAME IP/LEN on BRIDGE [listens tcp/PORT[,tcp/PORT]] [hairpin on|off] [server "TEXT"]};
     * hairpin is the mode of its bridge port (unknown when absent).
     */
    public static Container pod(String line) {
        Tokens t = new Tokens(line, "NAME IP/LEN on BRIDGE [listens tcp/PORT] [hairpin on|off] [server \"TEXT\"]");
        String name = t.next("a pod name");
        HostAddress p = hostAddress(t.next("the pod address with its length"));
        t.expect("on");
        String bridge = t.next("a bridge");
        List<Socket> listeners = new ArrayList<>();
        String server = null;
        Boolean hairpin = null;
        while (t.more()) {
            String k = t.next("an option");
            switch (k) {
                case "listens" -> {
                    for (String l : t.next("tcp/PORT").split(",")) {
                        String[] pp = l.split("/");
                        if (pp.length != 2) throw new IllegalArgumentException("'" + l + "' is not PROTO/PORT (e.g. tcp/20000)");
                        listeners.add(new Socket(Protocol.parse(pp[0]), Ipv4.ANY, Integer.parseInt(pp[1]), name));
                    }
                }
                case "hairpin" -> {
                    String mode = t.next("on or off");
                    if (!mode.equals("on") && !mode.equals("off")) throw new IllegalArgumentException("'" + mode + "' is not on or off (hairpin on|off)");
                    hairpin = mode.equals("on");
                }
                case "server" -> server = t.rest();
                default -> throw t.unexpected(k);
            }
        }
        return new Container(name, p.ip(), p.length(), Mac.docker(p.ip()), bridge, listeners, server, hairpin);
    }

    /** Whitespace tokens with the expected form kept for error messages. */
    private static final class Tokens {
        private final String line;
        private final String form;
        private final String[] parts;
        private int i;

        Tokens(String line, String form) {
            this.line = line.trim();
            this.form = form;
            this.parts = this.line.isEmpty() ? new String[0] : this.line.split("\\s+");
        }

        boolean more() {
            return i < parts.length;
        }

        String next(String what) {
            if (i >= parts.length) throw new IllegalArgumentException("'" + line + "' ends where " + what + " was expected (form: " + form + ")");
            return parts[i++];
        }

        int integer(String what) {
            String s = next(what);
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' in '" + line + "' is not " + what);
            }
        }

        void expect(String word) {
            String s = next("'" + word + "'");
            if (!s.equals(word)) throw new IllegalArgumentException("'" + line + "' has '" + s + "' where '" + word + "' was expected (form: " + form + ")");
        }

        String rest() {
            String r = String.join(" ", java.util.Arrays.copyOfRange(parts, i, parts.length));
            i = parts.length;
            return r.startsWith("\"") && r.endsWith("\"") && r.length() > 1 ? r.substring(1, r.length() - 1) : r;
        }

        IllegalArgumentException unexpected(String word) {
            return new IllegalArgumentException("unexpected '" + word + "' in '" + line + "' (form: " + form + ")");
        }
    }
}
