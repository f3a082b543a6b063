package dev.kubepath.analysis.matrix;

import dev.kubepath.dataplane.Inference;
import dev.kubepath.model.Chain;
import dev.kubepath.model.Container;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.PartIndex;
import dev.kubepath.model.Route;
import dev.kubepath.model.Rule;
import dev.kubepath.model.SharedList;
import dev.kubepath.model.Snapshot;
import dev.kubepath.model.Socket;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.PrefixTable;
import dev.kubepath.net.Protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;

/**
 * Each host reduced to what the tracer reads from it, written relative to the host itself (its own underlay
 * address, its bridge and flannel subnets) so that hosts alike but for their own addresses share a signature; and
 * apart from the signature, the state of the host's flannel entries (route, neighbour, FDB) for every destination
 * subnet, compared with what flannel writes from the subnet's lease: a small code per (host, subnet), held as a
 * byte matrix and its transpose, since the matrix reads it both by row (the sender's entries) and by column (every
 * destination host's entries for the sender's own subnet). Anything the reduction cannot vouch for (an entry that
 * is neither canonical nor missing, an underlay route that treats hosts differently, an iptables DNAT, a lease
 * pointing at another host) is marked so that the matrix traces those flows one by one.
 */
final class HostReduction {
    static final String VXLAN_DEV = "flannel.1";
    /** Entry states besides the 0..7 codes (bit 1: route missing, 2: neighbour missing, 4: FDB missing). */
    static final byte UNIQUE = -1, OWN = 8, NONE = 9;
    private static final byte OTHER = 0x10; // while scanning: an entry that is neither canonical nor missing
    private static final int NO_SUBNET = -1, NOT_LOOKED_AT = -2;

    final Snapshot snapshot;
    final List<Host> hosts;
    final int n;
    final Map<String, Integer> hostIndex = new HashMap<>();
    final Ipv4[] hostAddr;
    private final Map<Integer, Integer> underlayOwner = new HashMap<>();

    final List<Prefix> subnets = new ArrayList<>();
    private final LongIntMap subnetIndex;
    private final PrefixTable<Integer> subnetTable;
    private final LongIntMap gatewayIndex;
    private final LongIntMap macIndex;
    private final Lease[] leaseOf;
    final int[] owner;
    final Ipv4[] target;
    final boolean[] subnetUnique;
    private final int[] sortedSubnetNetworks;
    private final int[] sortedSubnetLengths;

    final int[] sig;
    final int sigCount;
    /** Each host's signature as the scan wrote it, before any label: a relabelled reduction starts from these. */
    private final List<String> signatures;
    final int[] flannelSubnet;
    final boolean[] hostUnique;
    final boolean[] backUnique;
    private final boolean[] broadOverlay;
    /** state[h][s]: host h's flannel entries for subnet s; stateBySubnet[s][h] the same, transposed. */
    private final byte[][] state;
    private final byte[][] stateBySubnet;
    /** Per host, its pods' addresses (sorted, as unsigned ints) and the class of what sits at each. */
    private final int[][] podAddresses, podClasses;
    private final Map<PodShape, Integer> podShapes;
    private final AtomicInteger nextPodShape;
    /** Chains many hosts hold (docker's and flannel's FORWARD rules), written once. */
    private final Map<Same, ChainFacts> chainFacts;
    /** Flannel codes of the parts hosts share, while hosts are scanned. */
    private Map<Same, int[]> partCodes = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    HostReduction(Snapshot snapshot) {
        this(snapshot, Map.of());
    }

