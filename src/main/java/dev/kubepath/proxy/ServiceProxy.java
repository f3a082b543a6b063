package dev.kubepath.proxy;

import dev.kubepath.host.HostNetwork;
import dev.kubepath.host.NetChange;
import dev.kubepath.model.Chain;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.NftTable;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Rule;
import dev.kubepath.model.Service;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube-proxy for one node: on every {@link #sync} it computes the full desired state from services and endpoints,
 * compares it with what the host holds, and applies only the difference (nothing when nothing changed).
 * IPVS mode owns kube-ipvs0, its ClusterIP addresses and the whole IPVS table; IPVS and iptables modes own their
 * KUBE-* chains and keep their jumps at the head of the shared built-in chains without disturbing other agents' rules there.
 * Chains left over from a previous sync (a deleted service's KUBE-SVC-*) are emptied, as the model has no chain
 * deletion; nothing jumps to them any more. nftables mode owns table ip kube-proxy, replaced whole when it differs.
 */
public final class ServiceProxy {
    public static final String OWNER = "kube-proxy";

    private final HostNetwork host;
    private final ProxyMode mode;
    private final Prefix clusterCidr;
    private final Set<String> ownedChains = new HashSet<>();

    /** {@code clusterCidr} is kube-proxy's --cluster-cidr (flannel's Network), or null when not set. */
    public ServiceProxy(HostNetwork host, ProxyMode mode, Prefix clusterCidr) {
        this.host = host;
        this.mode = mode;
        this.clusterCidr = clusterCidr;
    }

    public ProxyMode mode() {
        return mode;
    }

    /** Brings the host to the desired state; returns the changes applied (empty when already there). */
    public synchronized List<NetChange> sync(List<Service> services, List<Endpoints> endpoints) {
        Host current = host.read();
        List<NetChange> changes = new ArrayList<>();
        ProxyRules rules;
        if (mode == ProxyMode.IPVS) {
            IpvsState desired = IpvsState.compute(services, endpoints, IpvsState.nodePortAddresses(current), clusterCidr);
            ipvsChanges(current, desired, changes);
            rules = desired.rules();
        } else if (mode == ProxyMode.NFTABLES) {
            rules = new ProxyRules(List.of(), List.of());
            leaveIpvs(current, changes);
            NftTable desired = NftablesRules.compute(services, endpoints, clusterCidr, primaryAddresses(current), null);
            if (!current.nftTable(desired.family(), desired.name()).map(t -> t.equals(desired)).orElse(false)) {
                changes.add(new NetChange.ReplaceNftTable(desired));
            }
        } else {
            rules = IptablesRules.compute(services, endpoints, clusterCidr);
            leaveIpvs(current, changes);
        }
        List<Chain> chainChanges = chainChanges(current, rules);
        if (!chainChanges.isEmpty()) changes.add(new NetChange.ReplaceChains(OWNER, chainChanges));
        if (!changes.isEmpty()) host.apply(changes);
        return changes;
    }

    /** A mode other than IPVS removes kube-ipvs0 and the IPVS table, as kube-proxy's cleanup on a mode change does. */
    private static void leaveIpvs(Host current, List<NetChange> changes) {
        if (current.link(IpvsState.DUMMY_DEVICE).isPresent()) changes.add(new NetChange.DeleteLink(IpvsState.DUMMY_DEVICE));
        if (!current.virtualServers().isEmpty()) changes.add(new NetChange.ReplaceVirtualServers(List.of()));
        if (current.ipsets().stream().anyMatch(s -> s.name().startsWith(IPSET_OWNER))) changes.add(new NetChange.ReplaceIpSets(IPSET_OWNER, List.of()));
    }

    /** The prefix of the ipsets kube-proxy owns: it rewrites those and leaves the host's other sets alone. */
    static final String IPSET_OWNER = "KUBE-";

    /**
     * The node's primary addresses, which accept NodePorts in nftables mode (--nodeport-addresses primary, its
     * default): the addresses on the node's ethernet (in the lab: veth) devices, i.e. its InternalIP, not docker0's or flannel.1's.
     */
    static List<Ipv4> primaryAddresses(Host host) {
        List<Ipv4> out = new ArrayList<>();
        for (IfAddress a : host.addresses()) {
            boolean wired = host.link(a.dev()).map(l -> l.kind() instanceof LinkKind.Ethernet || l.kind() instanceof LinkKind.Veth).orElse(false);
            if (wired && !out.contains(a.ip())) out.add(a.ip());
        }
        return out;
    }

    /** What the desired state would be on this host now, without applying it (for `ipvsadm -Ln` previews, tests). */
    public IpvsState desiredIpvs(List<Service> services, List<Endpoints> endpoints) {
        return IpvsState.compute(services, endpoints, IpvsState.nodePortAddresses(host.read()), clusterCidr);
    }

    private static void ipvsChanges(Host current, IpvsState desired, List<NetChange> changes) {
        if (current.link(IpvsState.DUMMY_DEVICE).isEmpty()) {
            // kube-proxy creates the dummy device down: the addresses still count as local, nothing is sent through it.
            changes.add(new NetChange.AddLink(new Link(IpvsState.DUMMY_DEVICE, new LinkKind.Dummy(), 1500,
                    dummyMac(current.name()), false, null)));
        }
        Set<Ipv4> want = new HashSet<>(desired.clusterIps());
        for (IfAddress a : current.addresses()) {
            if (a.dev().equals(IpvsState.DUMMY_DEVICE) && !want.remove(a.ip())) changes.add(new NetChange.DeleteAddress(a));
        }
        for (Ipv4 ip : desired.clusterIps()) {
            if (want.contains(ip)) changes.add(new NetChange.AddAddress(new IfAddress(IpvsState.DUMMY_DEVICE, ip, 32)));
        }
        if (!sameVirtualServers(current.virtualServers(), desired.virtualServers())) {
            changes.add(new NetChange.ReplaceVirtualServers(desired.virtualServers()));
        }
        List<dev.kubepath.model.IpSet> owned = current.ipsets().stream().filter(s -> s.name().startsWith(IPSET_OWNER)).toList();
        if (!owned.equals(desired.ipsets())) changes.add(new NetChange.ReplaceIpSets(IPSET_OWNER, desired.ipsets()));
    }

    /**
     * The same objects in the same order: what the host holds is what the last sync wrote, from a desired state
     * shared by every node (see {@link IpvsState#compute}); a cheap check before hashing 20,000 real servers.
     */
    private static <T> boolean sameObjects(List<T> a, List<T> b) {
        if (a.size() != b.size()) return false;
        var ia = a.iterator();
        for (T x : b) if (ia.next() != x) return false;
        return true;
    }

    /**
     * The same virtual servers in any order, compared by their address first: hashing every real server of
     * 1,000 services on each of 1,000 nodes was most of a 1,000-node boot.
     */
    static boolean sameVirtualServers(List<VirtualServer> have, List<VirtualServer> want) {
        if (have.size() != want.size()) return false;
        if (sameObjects(have, want)) return true;
        record Key(dev.kubepath.net.Protocol protocol, dev.kubepath.net.SocketAddress address) {}
        Map<Key, VirtualServer> byAddress = new java.util.HashMap<>();
        for (VirtualServer v : have) {
            if (byAddress.put(new Key(v.protocol(), v.address()), v) != null) return new HashSet<>(have).equals(new HashSet<>(want));
        }
        Set<Key> seen = new HashSet<>();
        for (VirtualServer v : want) {
            Key k = new Key(v.protocol(), v.address());
            if (!seen.add(k)) return new HashSet<>(have).equals(new HashSet<>(want)); // two alike: compare as sets
            if (!v.equals(byAddress.get(k))) return false;
        }
        return true;
    }

    /** The chains to write: owned chains that differ, emptied stale ones, built-in chains that lack a hook. */
    private List<Chain> chainChanges(Host current, ProxyRules rules) {
        List<Chain> out = new ArrayList<>();
        Set<String> nowOwned = new HashSet<>();
        for (Chain c : rules.chains()) {
            nowOwned.add(c.table() + " " + c.name());
            Chain have = current.chain(c.table(), c.name()).orElse(null);
            if (have == null || !sameRules(have, c)) out.add(c);
        }
        for (String key : ownedChains) {
            if (nowOwned.contains(key)) continue;
            String[] tn = key.split(" ", 2);
            current.chain(tn[0], tn[1]).filter(c -> !c.rules().isEmpty())
                    .ifPresent(c -> out.add(new Chain(tn[0], tn[1], null, List.of())));
        }
        ownedChains.clear();
        ownedChains.addAll(nowOwned);

        Map<String, List<ProxyRules.Hook>> hooksByChain = new LinkedHashMap<>();
        for (ProxyRules.Hook h : rules.hooks()) hooksByChain.computeIfAbsent(h.table() + " " + h.chain(), k -> new ArrayList<>()).add(h);
        hooksByChain.forEach((key, hooks) -> {
            String table = hooks.getFirst().table(), name = hooks.getFirst().chain();
            Chain have = current.chain(table, name).orElse(new Chain(table, name, "ACCEPT", List.of()));
            List<Rule> merged = new ArrayList<>();
            for (ProxyRules.Hook h : hooks) merged.add(h.rule());
            for (Rule r : have.rules()) {
                if (hooks.stream().noneMatch(h -> h.rule().describe().equals(r.describe()))) merged.add(r);
            }
            Chain next = new Chain(table, name, have.policy() == null ? "ACCEPT" : have.policy(), merged);
            if (!sameRules(have, next) || current.chain(table, name).isEmpty()) out.add(next);
        });
        return out;
    }

    private static boolean sameRules(Chain a, Chain b) {
        if (a.rules().size() != b.rules().size()) return false;
        for (int i = 0; i < a.rules().size(); i++) {
            if (!a.rules().get(i).describe().equals(b.rules().get(i).describe())) return false;
        }
        return true;
    }

    /** A stable locally administered MAC per host, so re-creating the dummy device does not look like a change. */
    private static Mac dummyMac(String hostName) {
        long h = hostName.hashCode() & 0xFFFF_FFFFL;
        return new Mac((0x0AL << 40) | (0x5AL << 32) | h);
    }
}
