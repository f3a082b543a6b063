package dev.kubepath.cluster;

import dev.kubepath.model.Chain;
import dev.kubepath.model.Cluster;
import dev.kubepath.model.Rule;
import dev.kubepath.model.Container;
import dev.kubepath.model.Daemon;
import dev.kubepath.model.Facet;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.FlannelConfig;
import dev.kubepath.model.Host;
import dev.kubepath.model.HostBuilder;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Node;
import dev.kubepath.model.NodePortServers;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Route;
import dev.kubepath.model.Service;
import dev.kubepath.model.SharedList;
import dev.kubepath.model.Snapshot;
import dev.kubepath.model.Socket;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Locale;

/**
 * A healthy flannel VXLAN + kube-proxy IPVS cluster of any size, built directly as a snapshot: hosts on 10.0.0.0/16,
 * one /24 per host out of 10.64.0.0/10, services out of 172.20.0.0/16 with NodePorts from 30000. Every host has the
 * full flannel state for every other host. What is the same on every host is held once ({@link SharedList}): the
 * flannel entries for all subnets (each host holds the slices around its own), the ClusterIP virtual servers and
 * their kube-ipvs0 addresses, and the NodePort servers but for their addresses ({@link NodePortServers}), so that
 * 5,000 nodes x 10,000 services fit in a small heap.
 */
public final class Synthetic {
    /**
     * The size of the cluster, the seed of its random choices, the faults injected into it, and whether it has cluster
     * DNS: two CoreDNS pods (on the first two nodes) behind the kube-dns Service, UDP and TCP 53 on the service range's
     * 10th address, as kubeadm sets it up.
     */
    public record Spec(int nodes, int podsPerNode, int services, int endpointsPerService, long seed, Faults faults, boolean clusterDns) {
        public Spec {
            if (nodes < 1) throw new IllegalArgumentException("nodes must be at least 1, got " + nodes);
            if (podsPerNode < 0 || services < 0 || endpointsPerService < 0) {
                throw new IllegalArgumentException("pods per node, services and endpoints per service cannot be negative");
            }
            if (podsPerNode > 250) throw new IllegalArgumentException("at most 250 pods per node fit a /24, got " + podsPerNode);
            if (services > 30000) throw new IllegalArgumentException("at most 30000 services fit the NodePort range, got " + services);
            if (faults == null) faults = Faults.NONE;
        }

        public Spec(int nodes, int podsPerNode, int services, int endpointsPerService, long seed) {
            this(nodes, podsPerNode, services, endpointsPerService, seed, Faults.NONE);
        }

        public Spec(int nodes, int podsPerNode, int services, int endpointsPerService, long seed, Faults faults) {
            this(nodes, podsPerNode, services, endpointsPerService, seed, faults, false);
        }

        public Spec withClusterDns(boolean on) {
            return new Spec(nodes, podsPerNode, services, endpointsPerService, seed, faults, on);
        }
    }

    /**
     * How many nodes carry each fault. The nodes are chosen from the seed, each fault on nodes of its own while there
     * are enough of them. lost-lease: the node's lease is gone and no other node has its route, neighbour or FDB entry
     * (the seed's mcwk8s05). stale-routes: the node routes two subnets that no lease holds via flannel.1.
     * no-kube-proxy: no kube-ipvs0, no virtual servers, kube-proxy not installed. forward-drop: FORWARD policy DROP
     * without flannel's two accept rules. wrong-vtep-mac: the lease (and so every neighbour entry) names a VTEP MAC
     * other than the one of the node's flannel.1.
     */
    public record Faults(int lostLease, int staleRoutes, int noKubeProxy, int forwardDrop, int wrongVtepMac) {
        public static final Faults NONE = new Faults(0, 0, 0, 0, 0);

        public Faults {
            if (lostLease < 0 || staleRoutes < 0 || noKubeProxy < 0 || forwardDrop < 0 || wrongVtepMac < 0) {
                throw new IllegalArgumentException("fault counts cannot be negative");
            }
        }

