package dev.kubepath.cluster;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One fault a cluster can suffer, as {@code fault KIND ARGS} names it in cluster files' timelines, the shell and
 * what-if (docs/simulation.md). One vocabulary, parsed here; {@link Faults} carries it out.
 */
public sealed interface Fault {
    /** flanneld stays up but stops renewing its lease and watching the registry (the seed's mcwk8s05). */
    record HangFlanneld(String host) implements Fault {}

    /** The lease vanishes from the registry. */
    record DeleteLease(Prefix subnet) implements Fault {}

    /** net.ipv4.ip_forward on one host. */
    record IpForward(String host, boolean on) implements Fault {}

    /** FORWARD policy DROP without flannel's accept rules. */
    record ForwardDrop(String host) implements Fault {}

    /** The host's lease gets a wrong VtepMAC. */
    record VtepMac(String host, Mac mac) implements Fault {}

    /** The registry becomes unreachable (false) or reachable again. */
    record Etcd(boolean up) implements Fault {}

    /** The host goes down: kernel state and /run lost. */
    record PowerOff(String host) implements Fault {}

    /** The host boots. */
    record PowerOn(String host) implements Fault {}

    /**
     * The node object is deleted and its kubelet registers it again (flanneld --kube-subnet-mgr only): the controller
     * manager gives it a new podCIDR and flanneld restarts with it, while the pods already there keep running.
     */
    record NewPodCidr(String host) implements Fault {}

    /**
     * A host firewall on {@code to} drops UDP to flannel's VXLAN port from {@code from} (as a security group between
     * the two would, but visible in {@code to}'s filter INPUT chain).
     */
    record UnderlayDrop(String from, String to) implements Fault {}

    /** The host's underlay device (eth0) gets a smaller MTU, below flannel.1's + 50 bytes of VXLAN header. */
    record UnderlayMtu(String host, int mtu) implements Fault {}

    /**
     * flanneld restarts announcing {@code publicIp} (picked the wrong interface, or {@code --public-ip} names a NAT
     * address), which other hosts cannot reach; flannel.1's local address stays the interface's.
     */
    record PublicIp(String host, Ipv4 publicIp) implements Fault {}

    /** br_netfilter loaded or not: {@code net.bridge.bridge-nf-call-iptables} 1 or 0. */
    record BrNetfilter(String host, boolean on) implements Fault {}

    /** {@code net.ipv4.conf.all.rp_filter}: 0 off, 1 strict, 2 loose. */
    record RpFilter(String host, int mode) implements Fault {}

    /** Hairpin mode on every pod's bridge port of the host, and on the ports of pods started later. */
    record Hairpin(String host, boolean on) implements Fault {}

    String USAGE = String.join("\n",
            "usage: fault KIND ARGS",
            "  fault hang-flanneld HOST      flanneld stays up but stops renewing and watching",
            "  fault delete-lease SUBNET     the lease vanishes from etcd (e.g. 172.17.98.0/24)",
            "  fault ip-forward HOST on|off  net.ipv4.ip_forward",
            "  fault forward-drop HOST       FORWARD policy DROP without flannel's accept rules",
            "  fault vtep-mac HOST MAC       the host's lease gets a wrong VtepMAC",
            "  fault etcd down|up            the registry becomes unreachable / reachable",
            "  fault power-off|power-on HOST the host goes down (kernel state and /run lost) / boots",
            "  fault new-podcidr HOST        the node re-registers with a new podCIDR (kube subnet manager)",
            "  fault underlay-drop FROM TO   TO's host firewall drops VXLAN (UDP 8472) from FROM",
            "  fault underlay-mtu HOST MTU   eth0 of HOST gets a smaller MTU (e.g. 1400, below flannel.1's 1450 + 50)",
            "  fault public-ip HOST IP       flanneld restarts announcing IP (a NAT address) as its PublicIP",
            "  fault br-netfilter HOST on|off  net.bridge.bridge-nf-call-iptables (br_netfilter loaded or not)",
            "  fault rp-filter HOST 0|1|2    net.ipv4.conf.all.rp_filter (off, strict, loose)",
            "  fault hairpin HOST on|off     hairpin mode on the pods' bridge ports (off: kubelet --hairpin-mode=none)", "");

    /** The host this fault acts on; empty for faults of the registry. */
    default Optional<String> target() {
        return switch (this) {
            case HangFlanneld f -> Optional.of(f.host());
            case IpForward f -> Optional.of(f.host());
            case ForwardDrop f -> Optional.of(f.host());
            case VtepMac f -> Optional.of(f.host());
            case PowerOff f -> Optional.of(f.host());
            case PowerOn f -> Optional.of(f.host());
            case NewPodCidr f -> Optional.of(f.host());
            case UnderlayDrop f -> Optional.of(f.to());
            case UnderlayMtu f -> Optional.of(f.host());
            case PublicIp f -> Optional.of(f.host());
            case BrNetfilter f -> Optional.of(f.host());
            case RpFilter f -> Optional.of(f.host());
            case Hairpin f -> Optional.of(f.host());
            case DeleteLease f -> Optional.empty();
            case Etcd f -> Optional.empty();
        };
    }