    /**
     * {@code apart}: a label per host; hosts of one signature and different labels (none counts as one) get signatures
     * of their own, so that no class of flows holds, in one role, two hosts labelled differently.
     */
    // long: it fills the final per-host and per-subnet tables, which only a constructor may assign, each from the last
    HostReduction(Snapshot snapshot, Map<String, String> apart) {
        this.snapshot = snapshot;
        this.hosts = snapshot.hosts();
        n = hosts.size();
        subnetIndex = new LongIntMap(1024);
        subnetTable = new PrefixTable<>();
        gatewayIndex = new LongIntMap(1024);
        macIndex = new LongIntMap(1024);
        podShapes = new ConcurrentHashMap<>();
        nextPodShape = new AtomicInteger();
        chainFacts = new ConcurrentHashMap<>();
        hostAddr = new Ipv4[n];
        Map<Prefix, Integer> bridgeOwner = new LinkedHashMap<>();
        List<Lease> allLeases = snapshot.cluster().leases() == null ? List.of() : snapshot.cluster().leases();
        Map<Integer, List<Lease>> leasesByPublicIp = new HashMap<>();
        for (Lease l : allLeases) leasesByPublicIp.computeIfAbsent(l.publicIp().bits(), k -> new ArrayList<>()).add(l);
        Map<String, List<dev.kubepath.model.Pod>> podsByNode = new HashMap<>();
        for (var pod : snapshot.cluster().pods()) if (pod.node() != null) podsByNode.computeIfAbsent(pod.node(), k -> new ArrayList<>()).add(pod);
        for (int i = 0; i < n; i++) {
            Host h = hosts.get(i);
            hostIndex.put(h.name(), i);
            hostAddr[i] = underlayAddress(h);
            List<IfAddress> bridges = new ArrayList<>(1);
            List<Lease> own = new ArrayList<>(1);
            for (SharedList.Part<IfAddress> part : SharedList.parts(h.addresses())) {
                if (!PartIndex.mayHold(h, part, k -> k instanceof LinkKind.Ethernet || k instanceof LinkKind.Veth || k instanceof LinkKind.Bridge)) continue;
                for (IfAddress a : part.items()) {
                    Link l = h.link(a.dev()).orElse(null);
                    if (l == null || l.kind() instanceof LinkKind.Ethernet || l.kind() instanceof LinkKind.Veth) {
                        underlayOwner.putIfAbsent(a.ip().bits(), i);
                        own.addAll(leasesByPublicIp.getOrDefault(a.ip().bits(), List.of()));
                    }
                    if (l != null && l.kind() instanceof LinkKind.Bridge && a.prefixLength() < 32) bridges.add(a);
                }
            }
            // only the pod bridge is a destination: an idle docker0 beside cni0 holds no pods (rule POD_BRIDGE)
            for (IfAddress a : Inference.podBridges(h, podsByNode.getOrDefault(h.name(), List.of()), bridges, own)) bridgeOwner.putIfAbsent(a.prefix(), i);
        }
        // destination subnets: every leased subnet and every bridge subnet
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

        sig = new int[n];
        flannelSubnet = new int[n];
        hostUnique = new boolean[n];
        backUnique = new boolean[n];
        broadOverlay = new boolean[n];
        state = new byte[n][];
        podAddresses = new int[n][];
        podClasses = new int[n][];
        int[] sortedAddrs = Arrays.stream(hostAddr).filter(a -> a != null).mapToInt(a -> (int) a.unsigned()).sorted().toArray();
        // hosts are independent: each fills its own slots of the per-host arrays
        signatures = IntStream.range(0, n).parallel().mapToObj(i -> {
            podClasses(i);
            return scan(i, sortedAddrs);
        }).toList();
        sigCount = label(apart);
        partCodes = null;
        stateBySubnet = transpose(state, d);
    }

    /**
     * The same reduction with other labels: everything the scan found is shared (it does not depend on the labels),
     * only the signatures are numbered again. The doctor labels hosts with its findings after the checks, and again
     * when attributing names more hosts; scanning every host's lists once for all of them is most of the saving.
     */
    // long: a copy of every final field, which only a constructor may assign
    private HostReduction(HostReduction base, Map<String, String> apart) {
        snapshot = base.snapshot;
        hosts = base.hosts;
        n = base.n;
        hostIndex.putAll(base.hostIndex);
        hostAddr = base.hostAddr;
        underlayOwner.putAll(base.underlayOwner);
        subnets.addAll(base.subnets);
        subnetIndex = base.subnetIndex;
        subnetTable = base.subnetTable;
        gatewayIndex = base.gatewayIndex;
        macIndex = base.macIndex;
        leaseOf = base.leaseOf;
        owner = base.owner;
        target = base.target;
        subnetUnique = base.subnetUnique;
        sortedSubnetNetworks = base.sortedSubnetNetworks;
        sortedSubnetLengths = base.sortedSubnetLengths;
        flannelSubnet = base.flannelSubnet;
        hostUnique = base.hostUnique;
        backUnique = base.backUnique;
        broadOverlay = base.broadOverlay;
        state = base.state;
        stateBySubnet = base.stateBySubnet;
        podAddresses = base.podAddresses;
        podClasses = base.podClasses;
        podShapes = base.podShapes;
        nextPodShape = base.nextPodShape;
        chainFacts = base.chainFacts;
        partCodes = null;
        signatures = base.signatures;
        sig = new int[n];
        sigCount = label(apart);
    }