        /** "lost-lease=2,stale-routes=3,no-kube-proxy=1,forward-drop=2,wrong-vtep-mac=1" (any subset, any order). */
        public static Faults parse(String text) {
            int[] n = new int[5];
            if (text == null || text.isBlank()) return NONE;
            for (String part : text.split(",")) {
                String[] kv = part.trim().split("=");
                if (kv.length != 2) throw new IllegalArgumentException("fault '" + part.trim() + "' is not NAME=COUNT");
                int count;
                try {
                    count = Integer.parseInt(kv[1].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("fault '" + part.trim() + "': count '" + kv[1].trim() + "' is not a number");
                }
                int i = NAMES.indexOf(kv[0].trim());
                if (i < 0) throw new IllegalArgumentException("unknown fault '" + kv[0].trim() + "' (expected one of " + NAMES + ")");
                n[i] = count;
            }
            return new Faults(n[0], n[1], n[2], n[3], n[4]);
        }

        public static final List<String> NAMES = List.of("lost-lease", "stale-routes", "no-kube-proxy", "forward-drop", "wrong-vtep-mac");

        int[] counts() {
            return new int[] {lostLease, staleRoutes, noKubeProxy, forwardDrop, wrongVtepMac};
        }

        @Override
        public String toString() {
            int[] c = counts();
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < c.length; i++) if (c[i] > 0) parts.add(NAMES.get(i) + "=" + c[i]);
            return String.join(",", parts);
        }
    }

    /** Which nodes carry which fault, as {@link #build} chose them. */
    public record Placement(boolean[][] faulty) {
        public boolean has(int fault, int node) {
            return faulty[fault][node];
        }
    }

    public static final int LOST_LEASE = 0, STALE_ROUTES = 1, NO_KUBE_PROXY = 2, FORWARD_DROP = 3, WRONG_VTEP_MAC = 4;

    public static final Prefix UNDERLAY = Prefix.parse("10.0.0.0/16");
    public static final Prefix POD_NETWORK = Prefix.parse("10.64.0.0/10");
    public static final Prefix SERVICE_CIDR = Prefix.parse("172.20.0.0/16");
    public static final int NODE_PORT_BASE = 30000;
    public static final int POD_PORT = 8080;

    private Synthetic() {}

    public static String hostName(int i) {
        return String.format(Locale.ROOT, "node%05d", i);
    }

    public static Ipv4 hostIp(int i) {
        return UNDERLAY.address(i + 1);
    }

    public static Prefix subnet(int i) {
        return Prefix.of(POD_NETWORK.network().plus((i + 1) << 8), 24);
    }

    public static Mac vtepMac(int i) {
        return new Mac(0x0e0000000000L | (i + 1));
    }

    public static Ipv4 podIp(int node, int k) {
        return subnet(node).address(k + 2);
    }

    /** The MAC a wrong lease names for node i: a locally administered address no device has. */
    public static Mac wrongVtepMac(int i) {
        return new Mac(0x0effff000000L | (i + 1));
    }

    /** Entries every node holds, cut into blocks that nodes share: a node holds every block but the one with its own. */
    private static final int BLOCK = 256;

    private static <T> List<SharedList.Part<T>> blocks(List<T> all) {
        List<SharedList.Part<T>> out = new ArrayList<>();
        for (int k = 0; k < all.size(); k += BLOCK) out.add(SharedList.Part.of(all.subList(k, Math.min(all.size(), k + BLOCK))));
        return out;
    }

    /** Appends every block to the node's list, the block holding item {@code own} (-1: none) as two views around it. */
    private static <T> void shareAllBut(HostBuilder b, List<T> list, List<SharedList.Part<T>> blocks, int own) {
        for (int k = 0; k < blocks.size(); k++) {
            SharedList.Part<T> block = blocks.get(k);
            int at = own - k * BLOCK;
            if (at < 0 || at >= block.items().size()) {
                b.share(list, block);
                continue;
            }
            if (at > 0) b.share(list, SharedList.Part.slice(block, 0, at));
            if (at + 1 < block.items().size()) b.share(list, SharedList.Part.slice(block, at + 1, block.items().size()));
        }
    }

