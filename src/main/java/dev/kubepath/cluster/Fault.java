package dev.kubepath.cluster;

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

    String USAGE = String.join("\n",
            "usage: fault KIND ARGS",
            "  fault hang-flanneld HOST      flanneld stays up but stops renewing and watching",
            "  fault delete-lease SUBNET     the lease vanishes from etcd (e.g. 172.17.98.0/24)",
            "  fault ip-forward HOST on|off  net.ipv4.ip_forward",
            "  fault forward-drop HOST       FORWARD policy DROP without flannel's accept rules",
            "  fault vtep-mac HOST MAC       the host's lease gets a wrong VtepMAC",
            "  fault etcd down|up            the registry becomes unreachable / reachable",
            "  fault power-off|power-on HOST the host goes down (kernel state and /run lost) / boots",
            "  fault new-podcidr HOST        the node re-registers with a new podCIDR (kube subnet manager)", "");

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
            case DeleteLease f -> Optional.empty();
            case Etcd f -> Optional.empty();
        };
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
            default -> throw new IllegalArgumentException("unknown fault '" + kind + "' (expected " + kinds() + ")");
        };
    }

    /** As {@link #parse}, for a command run {@code on HOST:} — a host fault written without its host acts on that host. */
    static Fault parseOn(String host, List<String> words) {
        if (words.size() == 1 || (words.size() == 2 && words.getFirst().equals("ip-forward"))) {
            List<String> withHost = new ArrayList<>(words);
            withHost.add(1, host);
            if (!List.of("delete-lease", "etcd").contains(words.getFirst())) return parse(withHost);
        }
        return parse(words);
    }

    private static String kinds() {
        return "hang-flanneld, delete-lease, ip-forward, forward-drop, vtep-mac, etcd, power-off, power-on or new-podcidr";
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

    private static IllegalArgumentException expected(String kind, String form) {
        return new IllegalArgumentException("expected fault " + kind + " " + form);
    }
}
