package dev.kubepath.analysis.matrix;

import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.model.Chain;
import dev.kubepath.model.Container;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;
import dev.kubepath.model.Rule;
import dev.kubepath.model.Service;
import dev.kubepath.model.Snapshot;
import dev.kubepath.model.Socket;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.PrefixTable;
import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Whole-cluster reachability: for every host and every destination class (pod subnet, ClusterIP:port,
 * NodeIP:nodePort) the verdict the per-flow tracer gives, computed by factoring the network instead of tracing
 * every flow.
 *
 * <p>The factoring: each host is reduced to a signature of everything the tracer reads from it, written relative to
 * the host itself (its own underlay address, its bridge and flannel subnets), leaving out the flannel entries for
 * other subnets (route, neighbour, FDB) and the IPVS table. Those are compared per (host, subnet) with what flannel
 * writes from the subnet's lease: canonical, missing, or something else. A flow's class is then (signature of the
 * sender, signature of the host holding the destination, the state of the sender's entries for the destination's
 * subnet, the state of the destination host's entries for the sender's flannel subnet, a few equalities) and for a
 * service, the classes of each real server's path and where it sits in its subnet. One flow of each class is traced
 * with {@link DataPlane#trace}; its verdict and endpoint coverage stand for the class. Anything the factoring cannot
 * vouch for (an entry that is neither canonical nor missing, an underlay route that treats hosts differently, an
 * iptables DNAT, a lease pointing at another host) makes the flow a class of its own, traced by itself.
 */
public final class ReachabilityMatrix {
    private static final String VXLAN_DEV = "flannel.1";
    private static final int UNIQUE = -1, OWN = 8, NONE = 9;

    private final Snapshot snapshot;
    private final DataPlane dataPlane;
    private final List<Host> hosts;
    private final Map<String, Integer> hostIndex = new HashMap<>();
    private final Ipv4[] hostAddr;
    private final Map<Integer, Integer> underlayOwner = new HashMap<>();

    private final List<Prefix> subnets = new ArrayList<>();
    private final LongIntMap subnetIndex = new LongIntMap(1024);
    private final PrefixTable<Integer> subnetTable = new PrefixTable<>();
    private final LongIntMap gatewayIndex = new LongIntMap(1024);
    private final LongIntMap macIndex = new LongIntMap(1024);
    private final Lease[] leaseOf;
    private final int[] owner;
    private final Ipv4[] target;
    private final boolean[] subnetUnique;

    private final int[] sig;
    private final int[] flannelSubnet;
    private final boolean[] hostUnique;
    private final boolean[] backUnique;
    private final boolean[] broadOverlay;
    private final BitSet[] routeCanon, neighCanon, fdbCanon, other;
    private final int sigCount;
    /** Destination subnets' networks (unsigned, as ints) in order, with their lengths: which subnets a prefix holds. */
    private final int[] sortedSubnetNetworks;
    private final int[] sortedSubnetLengths;
    private final Map<Integer, Integer>[] containerClasses;

    private final List<Frontend> frontends = new ArrayList<>();
    private final Map<Object, Outcome> outcomes = new ConcurrentHashMap<>();
    private final Map<Object, Integer> keyIds = new ConcurrentHashMap<>();

    /** A service port with its ClusterIP and, when it has one, its NodePort. */
    record Frontend(String service, Protocol protocol, SocketAddress clusterIp, int nodePort) {
        Destination.NodePort at(String node, Ipv4 ip) {
            return new Destination.NodePort(service, clusterIp.port(), node, new SocketAddress(ip, nodePort));
        }
    }

    private record PodKey(int sigB, int sigY, int devBS, int devYF, int flags, long unique) {}
    /** A real server: the class of the path to its subnet, what sits at its address there, its port and method. */
    private record RealKey(int path, int container, int port, String forward) {}
    private record ServiceKey(int sigB, boolean clusterIp, boolean local, boolean inClusterCidr, boolean hasVs,
                              List<RealKey> reals, long unique) {}
    private record NodePortKey(int sigA, int sigB, boolean self, int service, long unique) {}

    private ReachabilityMatrix(Snapshot snapshot) {
        this.snapshot = snapshot;
        this.dataPlane = new DataPlane(snapshot);
        this.hosts = snapshot.hosts();
        int n = hosts.size();
        hostAddr = new Ipv4[n];
        for (int i = 0; i < n; i++) {
            Host h = hosts.get(i);
            hostIndex.put(h.name(), i);
            hostAddr[i] = underlayAddress(h);
            for (IfAddress a : h.addresses()) {
                Link l = h.link(a.dev()).orElse(null);
                boolean wire = l == null || l.kind() instanceof LinkKind.Ethernet || l.kind() instanceof LinkKind.Veth;
                if (wire) underlayOwner.putIfAbsent(a.ip().bits(), i);
            }
        }
        // destination subnets: every leased subnet and every bridge subnet
        Map<Prefix, Integer> bridgeOwner = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Host h = hosts.get(i);
            for (IfAddress a : h.addresses()) {
                Link l = h.link(a.dev()).orElse(null);
                if (l != null && l.kind() instanceof LinkKind.Bridge && a.prefixLength() < 32) bridgeOwner.putIfAbsent(a.prefix(), i);
            }
        }
        List<Lease> leases = snapshot.cluster().leases() == null ? List.of() : snapshot.cluster().leases();
        Map<Prefix, Lease> leaseBySubnet = new HashMap<>();
        for (Lease l : leases) {
            leaseBySubnet.putIfAbsent(l.subnet(), l);
            addSubnet(l.subnet());
        }
        for (Prefix p : bridgeOwner.keySet()) addSubnet(p);
        int d = subnets.size();
        leaseOf = new Lease[d];
        owner = new int[d];
        target = new Ipv4[d];
        subnetUnique = new boolean[d];
        for (int s = 0; s < d; s++) {
            Prefix p = subnets.get(s);
            leaseOf[s] = leaseBySubnet.get(p);
            Integer o = bridgeOwner.get(p);
            if (o == null && leaseOf[s] != null) o = underlayOwner.get(leaseOf[s].publicIp().bits());
            owner[s] = o == null ? -1 : o;
            subnetTable.put(p, s);
            gatewayIndex.putIfAbsent(p.network().unsigned(), s);
            if (leaseOf[s] != null && leaseOf[s].vtepMac() != null) {
                if (macIndex.putIfAbsent(leaseOf[s].vtepMac().bits(), s) >= 0) subnetUnique[s] = true;
            }
            target[s] = p.address(1);
            if (owner[s] >= 0) {
                Ipv4 best = null;
                for (Container c : hosts.get(owner[s]).containers()) {
                    if (p.contains(c.ip()) && (best == null || c.ip().compareTo(best) < 0)) best = c.ip();
                }
                if (best != null) target[s] = best;
            }
            // a lease whose PublicIP is not the host holding the subnet sends its traffic to a third host
            if (owner[s] < 0) subnetUnique[s] = true;
            else if (leaseOf[s] != null && !Integer.valueOf(owner[s]).equals(underlayOwner.get(leaseOf[s].publicIp().bits()))) subnetUnique[s] = true;
        }
        for (int s = 0; s < d; s++) if (gatewayIndex.get(subnets.get(s).network().unsigned()) != s) subnetUnique[s] = true;
        subnetTable.freeze();
        List<Prefix> bySubnet = new ArrayList<>(subnets);
        bySubnet.sort(null);
        sortedSubnetNetworks = bySubnet.stream().mapToInt(p -> (int) p.network().unsigned()).toArray();
        sortedSubnetLengths = bySubnet.stream().mapToInt(Prefix::length).toArray();

        @SuppressWarnings("unchecked")
        Map<Integer, Integer>[] cc = new Map[n];
        containerClasses = cc;
        sig = new int[n];
        flannelSubnet = new int[n];
        hostUnique = new boolean[n];
        backUnique = new boolean[n];
        broadOverlay = new boolean[n];
        routeCanon = new BitSet[n];
        neighCanon = new BitSet[n];
        fdbCanon = new BitSet[n];
        other = new BitSet[n];
        int[] sortedAddrs = Arrays.stream(hostAddr).filter(a -> a != null).mapToInt(a -> (int) a.unsigned()).sorted().toArray();
        Map<String, Integer> sigIds = new HashMap<>();
        // hosts are independent: each fills its own slots of the per-host arrays
        List<String> sigs = java.util.stream.IntStream.range(0, n).parallel().mapToObj(i -> scan(i, sortedAddrs)).toList();
        for (int i = 0; i < n; i++) sig[i] = sigIds.computeIfAbsent(sigs.get(i), k -> sigIds.size());
        sigCount = sigIds.size();
        for (int y = 0; y < n; y++) {
            Map<Integer, Integer> m = new HashMap<>();
            for (Container c : hosts.get(y).containers()) {
                StringBuilder sb = new StringBuilder(c.bridge()).append(' ').append(c.prefixLength()).append(' ').append(c.server() != null);
                for (Socket so : c.listeners()) sb.append(' ').append(so.protocol()).append(' ').append(so.ip().equals(c.ip()) ? "self" : so.ip().toString()).append(':').append(so.port());
                m.putIfAbsent(c.ip().bits(), id(sb.toString()));
            }
            containerClasses[y] = m;
        }

        for (Service svc : snapshot.cluster().services()) {
            if (svc.clusterIp() == null) continue;
            for (Service.Port p : svc.ports()) {
                if (p.protocol() != Protocol.TCP) continue;
                frontends.add(new Frontend(svc.key(), p.protocol(), new SocketAddress(svc.clusterIp(), p.port()), p.nodePort()));
            }
        }
    }

    public static ReachabilityMatrix of(Snapshot snapshot) {
        return new ReachabilityMatrix(snapshot);
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public DataPlane dataPlane() {
        return dataPlane;
    }

    /** How many distinct host signatures the snapshot reduces to. */
    public int hostClasses() {
        return sigCount;
    }

    /** How many flows have been traced so far (one per class met). */
    public int traced() {
        return outcomes.size();
    }

    private static long prefixKey(Prefix p) {
        return (p.network().unsigned() << 6) | p.length();
    }

    private int subnetIndex(Prefix p) {
        return subnetIndex.get(prefixKey(p));
    }

    private void addSubnet(Prefix p) {
        if (subnetIndex.putIfAbsent(prefixKey(p), subnets.size()) >= 0) return;
        subnets.add(p);
    }

    /** The host's address on the underlay: the first on an ethernet device, else the first not on loopback. */
    private static Ipv4 underlayAddress(Host h) {
        for (IfAddress a : h.addresses()) {
            Link l = h.link(a.dev()).orElse(null);
            if (l != null && l.kind() instanceof LinkKind.Ethernet) return a.ip();
        }
        for (IfAddress a : h.addresses()) if ((a.ip().bits() >>> 24) != 127) return a.ip();
        return null;
    }

    private int subnetOf(Ipv4 ip) {
        List<Integer> m = subnetTable.longestMatch(ip);
        return m.isEmpty() ? -1 : m.get(0);
    }

    // ---- per-host reduction ------------------------------------------------------------------------------------

    /** Fills the per-subnet entry states of host i and returns its signature. */
    private String scan(int i, int[] sortedAddrs) {
        Host h = hosts.get(i);
        int d = subnets.size();
        BitSet rc = new BitSet(d), nc = new BitSet(d), fc = new BitSet(d), ot = new BitSet(d);
        routeCanon[i] = rc;
        neighCanon[i] = nc;
        fdbCanon[i] = fc;
        other[i] = ot;
        Ipv4 vxAddr = null;
        Link vx = null;
        for (Link l : h.links()) if (l.kind() instanceof LinkKind.Vxlan && vx == null) vx = l;
        if (vx != null) vxAddr = h.primaryAddress(vx.name()).orElse(null);
        int fSub = vxAddr == null ? -1 : subnetOf(vxAddr);
        flannelSubnet[i] = fSub;
        int bSub = -1;
        for (IfAddress a : h.addresses()) {
            Link l = h.link(a.dev()).orElse(null);
            if (l != null && l.kind() instanceof LinkKind.Bridge && a.prefixLength() < 32) {
                bSub = subnetIndex(a.prefix());
                break;
            }
        }
        // answers to this host's flannel address go where the lease of its subnet points: elsewhere, only a trace can say
        if (fSub >= 0 && leaseOf[fSub] != null && !Integer.valueOf(i).equals(underlayOwner.get(leaseOf[fSub].publicIp().bits()))) {
            backUnique[i] = true;
        }
        Rel rel = new Rel(hostAddr[i], bSub < 0 ? null : subnets.get(bSub), fSub < 0 ? null : subnets.get(fSub));
        StringBuilder sb = new StringBuilder(256);
        sb.append(h.known()).append('|');
        sb.append(h.sysctls().getOrDefault(Host.IP_FORWARD, "")).append('|');
        sb.append(bSub == fSub ? "B=F" : "B!=F").append('|');
        for (Link l : h.links()) {
            sb.append(l.name()).append(' ').append(l.mtu()).append(l.up() ? " up" : " down");
            if (l.kind() instanceof LinkKind.Vxlan x) {
                sb.append(" vxlan ").append(x.vni()).append(' ').append(x.port()).append(' ').append(rel.ip(x.local()))
                        .append(' ').append(x.underlayDev()).append(x.learning());
                sb.append(" macB=").append(bSub >= 0 && leaseOf[bSub] != null && l.mac() != null && l.mac().equals(leaseOf[bSub].vtepMac()));
                sb.append(" macF=").append(fSub >= 0 && leaseOf[fSub] != null && l.mac() != null && l.mac().equals(leaseOf[fSub].vtepMac()));
                sb.append(" mac=").append(l.mac() == null);
            } else {
                sb.append(' ').append(l.kind().getClass().getSimpleName());
            }
            sb.append(';');
        }
        sb.append('|');
        for (IfAddress a : h.addresses()) {
            if (a.dev().equals("kube-ipvs0")) continue; // service addresses: part of each service's class
            sb.append(a.dev()).append(' ').append(rel.ip(a.ip())).append('/').append(a.prefixLength()).append(';');
        }
        sb.append('|');
        sb.append(hostAddr[i] != null && snapshot.cluster().clusterCidr().map(c -> c.contains(hostAddr[i])).orElse(false)).append('|');
        boolean ownS;
        for (Route r : h.routes()) {
            if (!Route.MAIN.equals(r.table())) continue;
            int s = subnetIndex(r.dst());
            if (s >= 0 && owner[s] != i) {
                if (canonicalRoute(r, s)) {
                    if (rc.get(s)) ot.set(s);
                    rc.set(s);
                } else {
                    ot.set(s);
                }
                continue;
            }
            if (s < 0) {
                int inside = subnetOf(r.dst().network());
                if (inside >= 0 && subnets.get(inside).contains(r.dst()) && owner[inside] != i) {
                    ot.set(inside);
                    continue;
                }
                if (coversSubnet(r.dst()) && (r.via() == null || isVxlan(h, r.dev()) || underlayOwner.containsKey(r.via().bits()))) {
                    broadOverlay[i] = true;
                }
                long lo = r.dst().network().unsigned(), hi = r.dst().broadcast().unsigned();
                int count = countIn(sortedAddrs, lo, hi);
                if (count > 0 && count < sortedAddrs.length) hostUnique[i] = true; // an underlay route for some hosts only
            }
            sb.append(r.type()).append(' ').append(rel.prefix(r.dst())).append(" via ").append(rel.ip(r.via())).append(' ')
                    .append(r.dev()).append(' ').append(r.metric()).append(' ').append(rel.ip(r.src())).append(';');
        }
        sb.append('|');
        for (Neighbour nb : h.neighbours()) {
            int s = gatewayIndex.get(nb.ip().unsigned());
            if (s >= 0 && owner[s] != i) {
                if (canonicalNeighbour(nb, s)) {
                    if (nc.get(s)) ot.set(s);
                    nc.set(s);
                } else {
                    ot.set(s);
                }
                continue;
            }
            sb.append(rel.ip(nb.ip())).append(' ').append(nb.dev()).append(' ').append(nb.mac()).append(' ').append(nb.state()).append(';');
        }
        sb.append('|');
        for (FdbEntry e : h.fdb()) {
            int s = macIndex.get(e.mac().bits());
            if (s >= 0 && owner[s] != i) {
                if (canonicalFdb(e, s)) {
                    if (fc.get(s)) ot.set(s);
                    fc.set(s);
                } else {
                    ot.set(s);
                }
                continue;
            }
            sb.append(e.mac()).append(' ').append(e.dev()).append(' ').append(rel.ip(e.dst())).append(';');
        }
        sb.append('|');
        for (Chain c : h.chains()) {
            sb.append(c).append(';');
            for (Rule r : c.rules()) {
                if (r.target() instanceof Rule.Target.Dnat) hostUnique[i] = true; // iptables-mode services
                if (splitsSubnet(r.match().src()) || splitsSubnet(r.match().dst())) hostUnique[i] = true;
            }
        }
        sb.append('|');
        for (Socket s : h.sockets()) sb.append(s.protocol()).append(' ').append(rel.ip(s.ip())).append(':').append(s.port()).append(';');
        sb.append('|');
        for (Container c : h.containers()) {
            sb.append(c.bridge()).append(' ').append(rel.ip(c.ip())).append(' ').append(c.server() != null);
            for (Socket s : c.listeners()) sb.append(' ').append(s.protocol()).append(' ').append(rel.ip(s.ip())).append(':').append(s.port());
            sb.append(';');
        }
        return sb.toString();
    }

    /** A rule prefix that tells pods of one subnet apart. */
    private boolean splitsSubnet(Prefix p) {
        if (p == null) return false;
        int s = subnetOf(p.network());
        return s >= 0 && p.length() > subnets.get(s).length();
    }

    private static boolean isVxlan(Host h, String dev) {
        return dev != null && h.link(dev).map(l -> l.kind() instanceof LinkKind.Vxlan).orElse(false);
    }

    /** Whether a route's prefix holds a whole destination subnet: one of the sorted subnet networks lies inside it. */
    private boolean coversSubnet(Prefix p) {
        int a = lowerBound(sortedSubnetNetworks, p.network().unsigned()), b = lowerBound(sortedSubnetNetworks, p.broadcast().unsigned() + 1);
        for (int k = a; k < b; k++) if (sortedSubnetLengths[k] >= p.length()) return true;
        return false;
    }

    private static int countIn(int[] sorted, long lo, long hi) {
        int a = lowerBound(sorted, lo), b = lowerBound(sorted, hi + 1);
        return b - a;
    }

    private static int lowerBound(int[] sorted, long v) {
        int lo = 0, hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Integer.toUnsignedLong(sorted[mid]) < v) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private boolean canonicalRoute(Route r, int s) {
        Prefix p = subnets.get(s);
        return leaseOf[s] != null && r.type() == Route.Type.UNICAST && r.via() != null && p.network().bits() == r.via().bits()
                && VXLAN_DEV.equals(r.dev()) && r.src() == null;
    }

    private boolean canonicalNeighbour(Neighbour nb, int s) {
        return leaseOf[s] != null && VXLAN_DEV.equals(nb.dev()) && nb.mac() != null && leaseOf[s].vtepMac() != null
                && nb.mac().bits() == leaseOf[s].vtepMac().bits()
                && nb.state() != Neighbour.State.FAILED && nb.state() != Neighbour.State.INCOMPLETE;
    }

    private boolean canonicalFdb(FdbEntry e, int s) {
        return leaseOf[s] != null && VXLAN_DEV.equals(e.dev()) && e.dst() != null && leaseOf[s].publicIp().bits() == e.dst().bits();
    }

    /** Writes addresses relative to one host, so that hosts alike but for their own addresses share a signature. */
    private record Rel(Ipv4 self, Prefix bridge, Prefix flannel) {
        String ip(Ipv4 ip) {
            if (ip == null) return "-";
            if (ip.equals(self)) return "H";
            if (bridge != null && bridge.contains(ip)) return "B+" + (ip.unsigned() - bridge.network().unsigned());
            if (flannel != null && flannel.contains(ip)) return "F+" + (ip.unsigned() - flannel.network().unsigned());
            return ip.toString();
        }

        String prefix(Prefix p) {
            return ip(p.network()) + "/" + p.length();
        }
    }

    // ---- classes of flows ----------------------------------------------------------------------------------------

    /** The state of host h's flannel entries for subnet s: a small code, or UNIQUE when only a trace can tell. */
    private int entryState(int h, int s) {
        if (s < 0) return NONE;
        if (owner[s] == h) return OWN;
        if (other[h].get(s)) return UNIQUE;
        int code = (routeCanon[h].get(s) ? 0 : 1) | (neighCanon[h].get(s) ? 0 : 2) | (fdbCanon[h].get(s) ? 0 : 4);
        if ((code & 1) != 0 && broadOverlay[h]) return UNIQUE;
        return code;
    }

    /**
     * The class of a flow from host b to a pod address in subnet s, as a small number among b's classes
     * (destination signature, entry states, equalities), or -1 when the flow is a class of its own.
     */
    private int podCode(int b, int s) {
        int y = owner[s];
        if (y < 0 || subnetUnique[s] || hostUnique[b] || hostUnique[y] || backUnique[b]) return -1;
        int dbs = entryState(b, s);
        int f = flannelSubnet[b];
        int dyf = entryState(y, f);
        if (dbs == UNIQUE || dyf == UNIQUE) return -1;
        int flags = (b == y ? 1 : 0) | (s == f ? 2 : 0) | (f >= 0 && owner[f] == b ? 4 : 0) | (f >= 0 && owner[f] == y ? 8 : 0);
        return ((sig[y] * 10 + dbs) * 10 + dyf) * 16 + flags;
    }

    /** The class of a flow from host b to a pod address in subnet s (also the path to a real server there). */
    private Object podKey(int b, int s) {
        int code = podCode(b, s);
        if (code < 0) return new PodKey(-1, -1, -1, -1, -1, (long) b * subnets.size() + s);
        return new PodKey(sig[b], code / 1600, (code / 160) % 10, (code / 16) % 10, code % 16, -1);
    }

    private int id(Object key) {
        Integer v = keyIds.get(key);
        if (v != null) return v;
        synchronized (keyIds) {
            return keyIds.computeIfAbsent(key, k -> keyIds.size());
        }
    }

    /** One host's service frontends indexed: its virtual servers and local addresses, built once per query batch. */
    final class HostServices {
        final int host;
        final Map<Long, VirtualServer> vs = new HashMap<>();
        final Set<Integer> local = new HashSet<>();

        HostServices(int host) {
            this.host = host;
            Host h = hosts.get(host);
            for (VirtualServer v : h.virtualServers()) vs.put(vsKey(v.protocol(), v.address()), v);
            for (IfAddress a : h.addresses()) local.add(a.ip().bits());
        }
    }

    private static long vsKey(Protocol p, SocketAddress a) {
        return ((long) p.ordinal() << 48) | (a.ip().unsigned() << 16) | a.port();
    }

    private Object serviceKey(HostServices hs, Protocol protocol, SocketAddress frontend, boolean clusterIp, long uniqueTag) {
        int b = hs.host;
        if (hostUnique[b]) return new ServiceKey(-1, clusterIp, false, false, false, List.of(), uniqueTag);
        VirtualServer v = hs.vs.get(vsKey(protocol, frontend));
        boolean local = hs.local.contains(frontend.ip().bits()) || (frontend.ip().bits() >>> 24) == 127;
        boolean inCidr = snapshot.cluster().clusterCidr().map(c -> c.contains(frontend.ip())).orElse(false);
        List<RealKey> reals = List.of();
        if (v != null) {
            RealKey[] rk = new RealKey[v.reals().size()];
            for (int k = 0; k < rk.length; k++) {
                VirtualServer.RealServer r = v.reals().get(k);
                int s = subnetOf(r.address().ip());
                if (s < 0) return new ServiceKey(-1, clusterIp, false, false, false, List.of(), uniqueTag);
                Object pk = podKey(b, s);
                if (pk instanceof PodKey p && p.unique() >= 0) return new ServiceKey(-1, clusterIp, false, false, false, List.of(), uniqueTag);
                rk[k] = new RealKey(id(pk), containerClass(owner[s], r.address().ip()), r.address().port(), r.forward());
            }
            reals = List.of(rk);
        }
        return new ServiceKey(sig[b], clusterIp, local, inCidr, v != null, reals, -1);
    }

    /**
     * What the tracer finds at a pod address on its host: whether a pod has it and what listens there, as an id.
     * Hosts whose filter rules name addresses inside a pod subnet are classed per flow (hostUnique), so the address
     * itself matters no further.
     */
    private int containerClass(int y, Ipv4 ip) {
        return containerClasses[y].getOrDefault(ip.bits(), -1);
    }

    private Outcome outcome(Object key, String from, Destination to) {
        Outcome o = outcomes.get(key);
        if (o != null) return o;
        Trace t = dataPlane.trace(from, to.probe());
        Outcome fresh = Outcome.of(t);
        Outcome prev = outcomes.putIfAbsent(key, fresh);
        return prev != null ? prev : fresh;
    }

    // ---- the destinations and single flows --------------------------------------------------------------------

    public List<String> hostNames() {
        return hosts.stream().map(Host::name).toList();
    }

    public List<Destination.PodSubnet> podSubnets() {
        List<Destination.PodSubnet> out = new ArrayList<>();
        for (int s = 0; s < subnets.size(); s++) out.add(new Destination.PodSubnet(subnets.get(s), target[s], owner[s] < 0 ? null : hosts.get(owner[s]).name()));
        return out;
    }

    public List<Destination.ClusterIp> clusterIps() {
        return frontends.stream().map(f -> new Destination.ClusterIp(f.service(), f.clusterIp())).toList();
    }

    /** Every NodeIP:nodePort: each service port with a NodePort on the underlay address of each host. */
    public List<Destination.NodePort> nodePorts() {
        List<Destination.NodePort> out = new ArrayList<>();
        for (Frontend f : frontends) {
            if (f.nodePort() <= 0) continue;
            for (int b = 0; b < hosts.size(); b++) {
                if (hostAddr[b] != null) out.add(f.at(hosts.get(b).name(), hostAddr[b]));
            }
        }
        return out;
    }

    public List<Destination> destinations() {
        List<Destination> out = new ArrayList<>(podSubnets());
        out.addAll(clusterIps());
        out.addAll(nodePorts());
        return out;
    }

    /** The matrix cell for one flow; {@code to} must be one of {@link #destinations()}. */
    public Flow flow(String from, Destination to) {
        Integer a = hostIndex.get(from);
        if (a == null) throw new IllegalArgumentException("unknown host '" + from + "'");
        return flow(a, to, new HostServicesCache());
    }

    /** Keeps the last host's service index: flows are asked host by host. */
    final class HostServicesCache {
        private HostServices last;

        HostServices of(int b) {
            if (last == null || last.host != b) last = new HostServices(b);
            return last;
        }
    }

    private Flow flow(int a, Destination to, HostServicesCache cache) {
        String from = hosts.get(a).name();
        Object key = switch (to) {
            case Destination.PodSubnet p -> {
                int s = subnetIndex(p.subnet());
                if (s < 0) throw new IllegalArgumentException("not a pod subnet of this snapshot: " + p.subnet());
                yield podKey(a, s);
            }
            case Destination.ClusterIp c -> serviceKey(cache.of(a), Protocol.TCP, c.address(), true, uniqueTag(a, c.address()));
            case Destination.NodePort np -> {
                Integer b = hostIndex.get(np.node());
                if (b == null) throw new IllegalArgumentException("unknown node '" + np.node() + "'");
                yield nodePortKey(a, b, id(serviceKey(cache.of(b), Protocol.TCP, np.address(), false, uniqueTag(b, np.address()))), np.address());
            }
        };
        Outcome o = outcome(key, from, to);
        return new Flow(from, to, o.verdict(), o.endpoints(), o.reason());
    }

    private long uniqueTag(int host, SocketAddress frontend) {
        return ((long) host << 48) ^ vsKey(Protocol.TCP, frontend);
    }

    private Object nodePortKey(int a, int b, int serviceId, SocketAddress frontend) {
        if (hostUnique[a] || hostUnique[b]) return new NodePortKey(-1, -1, a == b, -1, ((long) a << 32 | b) * 31 + uniqueTag(b, frontend));
        return new NodePortKey(sig[a], sig[b], a == b, serviceId, -1);
    }

    /** Every flow, host by host; meant for clusters small enough to list (a few hundred hosts). */
    public void forEachFlow(Consumer<Flow> sink) {
        List<Destination> all = destinations();
        HostServicesCache cache = new HostServicesCache();
        for (int a = 0; a < hosts.size(); a++) for (Destination d : all) sink.accept(flow(a, d, cache));
    }

    /** How many flows the matrix has, without listing them. */
    public long flowCount() {
        long n = hosts.size();
        long nodePortFrontends = frontends.stream().filter(f -> f.nodePort() > 0).count() * Arrays.stream(hostAddr).filter(x -> x != null).count();
        return n * (subnets.size() + frontends.size() + nodePortFrontends);
    }

    // ---- the whole matrix, by classes -------------------------------------------------------------------------

    /** Listener for long runs: called with hosts done and hosts in all. */
    public interface Progress {
        void done(int hostsDone, int hostsTotal);

        Progress NONE = (a, b) -> { };
    }

    /**
     * Counts every flow of the matrix by verdict and coverage, tracing one flow per class. Pod and ClusterIP flows
     * are classed host by host; NodePort flows from every host to node b fall into the classes of (signature of the
     * sender, class of b's frontend), so they are counted per signature, not per sender.
     */
    public Summary summarize(Progress progress) {
        long t0 = System.nanoTime();
        int n = hosts.size();
        int[] perSig = new int[sigCount];
        List<Integer> uniqueSenders = new ArrayList<>();
        int[] firstOfSig = new int[sigCount];
        Arrays.fill(firstOfSig, -1);
        for (int a = 0; a < n; a++) {
            if (hostUnique[a]) uniqueSenders.add(a);
            else perSig[sig[a]]++;
            if (firstOfSig[sig[a]] < 0 && !hostUnique[a]) firstOfSig[sig[a]] = a;
        }
        List<Destination.PodSubnet> podDests = podSubnets();
        // hosts are dealt out to the cores; each keeps its own counts, merged at the end
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 16));
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        List<Summary.Counts[]> parts = java.util.stream.IntStream.range(0, threads).parallel().mapToObj(t -> {
        Summary.Counts pods = new Summary.Counts(), cips = new Summary.Counts(), nps = new Summary.Counts();
        HostServicesCache cache = new HostServicesCache();
        // per class number of a pod flow: how many subnets, the first one; reset after each host
        int[] podCount = new int[sigCount * 1600], podFirst = new int[sigCount * 1600], touchedCodes = new int[sigCount * 1600];
        for (int b = t; b < n; b += threads) {
            // pod subnets from b: counted by class number, one traced flow per class
            String from = hosts.get(b).name();
            int touched = 0;
            for (int s = 0; s < subnets.size(); s++) {
                int code = podCode(b, s);
                if (code < 0) {
                    pods.add(outcome(podKey(b, s), from, podDests.get(s)), 1);
                    continue;
                }
                if (podCount[code]++ == 0) {
                    podFirst[code] = s;
                    touchedCodes[touched++] = code;
                }
            }
            for (int k = 0; k < touched; k++) {
                int code = touchedCodes[k];
                pods.add(outcome(podKey(b, podFirst[code]), from, podDests.get(podFirst[code])), podCount[code]);
                podCount[code] = 0;
            }
            HostServices hs = cache.of(b);
            Map<Object, long[]> cipClasses = new HashMap<>();
            Map<Object, Destination> cipFirst = new HashMap<>();
            Map<Integer, long[]> npClasses = new HashMap<>();
            Map<Integer, Destination.NodePort> npFirst = new HashMap<>();
            for (Frontend f : frontends) {
                Object ck = serviceKey(hs, Protocol.TCP, f.clusterIp(), true, uniqueTag(b, f.clusterIp()));
                long[] c = cipClasses.get(ck);
                if (c == null) {
                    cipClasses.put(ck, c = new long[1]);
                    cipFirst.put(ck, new Destination.ClusterIp(f.service(), f.clusterIp()));
                }
                c[0]++;
                if (f.nodePort() <= 0 || hostAddr[b] == null) continue;
                SocketAddress addr = new SocketAddress(hostAddr[b], f.nodePort());
                int sk = id(serviceKey(hs, Protocol.TCP, addr, false, uniqueTag(b, addr)));
                long[] c2 = npClasses.get(sk);
                if (c2 == null) {
                    npClasses.put(sk, c2 = new long[1]);
                    npFirst.put(sk, f.at(from, hostAddr[b]));
                }
                c2[0]++;
            }
            cipClasses.forEach((k, c) -> cips.add(outcome(k, from, cipFirst.get(k)), c[0]));
            if (!hostUnique[b]) {
                for (Map.Entry<Integer, long[]> e : npClasses.entrySet()) {
                    int sk = e.getKey();
                    long times = e.getValue()[0];
                    Destination.NodePort np = npFirst.get(sk);
                    // senders of each signature, the node itself apart
                    for (int g = 0; g < sigCount; g++) {
                        int count = perSig[g] - (g == sig[b] ? 1 : 0);
                        if (count == 0) continue;
                        int a = firstOfSig[g] != b ? firstOfSig[g] : firstOther(g, b);
                        nps.add(outcome(nodePortKey(a, b, sk, np.address()), hosts.get(a).name(), np), count * times);
                    }
                    nps.add(outcome(nodePortKey(b, b, sk, np.address()), from, np), times);
                }
            }
            // senders (or a node) that are classes of their own: flow by flow
            if (hostUnique[b] || !uniqueSenders.isEmpty()) {
                for (Frontend f : frontends) {
                    if (f.nodePort() <= 0 || hostAddr[b] == null) continue;
                    SocketAddress addr = new SocketAddress(hostAddr[b], f.nodePort());
                    Destination.NodePort np = f.at(from, hostAddr[b]);
                    int sk = id(serviceKey(hs, Protocol.TCP, addr, false, uniqueTag(b, addr)));
                    for (int a = 0; a < n; a++) {
                        if (hostUnique[b] || (hostUnique[a] && a != b)) {
                            nps.add(outcome(nodePortKey(a, b, sk, addr), hosts.get(a).name(), np), 1);
                        }
                    }
                }
            }
            progress.done(done.incrementAndGet(), n);
        }
        return new Summary.Counts[] {pods, cips, nps};
        }).toList();
        Summary.Counts pods = new Summary.Counts(), cips = new Summary.Counts(), nps = new Summary.Counts();
        for (Summary.Counts[] part : parts) {
            pods.merge(part[0]);
            cips.merge(part[1]);
            nps.merge(part[2]);
        }
        Map<String, Summary.Counts> byKind = new LinkedHashMap<>();
        byKind.put("podSubnet", pods);
        byKind.put("clusterIp", cips);
        byKind.put("nodePort", nps);
        long flows = pods.total() + cips.total() + nps.total();
        return new Summary(n, subnets.size(), frontends.size(), (int) nodePorts().size(), byKind, flows, outcomes.size(),
                (System.nanoTime() - t0) / 1e9);
    }

    private int firstOther(int g, int b) {
        for (int a = 0; a < hosts.size(); a++) if (a != b && sig[a] == g && !hostUnique[a]) return a;
        throw new IllegalStateException("no other host of signature " + g);
    }
}
