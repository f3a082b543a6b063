package dev.kubepath.analysis.matrix;

import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.NodePortServers;
import dev.kubepath.model.PartIndex;
import dev.kubepath.model.Service;
import dev.kubepath.model.SharedList;
import dev.kubepath.model.Snapshot;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;

import static dev.kubepath.analysis.matrix.HostReduction.NONE;
import static dev.kubepath.analysis.matrix.HostReduction.UNIQUE;

/**
 * Whole-cluster reachability: for every host and every destination class (pod subnet, ClusterIP:port,
 * NodeIP:nodePort) the verdict the per-flow tracer gives, computed by factoring the network instead of tracing
 * every flow.
 *
 * <p>The factoring ({@link HostReduction}): each host is a signature plus the state of its flannel entries for
 * every subnet. A pod flow's class is (signature of the sender, signature of the host holding the destination, the
 * state of the sender's entries for the destination's subnet, the state of the destination host's entries for the
 * sender's flannel subnet, a few equalities); as a small number, its "pod code". A service flow's class is the
 * sender's signature, what its IPVS table and addresses hold for the frontend ({@link View}), and the pod classes of
 * the paths to each real server. One flow of each class is traced with {@link DataPlane#trace}; its verdict and
 * endpoint coverage stand for the class.
 *
 * <p>Classing every pair would still cost 25 million pod codes and 50 million service keys at 5,000 hosts and
 * 10,000 services. Instead, each signature has a {@link Reference} (what three of its hosts see), and a host's pod
 * codes are looked at only where its rows differ from the reference's (its own subnets, its faults). Hosts of one
 * signature and one view form a {@link Group} whose service classes are worked out once, frontend by frontend, from
 * the reference's pod codes: a host takes the group's counts and re-classes just the frontends with a real server
 * in a subnet where it differs. NodePort flows to a node are the node's service classes times the senders of each
 * signature. docs/matrix.md tells the whole of it.
 */
public final class ReachabilityMatrix {
    /** A host whose pod codes differ from its signature's reference in more subnets than this is classed on its own. */
    private static final int MAX_EXCEPTIONS = 512;

    private final HostReduction r;
    private final DataPlane dataPlane;
    private final List<Frontend> frontends = new ArrayList<>();
    private final Map<Long, Integer> frontendByClusterIp = new HashMap<>();
    private final Map<String, Integer> frontendByServicePort = new HashMap<>();
    private final boolean[] clusterIpInCidr;
    private final boolean[] nodeInCidr;
    /** Frontends with a NodePort, and hosts with an underlay address: NodePort destinations are their product. */
    private final int[] nodePortFrontends;
    private final int[] nodes;
    private final Set<Integer> clusterIpAddresses = new HashSet<>();

    private final Map<Object, Outcome> outcomes = new ConcurrentHashMap<>();
    private final Map<Object, Integer> keyIds = new ConcurrentHashMap<>();
    private final Map<List<Object>, View> views = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<View> hostViews;
    private final Map<Object, int[]> realSubnets = new ConcurrentHashMap<>();
    private final Map<GroupKey, Group> groups = new ConcurrentHashMap<>();
    private final Map<Long, Summary.Counts> nodePortExpansions = new ConcurrentHashMap<>();

    /** A service port with its ClusterIP and, when it has one, its NodePort. */
    record Frontend(String service, Protocol protocol, SocketAddress clusterIp, int nodePort) {
        Destination.NodePort at(String node, Ipv4 ip) {
            return new Destination.NodePort(service, clusterIp.port(), node, new SocketAddress(ip, nodePort), protocol);
        }

        Destination.ClusterIp clusterIpDestination() {
            return new Destination.ClusterIp(service, clusterIp, protocol);
        }
    }

    private record PodKey(int sigB, int sigY, int devBS, int devYF, int flags, long unique) {}
    /**
     * A real server: the class of the path to its subnet (the pod code: with the sender's signature, which the
     * service key holds, it is the pod flow's class), what sits at its address there, its port and method.
     */
    private record RealKey(int path, int container, int port, String forward) implements Comparable<RealKey> {
        private static final Comparator<RealKey> ORDER = Comparator.comparingInt(RealKey::path).thenComparingInt(RealKey::container)
                .thenComparingInt(RealKey::port).thenComparing(RealKey::forward, Comparator.nullsFirst(String::compareTo));

        @Override
        public int compareTo(RealKey o) {
            return ORDER.compare(this, o);
        }
    }
    private record ServiceKey(int sigB, Protocol protocol, boolean clusterIp, boolean local, boolean inClusterCidr, boolean hasVs,
                              List<RealKey> reals, long unique) {}
    private record NodePortKey(int sigA, int sigB, boolean self, int service, long unique) {}

    /**
     * What one host's IPVS table and addresses hold for each frontend: the virtual server of its ClusterIP, whether
     * the ClusterIP is a local address, the virtual server of its NodePort on the host's underlay address. Hosts
     * holding the same parts (every node in IPVS mode) share one view.
     */
    private record View(VirtualServer[] clusterIp, BitSet local, VirtualServer[] nodePort) {}

    private ReachabilityMatrix(Snapshot snapshot, Map<String, String> apart) {
        this(new DataPlane(snapshot), apart);
    }

    // the hosts are reduced as the tracer sees them, with the inference rules' facts: a node whose eth0 address only
    // a rule gives (a bundle of ifconfig docker0 alone) is still a NodePort destination
    private ReachabilityMatrix(DataPlane dataPlane, Map<String, String> apart) {
        this(new HostReduction(dataPlane.snapshot(), apart), dataPlane);
    }

