package dev.kubepath.doctor;

import dev.kubepath.model.Cluster;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster's leases, pods and nodes indexed once for the checks, which look every host up in them: without it
 * each host is compared with every lease and every pod (5,000 hosts x 5,000 leases x 150,000 pods).
 * Lease positions are those of {@code cluster.leases()}, so that what is found keeps the listing's order.
 */
final class ClusterIndex {
    private final List<Lease> leases;
    private final Map<Ipv4, int[]> leasesByPublicIp = new HashMap<>();
    private final Map<Object, int[]> leasesByNetwork = new HashMap<>(), leasesByMac = new HashMap<>();
    /** Lease positions sorted by subnet network (unsigned), for the leases inside a route's prefix. */
    private final int[] byNetwork;
    private final long[] networks;
    /** The leases' subnets as (network << 6 | length), sorted: is a prefix inside a lease, with no Prefix made. */
    private final long[] subnets;
    private final Map<String, List<Pod>> podsByNode = new HashMap<>();
    private final Map<String, int[]> nodesByName = new HashMap<>();
    private final Map<Ipv4, int[]> nodesByIp = new HashMap<>();
    private final List<Node> nodes;

    ClusterIndex(Cluster cluster) {
        leases = cluster.leases() == null ? List.of() : cluster.leases();
        for (int i = 0; i < leases.size(); i++) {
            Lease l = leases.get(i);
            leasesByPublicIp.merge(l.publicIp(), new int[] {i}, ClusterIndex::concat);
            leasesByNetwork.merge(l.subnet().network(), new int[] {i}, ClusterIndex::concat);
            if (l.vtepMac() != null) leasesByMac.merge(l.vtepMac(), new int[] {i}, ClusterIndex::concat);
        }
        Integer[] order = new Integer[leases.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Long.compare(leases.get(a).subnet().network().unsigned(), leases.get(b).subnet().network().unsigned()));
        byNetwork = new int[order.length];
        networks = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            byNetwork[i] = order[i];
            networks[i] = leases.get(order[i]).subnet().network().unsigned();
        }
        subnets = leases.stream().mapToLong(l -> subnetKey(l.subnet().network().unsigned(), l.subnet().length())).sorted().toArray();
        for (Pod p : cluster.pods()) if (p.node() != null) podsByNode.computeIfAbsent(p.node(), k -> new ArrayList<>()).add(p);
        nodes = cluster.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            nodesByName.merge(n.name(), new int[] {i}, ClusterIndex::concat);
            if (n.internalIp() != null) nodesByIp.merge(n.internalIp(), new int[] {i}, ClusterIndex::concat);
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** The leases whose PublicIP is one of these addresses, in the listing's order. */
    List<Lease> leasesOf(List<Ipv4> addresses) {
        BitSet at = leasePositionsOf(addresses);
        List<Lease> out = new ArrayList<>();
        for (int i = at.nextSetBit(0); i >= 0; i = at.nextSetBit(i + 1)) out.add(leases.get(i));
        return out;
    }

    /** The positions of the leases whose PublicIP is one of these addresses. */
    BitSet leasePositionsOf(List<Ipv4> addresses) {
        BitSet at = new BitSet();
        for (Ipv4 ip : addresses) for (int i : leasesByPublicIp.getOrDefault(ip, NONE)) at.set(i);
        return at;
    }

    /** The positions of the leases whose subnet's network address is this one (a neighbour entry's gateway). */
    int[] leasesAtNetwork(Object ip) {
        return leasesByNetwork.getOrDefault(ip, NONE);
    }

    /** The positions of the leases announcing this VtepMAC. */
    int[] leasesWithMac(Object mac) {
        return leasesByMac.getOrDefault(mac, NONE);
    }

    private static final int[] NONE = new int[0];

    /** The pods scheduled on this node, as listed. */
    List<Pod> podsOn(String node) {
        return podsByNode.getOrDefault(node, List.of());
    }

    /** The last listed node named so or with its InternalIP among these addresses (as a scan keeping the last match). */
    Node nodeOf(String name, List<Ipv4> addresses) {
        int last = -1;
        for (int i : nodesByName.getOrDefault(name, new int[0])) last = Math.max(last, i);
        for (Ipv4 ip : addresses) for (int i : nodesByIp.getOrDefault(ip, new int[0])) last = Math.max(last, i);
        return last < 0 ? null : nodes.get(last);
    }

    private static long subnetKey(long network, int length) {
        return (network & Prefix.mask(length) & 0xFFFFFFFFL) << 6 | length;
    }

    /**
     * Some lease's subnet holds {@code p}: it is {@code p} or shorter, with the same network bits; a subnet of
     * length 0 counts only when {@code zero} (one look-up per prefix length, not one per lease).
     */
    boolean inLease(Prefix p, boolean zero) {
        long network = p.network().unsigned();
        for (int len = p.length(); len >= (zero ? 0 : 1); len--) if (Arrays.binarySearch(subnets, subnetKey(network, len)) >= 0) return true;
        return false;
    }

    /**
     * The positions of the leases some route of a list holds (a route prefix of length 1 or
     * more, equal to or shorter than the lease subnet, with the same network bits): by the unicast routes of the main
     * table (are the leases routed at all), and by the routes through each device (through the VXLAN device, whose
     * leases need neighbour and FDB entries).
     */
    record RoutedLeases(BitSet main, Map<String, BitSet> byDevice) {
        BitSet through(String device) {
            BitSet b = byDevice.get(device);
            return b == null ? new BitSet() : b;
        }
    }

    /** {@link RoutedLeases} of the routes, in one pass: each route's leases are looked up once for both. */
    RoutedLeases leasesRouted(List<Route> routes) {
        BitSet main = new BitSet(leases.size());
        Map<String, BitSet> byDevice = new HashMap<>();
        String lastDevice = null; // a table routes through a few devices: the map is asked when the device changes
        BitSet through = null;
        for (Route r : routes) {
            Prefix q = r.dst();
            if (q.length() == 0) continue;
            boolean inMain = Route.MAIN.equals(r.table()) && r.type() == Route.Type.UNICAST;
            if (r.dev() != null && !r.dev().equals(lastDevice)) {
                lastDevice = r.dev();
                through = byDevice.computeIfAbsent(lastDevice, d -> new BitSet(leases.size()));
            }
            BitSet device = r.dev() == null ? null : through;
            if (!inMain && device == null) continue;
            long lo = q.network().unsigned(), hi = lo | ~Prefix.mask(q.length()) & 0xFFFFFFFFL; // the broadcast, with no Ipv4 made
            int k = Arrays.binarySearch(networks, lo);
            if (k < 0) k = -k - 1;
            while (k > 0 && networks[k - 1] == lo) k--;
            for (; k < networks.length && networks[k] <= hi; k++) {
                int i = byNetwork[k];
                if (leases.get(i).subnet().length() < q.length()) continue;
                if (inMain) main.set(i);
                if (device != null) device.set(i);
            }
        }
        return new RoutedLeases(main, byDevice);
    }

    List<Lease> leases() {
        return leases;
    }
}