    /** Every host this fault names (a cluster file checks each is one of its hosts). */
    default List<String> hosts() {
        if (this instanceof UnderlayDrop d) return List.of(d.from(), d.to());
        return target().map(List::of).orElse(List.of());
    }

    /**
     * {@code KIND ARGS} (the words after {@code fault}).
     *
     * @throws IllegalArgumentException naming what was expected
     */
    static Fault parse(List<String> words) {
        if (words.isEmpty()) throw new IllegalArgumentException("fault names no kind (expected " + kinds() + ")");
        String kind = words.getFirst();
        List<String> a = words.subList(1, words.size());
        return switch (kind) {
            case "hang-flanneld" -> new HangFlanneld(one(kind, a, "HOST"));
            case "forward-drop" -> new ForwardDrop(one(kind, a, "HOST"));
            case "power-off" -> new PowerOff(one(kind, a, "HOST"));
            case "power-on" -> new PowerOn(one(kind, a, "HOST"));
            case "new-podcidr" -> new NewPodCidr(one(kind, a, "HOST"));
            case "delete-lease" -> new DeleteLease(Prefix.parse(one(kind, a, "SUBNET")));
            case "etcd" -> new Etcd(onOff(kind, one(kind, a, "up|down"), "up", "down"));
            case "ip-forward" -> {
                if (a.size() != 2) throw expected(kind, "HOST on|off");
                yield new IpForward(a.get(0), onOff(kind + " HOST", a.get(1), "on", "off"));
            }
            case "vtep-mac" -> {
                if (a.size() != 2) throw expected(kind, "HOST MAC");
                yield new VtepMac(a.get(0), Mac.parse(a.get(1)));
            }
            case "underlay-drop" -> {
                if (a.size() != 2) throw expected(kind, "FROM TO");
                // a host's VXLAN packets to itself never cross the underlay: nothing to drop
                if (a.get(0).equals(a.get(1))) throw new IllegalArgumentException("fault underlay-drop names " + a.get(0) + " twice (expected two different hosts FROM TO)");
                yield new UnderlayDrop(a.get(0), a.get(1));
            }
            case "underlay-mtu" -> {
                if (a.size() != 2) throw expected(kind, "HOST MTU");
                yield new UnderlayMtu(a.get(0), number(kind + " HOST", a.get(1), 68, 65535));
            }
            case "public-ip" -> {
                if (a.size() != 2) throw expected(kind, "HOST IP");
                yield new PublicIp(a.get(0), Ipv4.parse(a.get(1)));
            }
            case "br-netfilter" -> {
                if (a.size() != 2) throw expected(kind, "HOST on|off");
                yield new BrNetfilter(a.get(0), onOff(kind + " HOST", a.get(1), "on", "off"));
            }
            case "hairpin" -> {
                if (a.size() != 2) throw expected(kind, "HOST on|off");
                yield new Hairpin(a.get(0), onOff(kind + " HOST", a.get(1), "on", "off"));
            }
            case "rp-filter" -> {
                if (a.size() != 2) throw expected(kind, "HOST 0|1|2");
                yield new RpFilter(a.get(0), number(kind + " HOST", a.get(1), 0, 2));
            }
            default -> throw new IllegalArgumentException("unknown fault '" + kind + "' (expected " + kinds() + ")");
        };
    }

    /** As {@link #parse}, for a command run {@code on HOST:} — a host fault written without its host acts on that host. */
    static Fault parseOn(String host, List<String> words) {
        boolean hostAndValue = List.of("ip-forward", "underlay-mtu", "public-ip", "br-netfilter", "rp-filter", "hairpin").contains(words.getFirst());
        if (words.size() == 1 || (words.size() == 2 && hostAndValue)) {
            List<String> withHost = new ArrayList<>(words);
            withHost.add(1, host);
            if (!List.of("delete-lease", "etcd").contains(words.getFirst())) return parse(withHost);
        }
        return parse(words);
    }

    private static String kinds() {
        return "hang-flanneld, delete-lease, ip-forward, forward-drop, vtep-mac, etcd, power-off, power-on, new-podcidr, "
                + "underlay-drop, underlay-mtu, public-ip, br-netfilter, rp-filter or hairpin";
    }

    private static String one(String kind, List<String> args, String what) {
        if (args.size() != 1) throw expected(kind, what);
        return args.getFirst();
    }

    private static boolean onOff(String kind, String word, String on, String off) {
        if (word.equals(on)) return true;
        if (word.equals(off)) return false;
        throw expected(kind, on + "|" + off);
    }

    private static int number(String kind, String word, int min, int max) {
        try {
            int n = Integer.parseInt(word);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // said below
        }
        throw expected(kind, "a number from " + min + " to " + max + " (not '" + word + "')");
    }

    private static IllegalArgumentException expected(String kind, String form) {
        return new IllegalArgumentException("expected fault " + kind + " " + form);
    }
}