    private ReachabilityMatrix(HostReduction reduction, DataPlane dataPlane) {
        this.r = reduction;
        this.dataPlane = dataPlane;
        Snapshot snapshot = reduction.snapshot;
        for (Service svc : snapshot.cluster().services()) {
            if (svc.clusterIp() == null) continue;
            for (Service.Port p : svc.ports()) {
                if (p.protocol() == Protocol.ICMP) continue;
                Frontend f = new Frontend(svc.key(), p.protocol(), new SocketAddress(svc.clusterIp(), p.port()), p.nodePort());
                frontendByClusterIp.putIfAbsent(frontendKey(f.clusterIp(), f.protocol()), frontends.size());
                frontendByServicePort.putIfAbsent(f.service() + ":" + p.port() + "/" + f.protocol(), frontends.size());
                clusterIpAddresses.add(svc.clusterIp().bits());
                frontends.add(f);
            }
        }
        var cidr = snapshot.cluster().clusterCidr();
        clusterIpInCidr = new boolean[frontends.size()];
        for (int f = 0; f < frontends.size(); f++) clusterIpInCidr[f] = cidr.isPresent() && cidr.get().contains(frontends.get(f).clusterIp().ip());
        nodeInCidr = new boolean[r.n];
        for (int b = 0; b < r.n; b++) nodeInCidr[b] = r.hostAddr[b] != null && cidr.isPresent() && cidr.get().contains(r.hostAddr[b]);
        nodePortFrontends = IntStream.range(0, frontends.size()).filter(f -> frontends.get(f).nodePort() > 0).toArray();
        nodes = IntStream.range(0, r.n).filter(b -> r.hostAddr[b] != null).toArray();
        hostViews = new AtomicReferenceArray<>(r.n);
    }

    public static ReachabilityMatrix of(Snapshot snapshot) {
        return new ReachabilityMatrix(snapshot, Map.of());
    }

    /**
     * The matrix with each host of {@code apart} a signature of its own: a class of flows then never stands for
     * flows of two of them in the same role (sender, holder of the destination, node), so that whatever is said of
     * the one flow traced for a class (the doctor's finding) holds for each flow of it.
     */
    public static ReachabilityMatrix of(Snapshot snapshot, Set<String> apart) {
        Map<String, String> own = new HashMap<>();
        for (String h : apart) own.put(h, h);
        return new ReachabilityMatrix(snapshot, own);
    }

    /**
     * The matrix with hosts labelled: hosts alike but labelled differently (a host without a label is labelled alike
     * with every other such host) are told apart, so that a class of flows holds, in each role, only hosts of one label.
     * The doctor labels a host with the findings that name it: whatever it says of one traced flow then holds for every
     * flow of its class, and hosts named by the same findings (999 hosts routing to one lost lease) stay one class.
     */
    public static ReachabilityMatrix labelled(Snapshot snapshot, Map<String, String> labels) {
        return new ReachabilityMatrix(snapshot, Map.copyOf(labels));
    }

    /**
     * This matrix's snapshot with hosts labelled as {@link #labelled} does, without reading the hosts again: the
     * reduction of every host and the data plane's indexes of the hosts traced so far are shared (neither depends on
     * the labels); the classes and their traced flows are made afresh.
     */
    public ReachabilityMatrix relabelled(Map<String, String> labels) {
        return new ReachabilityMatrix(r.relabelled(Map.copyOf(labels)), dataPlane);
    }

    public Snapshot snapshot() {
        return r.snapshot;
    }

    public DataPlane dataPlane() {
        return dataPlane;
    }

    /** How many distinct host signatures the snapshot reduces to. */
    public int hostClasses() {
        return r.sigCount;
    }

    /**
     * The class of hosts this one belongs to: its signature (hosts that hold alike state and see the cluster alike),
     * or a class of its own (-1 - its index) when its flows are classed one by one.
     */
    public int hostClass(String host) {
        Integer i = r.hostIndex.get(host);
        if (i == null) throw new IllegalArgumentException("unknown host '" + host + "'");
        return r.hostUnique[i] ? -1 - i : r.sig[i];
    }

    /** How many flows have been traced so far (one per class met). */
    public int traced() {
        return outcomes.size();
    }

    /** A frontend's address, port and protocol as one number (kube-dns has UDP and TCP on one ClusterIP:53). */
    private static long frontendKey(SocketAddress a, Protocol protocol) {
        return (((long) protocol.ordinal()) << 48) | (a.ip().unsigned() << 16) | a.port();
    }

    // ---- classes of flows ----------------------------------------------------------------------------------------

    /**
     * The class of a flow from host b to a pod address in subnet s, as a small number among b's classes
     * (destination signature, entry states, equalities), or -1 when the flow is a class of its own.
     */
    private int podCode(int b, int s) {
        int y = r.owner[s];
        if (y < 0 || r.subnetUnique[s] || r.hostUnique[b] || r.hostUnique[y] || r.backUnique[b]) return -1;
        int f = r.flannelSubnet[b];
        return podCode(b, s, y, r.entryState(b, s), f < 0 ? NONE : r.entriesFor(f)[y]);
    }

    private int podCode(int b, int s, int y, int dbs, int dyf) {
        if (dbs == UNIQUE || dyf == UNIQUE) return -1;
        int f = r.flannelSubnet[b];
        int flags = (b == y ? 1 : 0) | (s == f ? 2 : 0) | (f >= 0 && r.owner[f] == b ? 4 : 0) | (f >= 0 && r.owner[f] == y ? 8 : 0);
        return ((r.sig[y] * 10 + dbs) * 10 + dyf) * 16 + flags;
    }