    /** The nodes each fault lands on: a seeded shuffle, dealt out fault by fault, wrapping when there are too few. */
    public static Placement place(Spec spec) {
        int n = spec.nodes();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SplittableRandom r = new SplittableRandom(spec.seed() ^ 0x5eedfa17L);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] counts = spec.faults().counts();
        boolean[][] faulty = new boolean[counts.length][n];
        int next = 0;
        for (int f = 0; f < counts.length; f++) {
            for (int k = 0; k < Math.min(counts[f], n); k++) faulty[f][order[next++ % n]] = true;
        }
        return new Placement(faulty);
    }

    public static Snapshot build(Spec spec) {
        int n = spec.nodes();
        Placement faults = place(spec);
        FlannelConfig flannel = new FlannelConfig(POD_NETWORK, 24, subnet(0), Prefix.of(POD_NETWORK.broadcast(), 24), "vxlan", 1, 8472, false);
        Overlay overlay = overlay(n, faults);
        Services services = services(spec, new SplittableRandom(spec.seed()));
        ServiceParts parts = serviceParts(spec, services);
        OverlayBlocks blocks = overlayBlocks(overlay);
        List<Host> hosts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) hosts.add(host(spec, i, faults, overlay, blocks, parts));
        List<Pod> pods = pods(spec);
        if (spec.clusterDns()) {
            for (int j = 0; j < 2; j++) {
                pods.add(new Pod(KUBE_SYSTEM, "coredns-" + j, hostName(coreDnsNode(spec, j)), coreDnsIp(spec, j), Map.of("k8s-app", KUBE_DNS),
                        List.of(53), "Running", 0));
            }
        }
        Cluster cluster = new Cluster(nodes(spec), pods, services.services, services.endpoints, flannel, overlay.leases, SERVICE_CIDR);
        return new Snapshot("synthetic-" + n, hosts, cluster);
    }

    /** The leases and, per node with one, the route, neighbour and FDB entry flanneld on the others writes for it. */
    private record Overlay(List<Lease> leases, Route[] routes, Neighbour[] neighbours, FdbEntry[] fdb) {}

    private static Overlay overlay(int n, Placement faults) {
        List<Lease> leases = new ArrayList<>(n);
        Route[] overlayRoutes = new Route[n];
        Neighbour[] neighbours = new Neighbour[n];
        FdbEntry[] fdb = new FdbEntry[n];
        for (int i = 0; i < n; i++) {
            Prefix s = subnet(i);
            if (faults.has(LOST_LEASE, i)) continue; // no lease, so flanneld on the others wrote nothing for it
            Mac leased = faults.has(WRONG_VTEP_MAC, i) ? wrongVtepMac(i) : vtepMac(i);
            leases.add(new Lease(s, hostIp(i), "vxlan", leased, null));
            overlayRoutes[i] = Route.onlink(s, s.network(), "flannel.1");
            neighbours[i] = new Neighbour(s.network(), "flannel.1", leased, Neighbour.State.PERMANENT);
            fdb[i] = new FdbEntry(leased, "flannel.1", hostIp(i), true);
        }
        return new Overlay(leases, overlayRoutes, neighbours, fdb);
    }

    private static List<Node> nodes(Spec spec) {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < spec.nodes(); i++) nodes.add(new Node(hostName(i), hostIp(i), true, subnet(i), "v1.15.12"));
        return nodes;
    }

    private static List<Pod> pods(Spec spec) {
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < spec.nodes(); i++) {
            for (int k = 0; k < spec.podsPerNode(); k++) {
                pods.add(new Pod("default", "pod-" + i + "-" + k, hostName(i), podIp(i, k), Map.of("app", "app" + k), List.of(POD_PORT), "Running", 0));
            }
        }
        return pods;
    }

    /** The NodePort services, their endpoints (pods drawn at random) and, per service, those endpoints' sockets. */
    private record Services(List<Service> services, List<Endpoints> endpoints, List<List<SocketAddress>> backends) {}

    private static Services services(Spec spec, SplittableRandom random) {
        int n = spec.nodes();
        List<Service> services = new ArrayList<>();
        List<Endpoints> endpoints = new ArrayList<>();
        List<List<SocketAddress>> backends = new ArrayList<>();
        for (int s = 0; s < spec.services(); s++) {
            // with cluster DNS the 10th address is kube-dns's: the services after it move up by one
            Ipv4 cip = SERVICE_CIDR.address(s + 1 + (spec.clusterDns() && s + 1 >= DNS_INDEX ? 1 : 0));
            services.add(new Service("default", "svc-" + s, "NodePort", cip,
                    List.of(new Service.Port("http", Protocol.TCP, 80, POD_PORT, NODE_PORT_BASE + s)), Map.of()));
            List<Endpoints.Address> addrs = new ArrayList<>();
            List<SocketAddress> reals = new ArrayList<>();
            for (int e = 0; e < spec.endpointsPerService() && spec.podsPerNode() > 0; e++) {
                int node = random.nextInt(n);
                int k = random.nextInt(spec.podsPerNode());
                addrs.add(new Endpoints.Address(podIp(node, k), hostName(node), "pod-" + node + "-" + k));
                reals.add(new SocketAddress(podIp(node, k), POD_PORT));
            }
            endpoints.add(new Endpoints("default", "svc-" + s, addrs, List.of(new Endpoints.Port("http", Protocol.TCP, POD_PORT))));
            backends.add(reals);
        }
        if (spec.clusterDns()) {
            List<Endpoints.Address> addrs = new ArrayList<>();
            for (int j = 0; j < 2; j++) addrs.add(new Endpoints.Address(coreDnsIp(spec, j), hostName(coreDnsNode(spec, j)), "coredns-" + j));
            services.add(new Service(KUBE_SYSTEM, KUBE_DNS, "ClusterIP", dnsIp(), List.of(new Service.Port("dns", Protocol.UDP, 53, 53, 0),
                    new Service.Port("dns-tcp", Protocol.TCP, 53, 53, 0)), Map.of("k8s-app", KUBE_DNS)));
            endpoints.add(new Endpoints(KUBE_SYSTEM, KUBE_DNS, addrs, List.of(new Endpoints.Port("dns", Protocol.UDP, 53),
                    new Endpoints.Port("dns-tcp", Protocol.TCP, 53))));
        }
        return new Services(services, endpoints, backends);
    }

    public static final String KUBE_SYSTEM = "kube-system", KUBE_DNS = "kube-dns";
    private static final int DNS_INDEX = 10;

    /** kube-dns's ClusterIP: the service range's 10th address, as kubeadm gives it. */
    public static Ipv4 dnsIp() {
        return SERVICE_CIDR.address(DNS_INDEX);
    }

    /** The node of CoreDNS pod j (0 or 1): the first two nodes, or the one node of a one-node cluster. */
    public static int coreDnsNode(Spec spec, int j) {
        return Math.min(j, spec.nodes() - 1);
    }

    /** CoreDNS pod j's address: after the node's application pods (and after pod 0 when both share the node). */
    public static Ipv4 coreDnsIp(Spec spec, int j) {
        return podIp(coreDnsNode(spec, j), spec.podsPerNode() + (coreDnsNode(spec, j) == j ? 0 : j));
    }

    /** Docker's FORWARD policy DROP with its own rules for docker0, opened for the pod network by flannel's two. */
    private static final Chain FORWARD = new Chain("filter", "FORWARD", "DROP", List.of(
            new Rule("FORWARD", Rule.Match.ANY.withInterfaces(null, "docker0").withCtstate("RELATED,ESTABLISHED"), new Rule.Target.Accept(), null, null),
            new Rule("FORWARD", Rule.Match.ANY.withInterfaces("docker0", "!docker0"), new Rule.Target.Accept(), null, null),
            new Rule("FORWARD", Rule.Match.ANY.withInterfaces("docker0", "docker0"), new Rule.Target.Accept(), null, null),
            new Rule("FORWARD", Rule.Match.ANY.withSrc(POD_NETWORK, false), new Rule.Target.Accept(), null, null),
            new Rule("FORWARD", Rule.Match.ANY.withDst(POD_NETWORK, false), new Rule.Target.Accept(), null, null)));
    /** The same without flannel's two rules (the FORWARD_DROP fault). */
    private static final Chain FORWARD_DOCKER_ONLY = new Chain("filter", "FORWARD", "DROP", FORWARD.rules().subList(0, 3));

    /**
     * The ClusterIP virtual servers, their kube-ipvs0 addresses and the NodePort servers but for their address:
     * the same on every node, so parts all nodes share.
     */
    private record ServiceParts(SharedList.Part<IfAddress> ipvsAddresses, SharedList.Part<VirtualServer> clusterIps,
                                SharedList.Part<VirtualServer> nodePorts) {}

    private static ServiceParts serviceParts(Spec spec, Services services) {
        List<IfAddress> ipvsAddresses = new ArrayList<>(services.services.size());
        List<VirtualServer> clusterIpServers = new ArrayList<>(services.services.size());
        List<VirtualServer> nodePortTemplates = new ArrayList<>(services.services.size());
        if (spec.clusterDns()) {
            List<VirtualServer.RealServer> reals = List.of(VirtualServer.RealServer.masq(new SocketAddress(coreDnsIp(spec, 0), 53)),
                    VirtualServer.RealServer.masq(new SocketAddress(coreDnsIp(spec, 1), 53)));
            ipvsAddresses.add(new IfAddress("kube-ipvs0", dnsIp(), 32));
            clusterIpServers.add(new VirtualServer(Protocol.TCP, new SocketAddress(dnsIp(), 53), "rr", reals));
            clusterIpServers.add(new VirtualServer(Protocol.UDP, new SocketAddress(dnsIp(), 53), "rr", reals));
        }
        for (int sv = 0; sv < services.backends.size(); sv++) {
            Service svc = services.services.get(sv);
            List<VirtualServer.RealServer> reals = services.backends.get(sv).stream().map(VirtualServer.RealServer::masq).toList();
            ipvsAddresses.add(new IfAddress("kube-ipvs0", svc.clusterIp(), 32));
            clusterIpServers.add(new VirtualServer(Protocol.TCP, new SocketAddress(svc.clusterIp(), 80), "rr", reals));
            nodePortTemplates.add(NodePortServers.template(Protocol.TCP, NODE_PORT_BASE + sv, "rr", reals));
        }
        return new ServiceParts(SharedList.Part.of(ipvsAddresses), SharedList.Part.of(clusterIpServers), SharedList.Part.of(nodePortTemplates));
    }

    /** Every node's flannel entries for the other subnets, in blocks that nodes share; {@code position} of each node's own. */
    private record OverlayBlocks(List<SharedList.Part<Route>> routes, List<SharedList.Part<Neighbour>> neighbours,
                                 List<SharedList.Part<FdbEntry>> fdb, int[] position) {}

    private static OverlayBlocks overlayBlocks(Overlay overlay) {
        int n = overlay.routes.length;
        List<Route> allRoutes = new ArrayList<>();
        List<Neighbour> allNeighbours = new ArrayList<>();
        List<FdbEntry> allFdb = new ArrayList<>();
        int[] position = new int[n];
        for (int j = 0; j < n; j++) {
            position[j] = allRoutes.size();
            if (overlay.routes[j] == null) continue;
            allRoutes.add(overlay.routes[j]);
            allNeighbours.add(overlay.neighbours[j]);
            allFdb.add(overlay.fdb[j]);
        }
        return new OverlayBlocks(blocks(allRoutes), blocks(allNeighbours), blocks(allFdb), position);
    }

    private static final Route DEFAULT_ROUTE = Route.via(Prefix.DEFAULT, UNDERLAY.address(65534), "eth0", 100);
    private static final Route UNDERLAY_ROUTE = Route.direct(UNDERLAY, "eth0", 100);

    /** Node i: its devices, addresses and routes, the shared overlay and service parts, its pods, daemons and FORWARD. */
    private static Host host(Spec spec, int i, Placement faults, Overlay overlay, OverlayBlocks blocks, ServiceParts parts) {
        HostBuilder b = Host.builder(hostName(i)).knowAll();
        Prefix s = subnet(i);
        b.link(new Link("eth0", new LinkKind.Ethernet(), 1500, new Mac(0x001600000000L | i), true, null));
        b.link(new Link("docker0", new LinkKind.Bridge(), 1450, Mac.docker(s.address(1)), true, null));
        b.link(new Link("flannel.1", new LinkKind.Vxlan(1, 8472, hostIp(i), "eth0", false), 1450, vtepMac(i), true, null));
        boolean proxy = !faults.has(NO_KUBE_PROXY, i);
        if (proxy) b.link(new Link("kube-ipvs0", new LinkKind.Dummy(), 1500, null, false, null));
        b.address(new IfAddress("eth0", hostIp(i), 16));
        b.address(new IfAddress("docker0", s.address(1), 24));
        b.address(new IfAddress("flannel.1", s.network(), 32));
        b.routes.add(DEFAULT_ROUTE);
        b.routes.add(UNDERLAY_ROUTE);
        b.routes.add(Route.direct(s, "docker0", 0));
        int own = overlay.routes[i] == null ? -1 : blocks.position[i];
        shareAllBut(b, b.routes, blocks.routes, own);
        shareAllBut(b, b.neighbours, blocks.neighbours, own);
        shareAllBut(b, b.fdb, blocks.fdb, own);
        for (int k = 0; k < spec.podsPerNode(); k++) {
            Ipv4 ip = podIp(i, k);
            b.containers.add(new Container("pod-" + i + "-" + k, ip, 24, Mac.docker(ip), "docker0",
                    List.of(new Socket(Protocol.TCP, Ipv4.ANY, POD_PORT, "http")), "SimpleHTTP/0.6 Python/2.7.18"));
        }
        for (int j = 0; spec.clusterDns() && j < 2; j++) {
            if (coreDnsNode(spec, j) != i) continue;
            Ipv4 ip = coreDnsIp(spec, j);
            b.containers.add(new Container("coredns-" + j, ip, 24, Mac.docker(ip), "docker0",
                    List.of(new Socket(Protocol.UDP, Ipv4.ANY, 53, "coredns"), new Socket(Protocol.TCP, Ipv4.ANY, 53, "coredns")), null));
        }
        if (faults.has(STALE_ROUTES, i)) {
            // subnets beyond the last node's: no lease holds them (flannel left them behind after a restart)
            int n = spec.nodes();
            b.routes.add(Route.onlink(subnet(n + 2 * i), subnet(n + 2 * i).network(), "flannel.1"));
            b.routes.add(Route.onlink(subnet(n + 2 * i + 1), subnet(n + 2 * i + 1).network(), "flannel.1"));
        }
        if (proxy) {
            b.share(b.addresses, parts.ipvsAddresses);
            b.share(b.virtualServers, parts.clusterIps);
            b.share(b.virtualServers, SharedList.Part.ofImmutable(new NodePortServers(List.of(hostIp(i), s.address(1), s.network()), parts.nodePorts)));
            b.know(Facet.IPVS);
        }
        b.sysctls.put(Host.IP_FORWARD, "1");
        b.daemons.put(Daemon.FLANNELD, Daemon.State.ACTIVE);
        b.daemons.put(Daemon.DOCKER, Daemon.State.ACTIVE);
        b.daemons.put(Daemon.KUBELET, Daemon.State.ACTIVE);
        b.daemons.put(Daemon.KUBE_PROXY, proxy ? Daemon.State.ACTIVE : Daemon.State.NOT_FOUND);
        b.chain(faults.has(FORWARD_DROP, i) ? FORWARD_DOCKER_ONLY : FORWARD);
        return b.build();
    }
}