    HostReduction relabelled(Map<String, String> apart) {
        return new HostReduction(this, apart);
    }

    /** Numbers the signatures into {@link #sig}, hosts labelled differently apart; returns how many there are. */
    private int label(Map<String, String> apart) {
        Map<String, Integer> sigIds = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String label = apart.get(hosts.get(i).name());
            sig[i] = sigIds.computeIfAbsent(label != null ? signatures.get(i) + "\napart " + label : signatures.get(i), k -> sigIds.size());
        }
        return sigIds.size();
    }

    private static byte[][] transpose(byte[][] rows, int d) {
        int n = rows.length;
        byte[][] out = new byte[d][n];
        final int block = 64; // a block of rows and columns at a time keeps both sides in cache
        IntStream.range(0, (d + block - 1) / block).parallel().forEach(sb -> {
            for (int hb = 0; hb < n; hb += block) {
                for (int s = sb * block; s < Math.min(d, sb * block + block); s++) {
                    byte[] col = out[s];
                    for (int h = hb; h < Math.min(n, hb + block); h++) col[h] = rows[h][s];
                }
            }
        });
        return out;
    }

    private static long prefixKey(Prefix p) {
        return (p.network().unsigned() << 6) | p.length();
    }

    int subnetIndex(Prefix p) {
        return subnetIndex.get(prefixKey(p));
    }

    private void addSubnet(Prefix p) {
        if (subnetIndex.putIfAbsent(prefixKey(p), subnets.size()) >= 0) return;
        subnets.add(p);
    }

    /** The host's address on the underlay: the first on an ethernet device, else the first not on loopback. */
    private static Ipv4 underlayAddress(Host h) {
        for (SharedList.Part<IfAddress> part : SharedList.parts(h.addresses())) {
            if (!PartIndex.mayHold(h, part, k -> k instanceof LinkKind.Ethernet)) continue;
            for (IfAddress a : part.items()) {
                Link l = h.link(a.dev()).orElse(null);
                if (l != null && l.kind() instanceof LinkKind.Ethernet) return a.ip();
            }
        }
        return Inference.underlayAddress(h); // a device the listing does not show (eth0 inferred from the node's address)
    }

    int subnetOf(Ipv4 ip) {
        List<Integer> m = subnetTable.longestMatch(ip);
        return m.isEmpty() ? -1 : m.get(0);
    }

    /** The state of host h's flannel entries for subnet s: a code 0..7, OWN, NONE, or UNIQUE when only a trace can tell. */
    int entryState(int h, int s) {
        return s < 0 ? NONE : state[h][s];
    }

    /** The states of every host's entries for subnet s, by host. */
    byte[] entriesFor(int s) {
        return stateBySubnet[s];
    }

    /** The states of host h's entries, by subnet. */
    byte[] entriesOf(int h) {
        return state[h];
    }

    /** The subnets each host holds (its bridge's, and a lease's with no bridge there), by host. */
    int[][] ownedSubnets() {
        int[] count = new int[n];
        for (int y : owner) if (y >= 0) count[y]++;
        int[][] out = new int[n][];
        for (int h = 0; h < n; h++) out[h] = new int[count[h]];
        for (int s = 0; s < owner.length; s++) if (owner[s] >= 0) out[owner[s]][--count[owner[s]]] = s;
        return out;
    }

    /**
     * What the tracer finds at a pod address on its host: whether a pod has it and what listens there, as an id.
     * Hosts whose filter rules name addresses inside a pod subnet are classed per flow (hostUnique), so the address
     * itself matters no further.
     */
    int containerClass(int y, Ipv4 ip) {
        int k = Arrays.binarySearch(podAddresses[y], (int) (ip.unsigned() ^ 0x80000000L));
        return k < 0 ? -1 : podClasses[y][k];
    }

    /** What the tracer reads of a pod: its bridge and prefix, whether it serves, what listens (on its own address: "self"). */
    private record PodShape(String bridge, int prefixLength, boolean server, List<Listener> listeners) {}

    private record Listener(Protocol protocol, Ipv4 ipUnlessSelf, int port) {}

    private void podClasses(int i) {
        List<Container> pods = hosts.get(i).containers();
        long[] byAddress = new long[pods.size()];
        int[] ids = new int[pods.size()];
        PodShape last = null;
        int lastId = -1;
        for (int k = 0; k < byAddress.length; k++) {
            Container c = pods.get(k);
            List<Listener> listeners = new ArrayList<>(c.listeners().size());
            for (Socket so : c.listeners()) listeners.add(new Listener(so.protocol(), so.ip().equals(c.ip()) ? null : so.ip(), so.port()));
            PodShape shape = new PodShape(c.bridge(), c.prefixLength(), c.server() != null, listeners);
            if (!shape.equals(last)) { // pods of a host are mostly alike: one lookup for a run of them
                last = shape;
                lastId = podShapes.computeIfAbsent(shape, x -> nextPodShape.getAndIncrement());
            }
            ids[k] = lastId;
            byAddress[k] = (c.ip().unsigned() << 32) | k;
        }
        Arrays.sort(byAddress); // by address; at one address the pod listed last, which is the one the tracer finds
        int[] addresses = new int[byAddress.length], classes = new int[byAddress.length];
        int m = 0;
        for (long e : byAddress) {
            int address = (int) ((e >>> 32) ^ 0x80000000L); // sign-flipped so that signed order is the unsigned one
            if (m > 0 && addresses[m - 1] == address) m--;
            addresses[m] = address;
            classes[m++] = ids[(int) e];
        }
        podAddresses[i] = Arrays.copyOf(addresses, m);
        podClasses[i] = Arrays.copyOf(classes, m);
    }

    // ---- one host's scan ------------------------------------------------------------------------------------------

    /** Fills host i's row of entry states and its flags, and returns its signature. */
    private String scan(int i, int[] sortedAddrs) {
        Host h = hosts.get(i);
        int d = subnets.size();
        byte[] row = new byte[d];
        Arrays.fill(row, (byte) 7);
        Link vx = null;
        for (Link l : h.links()) if (l.kind() instanceof LinkKind.Vxlan && vx == null) vx = l;
        Ipv4 vxAddr = vx == null ? null : h.primaryAddress(vx.name()).orElse(null);
        int fSub = vxAddr == null ? -1 : subnetOf(vxAddr);
        flannelSubnet[i] = fSub;
        int bSub = bridgeSubnet(h);
        // answers to this host's flannel address go where the lease of its subnet points: elsewhere, only a trace can say
        if (fSub >= 0 && leaseOf[fSub] != null && !Integer.valueOf(i).equals(underlayOwner.get(leaseOf[fSub].publicIp().bits()))) {
            backUnique[i] = true;
        }
        Rel rel = new Rel(hostAddr[i], bSub < 0 ? null : subnets.get(bSub), fSub < 0 ? null : subnets.get(fSub));
        StringBuilder sb = new StringBuilder(256);
        sb.append(h.known()).append('|');
        sb.append(h.sysctls().getOrDefault(Host.IP_FORWARD, "")).append('|');
        sb.append(bSub == fSub ? "B=F" : "B!=F").append('|');
        links(h, rel, bSub, fSub, sb);
        sb.append('|');
        addresses(h, rel, sb);
        sb.append('|');
        sb.append(hostAddr[i] != null && snapshot.cluster().clusterCidr().map(c -> c.contains(hostAddr[i])).orElse(false)).append('|');
        routes(i, h, row, rel, sortedAddrs, sb);
        sb.append('|');
        neighbours(i, h, row, rel, sb);
        sb.append('|');
        fdb(i, h, row, rel, sb);
        sb.append('|');
        rulesSocketsPods(i, h, rel, sb);
        for (int s = 0; s < d; s++) {
            int code = row[s];
            if (owner[s] == i) row[s] = OWN;
            else if ((code & OTHER) != 0 || ((code & 1) != 0 && broadOverlay[i])) row[s] = UNIQUE;
        }
        state[i] = row;
        return sb.toString();
    }

    /**
     * What each entry of a part is to flannel, whoever holds it: 2s+1 the entry flannel writes for subnet s, 2s
     * another entry for subnet s, NO_SUBNET an entry for no destination subnet, NOT_LOOKED_AT one the tracer does
     * not read. Parts that hosts share (the flannel entries every node holds) are classified once.
     */
    private <T> int[] flannelCodes(List<T> list, SharedList.Part<T> part, ToIntFunction<T> classify) {
        if (!(list instanceof SharedList)) return classify(part.items(), classify);
        return partCodes.computeIfAbsent(new Same(part), k -> classify(part.items(), classify));
    }

    private static <T> int[] classify(List<T> items, ToIntFunction<T> classify) {
        int[] out = new int[items.size()];
        for (int k = 0; k < out.length; k++) out[k] = classify.applyAsInt(items.get(k));
        return out;
    }

    private int routeCode(Route r) {
        if (!Route.MAIN.equals(r.table())) return NOT_LOOKED_AT;
        int s = subnetIndex(r.dst());
        return s < 0 ? NO_SUBNET : 2 * s + (canonicalRoute(r, s) ? 1 : 0);
    }

    private int neighbourCode(Neighbour nb) {
        int s = gatewayIndex.get(nb.ip().unsigned());
        return s < 0 ? NO_SUBNET : 2 * s + (canonicalNeighbour(nb, s) ? 1 : 0);
    }

    private int fdbCode(FdbEntry e) {
        int s = macIndex.get(e.mac().bits());
        return s < 0 ? NO_SUBNET : 2 * s + (canonicalFdb(e, s) ? 1 : 0);
    }


    // The parts of a host's scan, each a method of its own: one method of all of them takes the JIT compiler
    // seconds, which a single run of the matrix pays.

    private void links(Host h, Rel rel, int bSub, int fSub, StringBuilder sb) {
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
    }

    private static void addresses(Host h, Rel rel, StringBuilder sb) {
        for (SharedList.Part<IfAddress> part : SharedList.parts(h.addresses())) {
            // service addresses on kube-ipvs0 are part of each service's class, not of the host's
            if (PartIndex.devices(part).equals(Set.of("kube-ipvs0"))) continue;
            for (IfAddress a : part.items()) {
                if (a.dev().equals("kube-ipvs0")) continue;
                sb.append(a.dev()).append(' ').append(rel.ip(a.ip())).append('/').append(a.prefixLength()).append(';');
            }
        }
    }

    private void routes(int i, Host h, byte[] row, Rel rel, int[] sortedAddrs, StringBuilder sb) {
        for (SharedList.Part<Route> part : SharedList.parts(h.routes())) {
            for (int k : markFlannelEntries(h.routes(), part, this::routeCode, row, 1, i)) {
                Route r = part.items().get(k);
                int c = routeCode(r);
                if (c < 0) {
                    int inside = subnetOf(r.dst().network());
                    if (inside >= 0 && subnets.get(inside).contains(r.dst()) && owner[inside] != i) {
                        row[inside] |= OTHER;
                        continue;
                    }
                    if (coversSubnet(r.dst()) && (r.connected() || isVxlan(h, r.dev()) || r.via() != null && underlayOwner.containsKey(r.via().bits()))) {
                        broadOverlay[i] = true;
                    }
                    long lo = r.dst().network().unsigned(), hi = r.dst().broadcast().unsigned();
                    int count = countIn(sortedAddrs, lo, hi);
                    if (count > 0 && count < sortedAddrs.length) hostUnique[i] = true; // an underlay route for some hosts only
                }
                sb.append(r.type()).append(' ').append(rel.prefix(r.dst())).append(" via ").append(rel.ip(r.via())).append(r.gatewayUnknown() ? " named " + r.gatewayName() : "").append(' ')
                        .append(r.dev()).append(' ').append(r.metric()).append(' ').append(rel.ip(r.src())).append(';');
            }
        }
    }

    private void neighbours(int i, Host h, byte[] row, Rel rel, StringBuilder sb) {
        for (SharedList.Part<Neighbour> part : SharedList.parts(h.neighbours())) {
            for (int k : markFlannelEntries(h.neighbours(), part, this::neighbourCode, row, 2, i)) {
                Neighbour nb = part.items().get(k);
                sb.append(rel.ip(nb.ip())).append(' ').append(nb.dev()).append(' ').append(nb.mac()).append(' ').append(nb.state()).append(';');
            }
        }
    }

    private void fdb(int i, Host h, byte[] row, Rel rel, StringBuilder sb) {
        for (SharedList.Part<FdbEntry> part : SharedList.parts(h.fdb())) {
            for (int k : markFlannelEntries(h.fdb(), part, this::fdbCode, row, 4, i)) {
                FdbEntry e = part.items().get(k);
                sb.append(e.mac()).append(' ').append(e.dev()).append(' ').append(rel.ip(e.dst())).append(';');
            }
        }
    }

    private void rulesSocketsPods(int i, Host h, Rel rel, StringBuilder sb) {
        for (Chain c : h.chains()) {
            ChainFacts facts = chainFacts.computeIfAbsent(new Same(c), k -> chainFacts(c));
            sb.append(facts.text()).append(';');
            if (facts.perFlow()) hostUnique[i] = true;
        }
        sb.append('|');
        for (Socket s : h.sockets()) sb.append(s.protocol()).append(' ').append(rel.ip(s.ip())).append(':').append(s.port()).append(';');
        sb.append('|');
        for (Container c : h.containers()) {
            sb.append(c.bridge()).append(' ').append(rel.ip(c.ip())).append(' ').append(c.server() != null);
            for (Socket s : c.listeners()) sb.append(' ').append(s.protocol()).append(' ').append(rel.ip(s.ip())).append(':').append(s.port());
            sb.append(';');
        }
    }

    private static final int[] NONE_LEFT = {};

    /**
     * Marks host i's row with a part's entries for other hosts' subnets (all but a few, on every host: a small
     * method of its own, which the JIT compiles early) and returns the indexes of the entries left for the
     * signature: those for no subnet or for the host's own.
     */
    private <T> int[] markFlannelEntries(List<T> list, SharedList.Part<T> part, ToIntFunction<T> classify, byte[] row, int missingBit, int i) {
        // a slice of a part hosts share reads the codes of the whole
        int from = part.whole() != null ? part.offset() : 0, size = part.items().size();
        int[] codes = flannelCodes(list, part.whole() != null ? part.whole() : part, classify);
        int[] rest = null;
        int n = 0;
        for (int k = 0; k < size; k++) {
            int c = codes[from + k];
            if (c == NOT_LOOKED_AT) continue;
            if (c >= 0 && owner[c >> 1] != i) {
                mark(row, c >> 1, missingBit, (c & 1) != 0);
                continue;
            }
            if (rest == null) rest = new int[size - k];
            rest[n++] = k;
        }
        return rest == null ? NONE_LEFT : Arrays.copyOf(rest, n);
    }

    /** A canonical entry clears its "missing" bit; a second one, or one that is not canonical, is something else. */
    private static void mark(byte[] row, int s, int missingBit, boolean canonical) {
        if (canonical && (row[s] & missingBit) != 0) row[s] &= (byte) ~missingBit;
        else row[s] |= OTHER;
    }

    private int bridgeSubnet(Host h) {
        for (SharedList.Part<IfAddress> part : SharedList.parts(h.addresses())) {
            if (!PartIndex.mayHold(h, part, k -> k instanceof LinkKind.Bridge)) continue;
            for (IfAddress a : part.items()) {
                Link l = h.link(a.dev()).orElse(null);
                if (l != null && l.kind() instanceof LinkKind.Bridge && a.prefixLength() < 32) return subnetIndex(a.prefix());
            }
        }
        return -1;
    }

    /** A chain as the signature writes it, and whether its rules make a host's flows classes of their own. */
    private record ChainFacts(String text, boolean perFlow) {}

    private ChainFacts chainFacts(Chain c) {
        boolean perFlow = false;
        for (Rule r : c.rules()) {
            if (r.target() instanceof Rule.Target.Dnat) perFlow = true; // iptables-mode services
            if (splitsSubnet(r.match().src()) || splitsSubnet(r.match().dst())) perFlow = true;
        }
        return new ChainFacts(c.toString(), perFlow);
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
        return lowerBound(sorted, hi + 1) - lowerBound(sorted, lo);
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
}