    /** Every pod code of host b, subnet by subnet, into {@code row}. */
    private void podCodes(int b, int[] row) {
        int f = r.flannelSubnet[b];
        byte[] back = f < 0 ? null : r.entriesFor(f);
        boolean senderUnique = r.hostUnique[b] || r.backUnique[b];
        for (int s = 0; s < row.length; s++) {
            int y = r.owner[s];
            row[s] = y < 0 || senderUnique || r.subnetUnique[s] || r.hostUnique[y] ? -1
                    : podCode(b, s, y, r.entryState(b, s), back == null ? NONE : back[y]);
        }
    }

    /** The class of a flow from host b to a pod address in subnet s, from its pod code. */
    private PodKey podKey(int b, int s, int code) {
        if (code < 0) return new PodKey(-1, -1, -1, -1, -1, (long) b * r.subnets.size() + s);
        return new PodKey(r.sig[b], code / 1600, (code / 160) % 10, (code / 16) % 10, code % 16, -1);
    }

    private int id(Object key) {
        Integer v = keyIds.get(key);
        if (v != null) return v;
        synchronized (keyIds) {
            return keyIds.computeIfAbsent(key, k -> keyIds.size());
        }
    }

    /** The subnet of each real server of a list (-1: none), worked out once per list. */
    private int[] realSubnets(List<VirtualServer.RealServer> reals) {
        return realSubnets.computeIfAbsent(new Same(reals), k -> reals.stream().mapToInt(x -> r.subnetOf(x.address().ip())).toArray());
    }

    /**
     * The class of a flow from host b through virtual server {@code vs} (null: none), given b's pod code for each
     * subnet; {@code uniqueTag} names the flow when it is a class of its own.
     */
    private ServiceKey serviceKey(int b, int f, VirtualServer vs, boolean clusterIp, boolean local, boolean inCidr, List<RealKey> reals, long uniqueTag) {
        Protocol protocol = frontends.get(f).protocol();
        if (r.hostUnique[b] || reals == null) return new ServiceKey(-1, protocol, clusterIp, false, false, false, List.of(), uniqueTag);
        return new ServiceKey(r.sig[b], protocol, clusterIp, local, inCidr, vs != null, reals, -1);
    }

    /** The classes of the paths from host b to a virtual server's real servers; null when one is a class of its own. */
    private List<RealKey> realKeys(VirtualServer vs, IntUnaryOperator code) {
        if (vs == null) return List.of();
        int[] subnets = realSubnets(vs.reals());
        RealKey[] rk = new RealKey[subnets.length];
        for (int k = 0; k < rk.length; k++) {
            VirtualServer.RealServer real = vs.reals().get(k);
            int s = subnets[k];
            int c = s < 0 ? -1 : code.applyAsInt(s);
            if (c < 0) return null;
            rk[k] = new RealKey(c, r.containerClass(r.owner[s], real.address().ip()), real.address().port(), real.forward());
        }
        // The tracer's verdict is the first real server's when none answers, DELIVERED when any does, and its
        // coverage a count: beyond the first, which real server comes where does not matter.
        if (rk.length > 2) Arrays.sort(rk, 1, rk.length);
        return List.of(rk);
    }

    private ServiceKey clusterIpKey(int b, View v, int f, IntUnaryOperator code) {
        return clusterIpKey(b, v, f, realKeys(v.clusterIp()[f], code));
    }

    private ServiceKey clusterIpKey(int b, View v, int f, List<RealKey> reals) {
        SocketAddress a = frontends.get(f).clusterIp();
        return serviceKey(b, f, v.clusterIp()[f], true, v.local().get(f) || (a.ip().bits() >>> 24) == 127, clusterIpInCidr[f], reals, uniqueTag(b, a, frontends.get(f).protocol()));
    }

    /** The class of node b's own NodePort frontend f (the node's half of every NodePort flow to it). */
    private ServiceKey nodePortKey(int b, View v, int f, IntUnaryOperator code) {
        return nodePortKey(b, v, f, realKeys(v.nodePort()[f], code));
    }

    private ServiceKey nodePortKey(int b, View v, int f, List<RealKey> reals) {
        SocketAddress a = new SocketAddress(r.hostAddr[b], frontends.get(f).nodePort());
        return serviceKey(b, f, v.nodePort()[f], false, true, nodeInCidr[b], reals, uniqueTag(b, a, frontends.get(f).protocol()));
    }

    private static long uniqueTag(int host, SocketAddress frontend, Protocol protocol) {
        return ((long) host << 50) ^ frontendKey(frontend, protocol);
    }

    private Object nodePortFlowKey(int a, int b, int serviceId, SocketAddress frontend, Protocol protocol) {
        if (r.hostUnique[a] || r.hostUnique[b]) return new NodePortKey(-1, -1, a == b, -1, ((long) a << 32 | b) * 31 + uniqueTag(b, frontend, protocol));
        return new NodePortKey(r.sig[a], r.sig[b], a == b, serviceId, -1);
    }

    private Outcome outcome(Object key, int from, Destination to) {
        Outcome o = outcomes.get(key);
        if (o != null) return o;
        Trace t = dataPlane.trace(r.hosts.get(from).name(), to.probe());
        Outcome fresh = Outcome.of(t, to);
        Outcome prev = outcomes.putIfAbsent(key, fresh);
        return prev != null ? prev : fresh;
    }

    // ---- what a host's IPVS table and addresses hold for the frontends ---------------------------------------------

    private static final Object SERVER_ADDRESSES = new Object();
    /** Parts this small are compared by content, so that hosts whose own few entries are alike share a view. */
    private static final int SMALL_PART = 16;

    /** Host b's view, worked out once per host (and once per set of parts hosts share). */
    private View view(int b) {
        View v = hostViews.get(b);
        if (v == null) {
            v = viewOf(b);
            hostViews.set(b, v);
        }
        return v;
    }

    private View viewOf(int b) {
        Host h = r.hosts.get(b);
        Ipv4 self = r.hostAddr[b];
        List<Object> key = new ArrayList<>();
        for (SharedList.Part<VirtualServer> part : SharedList.parts(h.virtualServers())) {
            if (part.items() instanceof NodePortServers np) {
                key.add(List.of(new Same(np.templates()), self != null && np.addresses().contains(self),
                        np.addresses().stream().filter(x -> clusterIpAddresses.contains(x.bits())).toList()));
                continue;
            }
            Set<Integer> at = part.memo(SERVER_ADDRESSES, items -> {
                Set<Integer> s = new HashSet<>();
                for (VirtualServer v : items) s.add(v.address().ip().bits());
                return s;
            });
            // a server on this host's own address answers its NodePorts: then the view is the host's alone
            boolean own = self != null && at.contains(self.bits());
            key.add(Arrays.asList(part.items().size() <= SMALL_PART ? part.items() : new Same(part), own ? self : null));
        }
        key.add("addresses");
        for (SharedList.Part<IfAddress> part : SharedList.parts(h.addresses())) {
            if (part.items().size() > SMALL_PART) {
                key.add(new Same(part));
                continue;
            }
            List<Integer> hits = new ArrayList<>();
            for (IfAddress a : part.items()) if (clusterIpAddresses.contains(a.ip().bits())) hits.add(a.ip().bits());
            key.add(hits);
        }
        View v = views.get(key);
        return v != null ? v : views.computeIfAbsent(key, k -> computeView(b));
    }

    private View computeView(int b) {
        Host h = r.hosts.get(b);
        List<SharedList.Part<VirtualServer>> servers = SharedList.parts(h.virtualServers());
        List<SharedList.Part<IfAddress>> addresses = SharedList.parts(h.addresses());
        int n = frontends.size();
        VirtualServer[] cip = new VirtualServer[n], np = new VirtualServer[n];
        BitSet local = new BitSet(n);
        for (int f = 0; f < n; f++) {
            Frontend fr = frontends.get(f);
            cip[f] = PartIndex.virtualServer(servers, fr.protocol(), fr.clusterIp().ip(), fr.clusterIp().port());
            if (PartIndex.hasAddress(addresses, fr.clusterIp().ip())) local.set(f);
            if (fr.nodePort() > 0 && r.hostAddr[b] != null) np[f] = PartIndex.virtualServer(servers, fr.protocol(), r.hostAddr[b], fr.nodePort());
        }
        return new View(cip, local, np);
    }

    // ---- the destinations and single flows --------------------------------------------------------------------

    public List<String> hostNames() {
        return r.hosts.stream().map(Host::name).toList();
    }

    public List<Destination.PodSubnet> podSubnets() {
        List<Destination.PodSubnet> out = new ArrayList<>();
        for (int s = 0; s < r.subnets.size(); s++) out.add(podSubnet(s));
        return out;
    }

    private Destination.PodSubnet podSubnet(int s) {
        return new Destination.PodSubnet(r.subnets.get(s), r.target[s], r.owner[s] < 0 ? null : r.hosts.get(r.owner[s]).name());
    }

    public List<Destination.ClusterIp> clusterIps() {
        return frontends.stream().map(Frontend::clusterIpDestination).toList();
    }

    /** How many NodeIP:nodePort destinations there are: each service port with a NodePort on every node. */
    public long nodePortCount() {
        return (long) nodePortFrontends.length * nodes.length;
    }

    /**
     * The i-th NodeIP:nodePort destination of {@link #nodePorts()}, without listing them all: they go frontend by
     * frontend, and within one over the nodes in host order, so i = frontend x nodes + node.
     */
    public Destination.NodePort nodePort(long i) {
        int b = nodes[(int) (i % nodes.length)];
        return frontends.get(nodePortFrontends[(int) (i / nodes.length)]).at(r.hosts.get(b).name(), r.hostAddr[b]);
    }

    /** Every NodeIP:nodePort: each service port with a NodePort on the underlay address of each host. */
    public List<Destination.NodePort> nodePorts() {
        List<Destination.NodePort> out = new ArrayList<>();
        for (long i = 0; i < nodePortCount(); i++) out.add(nodePort(i));
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
        Integer a = r.hostIndex.get(from);
        if (a == null) throw new IllegalArgumentException("unknown host '" + from + "'");
        Object key = switch (to) {
            case Destination.PodSubnet p -> {
                int s = r.subnetIndex(p.subnet());
                if (s < 0) throw new IllegalArgumentException("not a pod subnet of this snapshot: " + p.subnet());
                yield podKey(a, s, podCode(a, s));
            }
            case Destination.ClusterIp c -> clusterIpKey(a, view(a), frontend(frontendByClusterIp.get(frontendKey(c.address(), c.protocol())), to), s -> podCode(a, s));
            case Destination.NodePort np -> {
                Integer b = r.hostIndex.get(np.node());
                if (b == null) throw new IllegalArgumentException("unknown node '" + np.node() + "'");
                int f = frontend(frontendByServicePort.get(np.service() + ":" + np.port() + "/" + np.protocol()), to);
                yield nodePortFlowKey(a, b, id(nodePortKey(b, view(b), f, s -> podCode(b, s))), np.address(), np.protocol());
            }
        };
        Outcome o = outcome(key, a, to);
        return new Flow(from, to, o.verdict(), o.endpoints(), o.reason());
    }

    private static int frontend(Integer f, Destination to) {
        if (f == null) throw new IllegalArgumentException("not a service frontend of this snapshot: " + to.label());
        return f;
    }

    /** Every flow, host by host; meant for clusters small enough to list (a few hundred hosts). */
    public void forEachFlow(Consumer<Flow> sink) {
        List<Destination> all = destinations();
        for (String from : hostNames()) for (Destination d : all) sink.accept(flow(from, d));
    }

    /** How many flows the matrix has, without listing them. */
    public long flowCount() {
        return (long) r.n * (r.subnets.size() + frontends.size() + nodePortCount());
    }

    // ---- the whole matrix, by classes -------------------------------------------------------------------------

    /** Listener for long runs: called with hosts done and hosts in all. */
    public interface Progress {
        void done(int hostsDone, int hostsTotal);

        Progress NONE = (a, b) -> { };
    }

    /**
     * The service classes of the hosts of one signature and one view, frontend by frontend, from the reference
     * row of pod codes: a class index per frontend (-1: a class of its own per host, worked out host by host), the
     * frontends of each class, and which frontends' classes read which subnet.
     */
    private final class Group {
        /** Per frontend, the index of its class in the lists below (-1: a class of its own per host). */
        final int[] clusterIpClass, nodePortClass;
        final List<ServiceKey> clusterIpKeys = new ArrayList<>();
        final List<int[]> clusterIpMembers = new ArrayList<>();
        final List<ServiceKey> nodePortKeys = new ArrayList<>();
        final List<int[]> nodePortMembers = new ArrayList<>();
        final int[] direct;
        /** Frontends whose classes read subnet s: bySubnet[start[s] .. start[s+1]). */
        final int[] start, bySubnet;

        Group(int b, View v, int[] reference) {
            int nf = frontends.size(), d = r.subnets.size();
            IntUnaryOperator ref = s -> reference[s];
            clusterIpClass = new int[nf];
            nodePortClass = new int[nf];
            Map<ServiceKey, List<Integer>> cips = new LinkedHashMap<>(), nps = new LinkedHashMap<>();
            List<Integer> own = new ArrayList<>();
            int[] count = new int[d + 1];
            List<int[]> reads = new ArrayList<>(nf);
            boolean node = r.hostAddr[b] != null;
            ServiceKey[][] keys = IntStream.range(0, nf).parallel().mapToObj(f -> {
                VirtualServer cip = v.clusterIp()[f], np = v.nodePort()[f];
                List<RealKey> reals = realKeys(cip, ref);
                // kube-proxy gives a service's ClusterIP and NodePort servers one list of real servers: classed once
                List<RealKey> npReals = np != null && cip != null && np.reals() == cip.reals() ? reals : realKeys(np, ref);
                return new ServiceKey[] {clusterIpKey(b, v, f, reals), node && frontends.get(f).nodePort() > 0 ? nodePortKey(b, v, f, npReals) : null};
            }).toArray(ServiceKey[][]::new);
            for (int f = 0; f < nf; f++) {
                ServiceKey ck = keys[f][0], nk = keys[f][1];
                if (ck.unique() >= 0 || (nk != null && nk.unique() >= 0)) {
                    own.add(f);
                    reads.add(new int[0]);
                    continue;
                }
                cips.computeIfAbsent(ck, k -> new ArrayList<>()).add(f);
                if (nk != null) nps.computeIfAbsent(nk, k -> new ArrayList<>()).add(f);
                int[] subnets = subnetsRead(v, f);
                for (int s : subnets) count[s + 1]++;
                reads.add(subnets);
            }
            direct = own.stream().mapToInt(Integer::intValue).toArray();
            index(cips, clusterIpClass, clusterIpKeys, clusterIpMembers);
            index(nps, nodePortClass, nodePortKeys, nodePortMembers);
            start = new int[d + 1];
            for (int s = 0; s < d; s++) start[s + 1] = start[s] + count[s + 1];
            bySubnet = new int[start[d]];
            int[] fill = Arrays.copyOf(start, d);
            for (int f = 0; f < nf; f++) for (int s : reads.get(f)) bySubnet[fill[s]++] = f;
        }

        private static void index(Map<ServiceKey, List<Integer>> classes, int[] classOf, List<ServiceKey> keys, List<int[]> members) {
            Arrays.fill(classOf, -1);
            classes.forEach((k, fs) -> {
                for (int f : fs) classOf[f] = keys.size();
                keys.add(k);
                members.add(fs.stream().mapToInt(Integer::intValue).toArray());
            });
        }

        /** The subnets of frontend f's real servers, ClusterIP and NodePort, each once. */
        private int[] subnetsRead(View v, int f) {
            Set<Integer> out = new HashSet<>();
            for (VirtualServer vs : new VirtualServer[] {v.clusterIp()[f], v.nodePort()[f]}) {
                if (vs != null) for (int s : realSubnets(vs.reals())) out.add(s);
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** Hosts of one signature and view, and whether they have an underlay address (and so NodePorts). */
    private record GroupKey(int sig, boolean node, Same view) {}

    private GroupKey groupKey(int b, View v) {
        return new GroupKey(r.sig[b], r.hostAddr[b] != null, new Same(v));
    }

    /** Per thread: a host's pod codes or its differences from the reference, marks of frontends re-classed. */
    private final class Scratch {
        final int[] row = new int[r.subnets.size()];
        final int[] podCount, podFirst, touchedCodes;
        final int[] exceptions = new int[MAX_EXCEPTIONS];
        /** Subnets where the host's codes differ from the reference: marked with the stamp, with their codes. */
        final int[] subnetMark = new int[r.subnets.size()], exceptionCode = new int[r.subnets.size()];
        final int[] candidates = new int[4 * MAX_EXCEPTIONS];
        int subnetStamp;
        private int[] podLess = new int[0];
        final int[] mark = new int[frontends.size()];
        int stamp;
        final List<Integer> touched = new ArrayList<>();
        private int[] cipLess = new int[0], npLess = new int[0];

        /** Per class of a group, how many of its frontends this host re-classes: zeroed, at least {@code n} long. */
        int[] lessClusterIp(int n) {
            if (cipLess.length < n) cipLess = new int[n];
            Arrays.fill(cipLess, 0, n, 0);
            return cipLess;
        }

        int[] lessPods(int n) {
            if (podLess.length < n) podLess = new int[n];
            Arrays.fill(podLess, 0, n, 0);
            return podLess;
        }

        int[] lessNodePort(int n) {
            if (npLess.length < n) npLess = new int[n];
            Arrays.fill(npLess, 0, n, 0);
            return npLess;
        }

        Scratch() {
            int codes = r.sigCount * 1600;
            podCount = new int[codes];
            podFirst = new int[codes];
            touchedCodes = new int[codes];
        }
    }

    /**
     * Counts every flow of the matrix by verdict and coverage, tracing one flow per class. Pod flows are classed
     * by their pod codes host by host; service flows by group, as the class comment says; NodePort flows from every
     * sender to node b by (signature of the sender, class of b's frontend), counted per signature, not per sender.
     */
    // Long on purpose: one pass over pod, service and NodePort flows sharing the per-signature counters and the
    // first-flow-of-class arrays declared at its top; split, those would be passed to every part.
    public Summary summarize(Progress progress) {
        long t0 = System.nanoTime();
        int n = r.n;
        int[] perSig = new int[r.sigCount];
        int[] firstOfSig = new int[r.sigCount];
        Arrays.fill(firstOfSig, -1);
        List<Integer> uniqueSenders = new ArrayList<>();
        for (int a = 0; a < n; a++) {
            if (r.hostUnique[a]) {
                uniqueSenders.add(a);
                continue;
            }
            perSig[r.sig[a]]++;
            if (firstOfSig[r.sig[a]] < 0) firstOfSig[r.sig[a]] = a;
        }
        Reference[] references = references();
        int[][] owned = r.ownedSubnets();
        View[] views = new View[n];
        IntStream.range(0, n).parallel().forEach(b -> views[b] = view(b));
        // the groups first, each worked out frontend by frontend on every core
        for (int b = 0; b < n; b++) {
            int member = b;
            Reference reference = references[r.sig[b]];
            if (reference != null && regular(b)) groups.computeIfAbsent(groupKey(b, views[b]), k -> new Group(member, views[member], reference.codes));
        }
        // hosts are dealt out to the cores; each keeps its own counts, merged at the end
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 16));
        AtomicInteger done = new AtomicInteger();
        List<Summary.Counts[]> parts = IntStream.range(0, threads).parallel().mapToObj(t -> {
            Summary.Counts pods = new Summary.Counts(), cips = new Summary.Counts(), nps = new Summary.Counts();
            Scratch x = new Scratch();
            for (int b = t; b < n; b += threads) {
                Reference ref = references[r.sig[b]];
                int exceptions = ref != null && regular(b) ? exceptions(b, ref, x, owned) : -1;
                View v = views[b];
                IntUnaryOperator code;
                if (exceptions < 0) {
                    countPods(b, x, pods);
                    code = s -> x.row[s];
                    byClass(b, v, code, cips, nps, perSig, firstOfSig);
                } else {
                    countPods(b, ref, x, exceptions, pods);
                    int stamp = x.subnetStamp;
                    code = s -> x.subnetMark[s] == stamp ? x.exceptionCode[s] : ref.codes[s];
                    fromGroup(b, v, groups.get(groupKey(b, v)), x, exceptions, code, cips, nps, perSig, firstOfSig);
                }
                // senders (or a node) that are classes of their own: flow by flow
                if (r.hostAddr[b] != null && (r.hostUnique[b] || !uniqueSenders.isEmpty())) {
                    for (int f : nodePortFrontends) {
                        Destination.NodePort np = frontends.get(f).at(r.hosts.get(b).name(), r.hostAddr[b]);
                        int sk = id(nodePortKey(b, v, f, code));
                        for (int a = 0; a < n; a++) {
                            if (r.hostUnique[b] || (r.hostUnique[a] && a != b)) nps.add(outcome(nodePortFlowKey(a, b, sk, np.address(), np.protocol()), a, np), 1);
                        }
                    }
                }
                progress.done(done.incrementAndGet(), n);
            }
            return new Summary.Counts[] {pods, cips, nps};
        }).toList();
        Summary.Counts pods = new Summary.Counts(), cips = new Summary.Counts(), nps = new Summary.Counts();
        for (Summary.Counts[] part : parts) {
            pods.merge(part[0], 1);
            cips.merge(part[1], 1);
            nps.merge(part[2], 1);
        }
        Map<String, Summary.Counts> byKind = new LinkedHashMap<>();
        byKind.put("podSubnet", pods);
        byKind.put("clusterIp", cips);
        byKind.put("nodePort", nps);
        long flows = pods.total() + cips.total() + nps.total();
        return new Summary(n, r.subnets.size(), frontends.size(), nodePortCount(), byKind, flows, outcomes.size(),
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * What the hosts of one signature see, taken from (the majority of) three of them: the states of their flannel
     * entries by subnet, the states of each host's entries for their own flannel subnet by host, and the pod codes
     * those give a host with no special relation to the subnet; the subnets of each code. A host of the signature
     * differs from it only where its own rows differ, found by comparing the rows, not by classing every subnet.
     */
    private final class Reference {
        final byte[] entries, back;
        final int[] codes;
        /** Distinct codes (not -1), how many subnets have each, and the subnets, in order. */
        final int[] classCode;
        final int[][] classSubnets;
        final int[] classOf;
        final int[] ownCodes; // subnets whose code is -1: a class of their own for every sender

        Reference(List<Integer> members) {
            int d = r.subnets.size();
            entries = majority(members.stream().map(r::entriesOf).toList());
            back = majority(members.stream().map(m -> r.entriesFor(r.flannelSubnet[m])).toList());
            codes = new int[d];
            Map<Integer, List<Integer>> byCode = new LinkedHashMap<>();
            List<Integer> own = new ArrayList<>();
            for (int s = 0; s < d; s++) {
                int y = r.owner[s];
                // a sender with a flannel subnet of its own (flags 4), neither holding s nor being s
                codes[s] = y < 0 || r.subnetUnique[s] || r.hostUnique[y] || entries[s] == UNIQUE || back[y] == UNIQUE ? -1
                        : ((r.sig[y] * 10 + entries[s]) * 10 + back[y]) * 16 + 4;
                if (codes[s] < 0) own.add(s);
                else byCode.computeIfAbsent(codes[s], k -> new ArrayList<>()).add(s);
            }
            ownCodes = own.stream().mapToInt(Integer::intValue).toArray();
            classCode = byCode.keySet().stream().mapToInt(Integer::intValue).toArray();
            classSubnets = byCode.values().stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
            classOf = new int[d];
            Arrays.fill(classOf, -1);
            for (int k = 0; k < classSubnets.length; k++) for (int s : classSubnets[k]) classOf[s] = k;
        }

        private static byte[] majority(List<byte[]> rows) {
            byte[] x = rows.get(0).clone();
            if (rows.size() < 3) return x;
            byte[] y = rows.get(1), z = rows.get(2);
            for (int i = 0; i < x.length; i++) if (x[i] != y[i] && y[i] == z[i]) x[i] = y[i];
            return x;
        }
    }

    /** A host whose pod codes can be read off its signature's reference: its flannel subnet is its own, no flow of it is a class of its own. */
    private boolean regular(int b) {
        int f = r.flannelSubnet[b];
        return !r.hostUnique[b] && !r.backUnique[b] && f >= 0 && r.owner[f] == b;
    }

    /** A reference per signature with a regular host, null for the others. */
    private Reference[] references() {
        List<List<Integer>> members = new ArrayList<>();
        for (int g = 0; g < r.sigCount; g++) members.add(new ArrayList<>(3));
        for (int a = 0; a < r.n; a++) if (regular(a) && members.get(r.sig[a]).size() < 3) members.get(r.sig[a]).add(a);
        return members.parallelStream().map(m -> m.isEmpty() ? null : new Reference(m)).toArray(Reference[]::new);
    }

    /**
     * Host b's pod codes where they differ from the reference, into the scratch (subnets and codes, marked);
     * returns how many, or -1 when they are too many. Only where b's rows differ can its codes: b's own subnets,
     * the subnets whose entries on b differ from the reference's, and those of the hosts whose entries for b's
     * flannel subnet differ from the reference's.
     */
    private int exceptions(int b, Reference ref, Scratch x, int[][] owned) {
        int stamp = ++x.subnetStamp;
        int n = 0;
        int[] candidates = x.candidates;
        int c = 0;
        if (owned[b].length + 1 > candidates.length) return -1;
        for (int s : owned[b]) candidates[c++] = s;
        candidates[c++] = r.flannelSubnet[b];
        byte[] mine = r.entriesOf(b), back = r.entriesFor(r.flannelSubnet[b]);
        for (int i = 0, k; i < mine.length && (k = Arrays.mismatch(mine, i, mine.length, ref.entries, i, mine.length)) >= 0; i += k + 1) {
            if (c == candidates.length) return -1;
            candidates[c++] = i + k;
        }
        for (int i = 0, k; i < back.length && (k = Arrays.mismatch(back, i, back.length, ref.back, i, back.length)) >= 0; i += k + 1) {
            for (int s : owned[i + k]) {
                if (c == candidates.length) return -1;
                candidates[c++] = s;
            }
        }
        for (int k = 0; k < c; k++) {
            int s = candidates[k];
            if (x.subnetMark[s] == stamp) continue;
            int code = podCode(b, s);
            if (code == ref.codes[s]) continue;
            if (n == MAX_EXCEPTIONS) return -1;
            x.subnetMark[s] = stamp;
            x.exceptionCode[s] = code;
            x.exceptions[n++] = s;
        }
        return n;
    }

    /** Host b's pod flows from its reference: each class less the subnets where b differs, and those one by one. */
    private void countPods(int b, Reference ref, Scratch x, int exceptions, Summary.Counts pods) {
        int[] less = x.lessPods(ref.classCode.length);
        for (int e = 0; e < exceptions; e++) {
            int s = x.exceptions[e];
            if (ref.classOf[s] >= 0) less[ref.classOf[s]]++;
            pods.add(outcome(podKey(b, s, x.exceptionCode[s]), b, podSubnet(s)), 1);
        }
        for (int k = 0; k < ref.classCode.length; k++) {
            int[] subnets = ref.classSubnets[k];
            if (less[k] == subnets.length) continue;
            int s = 0;
            for (int t : subnets) if (x.subnetMark[t] != x.subnetStamp) { s = t; break; }
            pods.add(outcome(podKey(b, s, ref.classCode[k]), b, podSubnet(s)), subnets.length - less[k]);
        }
        for (int s : ref.ownCodes) if (x.subnetMark[s] != x.subnetStamp) pods.add(outcome(podKey(b, s, -1), b, podSubnet(s)), 1);
    }

    /** Host b's pod flows subnet by subnet, for a host without a reference to lean on; its codes stay in the scratch. */
    private void countPods(int b, Scratch x, Summary.Counts pods) {
        podCodes(b, x.row);
        int touched = 0;
        for (int s = 0; s < x.row.length; s++) {
            int code = x.row[s];
            if (code < 0) {
                pods.add(outcome(podKey(b, s, code), b, podSubnet(s)), 1);
                continue;
            }
            if (x.podCount[code]++ == 0) {
                x.podFirst[code] = s;
                x.touchedCodes[touched++] = code;
            }
        }
        for (int k = 0; k < touched; k++) {
            int code = x.touchedCodes[k];
            int s = x.podFirst[code];
            pods.add(outcome(podKey(b, s, code), b, podSubnet(s)), x.podCount[code]);
            x.podCount[code] = 0;
        }
    }

    /** Host b's service flows classed frontend by frontend, for a host without a group to lean on. */
    private void byClass(int b, View v, IntUnaryOperator code, Summary.Counts cips, Summary.Counts nps, int[] perSig, int[] firstOfSig) {
        Map<ServiceKey, int[]> cipClasses = new HashMap<>(), npClasses = new HashMap<>();
        for (int f = 0; f < frontends.size(); f++) {
            tally(cipClasses, clusterIpKey(b, v, f, code), f);
            if (r.hostAddr[b] != null && frontends.get(f).nodePort() > 0) tally(npClasses, nodePortKey(b, v, f, code), f);
        }
        cipClasses.forEach((k, c) -> cips.add(outcome(k, b, frontends.get(c[1]).clusterIpDestination()), c[0]));
        if (!r.hostUnique[b]) npClasses.forEach((k, c) -> nps.merge(nodePortFlows(b, k, c[1], perSig, firstOfSig), c[0]));
    }

    /** Counts one more frontend of a class, remembering the first: {count, first frontend}. */
    private static void tally(Map<ServiceKey, int[]> classes, ServiceKey k, int f) {
        int[] c = classes.computeIfAbsent(k, x -> new int[] {0, f});
        c[0]++;
    }

    /**
     * Host b's service flows from its group: the group's classes, less the frontends whose real servers sit in a
     * subnet where b's pod codes differ from the reference, which are classed again with b's own codes.
     */
    private void fromGroup(int b, View v, Group g, Scratch x, int exceptions, IntUnaryOperator code, Summary.Counts cips, Summary.Counts nps,
                           int[] perSig, int[] firstOfSig) {
        int stamp = ++x.stamp;
        x.touched.clear();
        for (int e = 0; e < exceptions; e++) {
            int s = x.exceptions[e];
            for (int k = g.start[s]; k < g.start[s + 1]; k++) {
                int f = g.bySubnet[k];
                if (x.mark[f] != stamp) {
                    x.mark[f] = stamp;
                    x.touched.add(f);
                }
            }
        }
        for (int f : g.direct) {
            if (x.mark[f] != stamp) {
                x.mark[f] = stamp;
                x.touched.add(f);
            }
        }
        boolean node = r.hostAddr[b] != null && !r.hostUnique[b];
        int[] cipLess = x.lessClusterIp(g.clusterIpKeys.size()), npLess = x.lessNodePort(g.nodePortKeys.size());
        for (int f : x.touched) {
            if (g.clusterIpClass[f] >= 0) cipLess[g.clusterIpClass[f]]++;
            if (g.nodePortClass[f] >= 0) npLess[g.nodePortClass[f]]++;
        }
        for (int c = 0; c < g.clusterIpKeys.size(); c++) {
            int[] members = g.clusterIpMembers.get(c);
            if (cipLess[c] < members.length) {
                cips.add(outcome(g.clusterIpKeys.get(c), b, frontends.get(firstUnmarked(members, x.mark, stamp)).clusterIpDestination()), members.length - cipLess[c]);
            }
        }
        if (node) {
            for (int c = 0; c < g.nodePortKeys.size(); c++) {
                int[] members = g.nodePortMembers.get(c);
                if (npLess[c] < members.length) {
                    nps.merge(nodePortFlows(b, g.nodePortKeys.get(c), firstUnmarked(members, x.mark, stamp), perSig, firstOfSig), members.length - npLess[c]);
                }
            }
        }
        for (int f : x.touched) {
            cips.add(outcome(clusterIpKey(b, v, f, code), b, frontends.get(f).clusterIpDestination()), 1);
            if (node && frontends.get(f).nodePort() > 0) nps.merge(nodePortFlows(b, nodePortKey(b, v, f, code), f, perSig, firstOfSig), 1);
        }
    }

    private static int firstUnmarked(int[] members, int[] mark, int stamp) {
        for (int f : members) if (mark[f] != stamp) return f;
        return -1;
    }

    /**
     * Every sender's flow to NodePort frontend f of node b, whose class at b is {@code sk}: one traced flow per
     * sender signature, counted for every sender of it; the same for every node of b's signature and every
     * frontend of that class, so kept. Senders that are classes of their own are counted elsewhere.
     */
    private Summary.Counts nodePortFlows(int b, ServiceKey sk, int f, int[] perSig, int[] firstOfSig) {
        int service = id(sk);
        long key = ((long) r.sig[b] << 32) | service;
        Summary.Counts c = nodePortExpansions.get(key);
        if (c != null) return c;
        Destination.NodePort np = frontends.get(f).at(r.hosts.get(b).name(), r.hostAddr[b]);
        Summary.Counts out = new Summary.Counts();
        for (int g = 0; g < r.sigCount; g++) {
            int count = perSig[g] - (g == r.sig[b] ? 1 : 0);
            if (count == 0) continue;
            int a = firstOfSig[g] != b ? firstOfSig[g] : firstOther(g, b);
            out.add(outcome(nodePortFlowKey(a, b, service, np.address(), np.protocol()), a, np), count);
        }
        out.add(outcome(nodePortFlowKey(b, b, service, np.address(), np.protocol()), b, np), 1);
        Summary.Counts prev = nodePortExpansions.putIfAbsent(key, out);
        return prev != null ? prev : out;
    }

    private int firstOther(int g, int b) {
        for (int a = 0; a < r.n; a++) if (a != b && r.sig[a] == g && !r.hostUnique[a]) return a;
        throw new IllegalStateException("no other host of signature " + g);
    }
}
