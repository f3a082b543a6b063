package dev.kubepath.dataplane;

import dev.kubepath.model.Facet;
import dev.kubepath.model.Host;
import dev.kubepath.model.HostBuilder;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Node;
import dev.kubepath.model.Route;
import dev.kubepath.model.Snapshot;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rules an operator uses to fill in what a snapshot does not show, each written once and named. A rule adds a
 * fact only when the facts it rests on are in the snapshot, and records which ones; a host that already shows the
 * fact is left as it is. The tracer and the doctor work on the snapshot with the inferred facts added, and name the
 * rule wherever an inferred fact decides a step.
 */
public final class Inference {
    /** The rules, by name (docs/doctor.md). */
    public enum Rule {
        /** A node's underlay address is its InternalIP, on the device of the connected route that holds it. */
        UNDERLAY_FROM_INTERNAL_IP,
        /** An IPVS NodePort virtual server names the host's own address, on the device of the connected route holding it. */
        UNDERLAY_FROM_NODEPORT,
        /** A lease belongs to the host whose address equals its PublicIP: the host whose pod bridge lies in the lease
         * has the lease's PublicIP, on the device of the connected route holding it. */
        UNDERLAY_FROM_LEASE,
        /** Routes through flannel.N make flannel.N flannel's VXLAN device (VNI N), holding subnet.0/32 of the host's
         * lease with the lease's VtepMAC. */
        FLANNEL_VXLAN_DEVICE,
        /** kube-proxy's IPVS mode binds every ClusterIP it has a virtual server for to kube-ipvs0: the host holds it. */
        KUBE_IPVS0_ADDRESSES,
        /** A device the link listing does not show, named as docker, CNI and kubenet name the pod bridge (docker0,
         * cni0, cbr0) and holding an address, is a bridge. */
        BRIDGE_BY_NAME,
        /** A connected route through a pod bridge with its source address ({@code 10.244.1.0/24 dev cni0 proto kernel
         * scope link src 10.244.1.1}), where the address listing lacks that address: the kernel made the route from
         * it, so the bridge holds it with the route's prefix length. */
        BRIDGE_FROM_KERNEL_ROUTE,
        /** A device the link listing does not show, named as flannel names its VXLAN device (flannel.N) and holding
         * an address or a route, is that device, VNI N; its UDP port and MAC stay unknown unless the host's lease
         * gives the MAC. */
        VXLAN_BY_NAME,
        /** A ClusterIP with an IPVS virtual server on the host is bound to kube-ipvs0 (kube-proxy binds each one),
         * where the address listing does not show it: used by the tracer, per flow. */
        KUBE_IPVS0_ADDRESS,
        /** A route whose gateway {@code route} printed as a name ({@code 10.244.2.0 k8s-node2 255.255.255.0 UG ... eth0})
         * goes through the node of that name: its InternalIP (kubectl get nodes), else the observed underlay address
         * of the snapshot's host of that name. route cuts names to 15 characters, so a 15-character name also matches
         * the one node or host whose name starts with it. No match, or more than one: the address stays unknown. */
        GATEWAY_BY_NODE_NAME,
        /** A VTEP that is a host of the cluster in another underlay subnet, which the sending host's route reaches via
         * a gateway, is reached through that gateway: the rule assumes the underlay router forwards the VXLAN port
         * (UDP 8472 by default) between the hosts' subnets. The same for a packet to a host's own underlay address
         * (a NodePort) routed via a gateway. Used by the tracer, per flow. */
        UNDERLAY_VIA_GATEWAY
    }

    /** Rule UNDERLAY_VIA_GATEWAY's fact for one hop: {@code from} sends the outer packet to {@code vtep} of {@code to} via route {@code r}. */
    static Fact underlayViaGateway(String from, String to, Ipv4 vtep, Route r, String traffic) {
        boolean vxlan = traffic.startsWith("UDP ");
        return new Fact(Rule.UNDERLAY_VIA_GATEWAY, from, (vxlan ? "VTEP " : "") + vtep + " of " + to + " reached via gateway " + r.via() + " on " + r.dev()
                + "; assumes the underlay router forwards " + traffic + " between the hosts' subnets",
                List.of("route " + r.describe() + " on " + from, "address " + vtep + " of " + to));
    }

    /** One inferred fact: the rule, the host, the fact, and the facts it rests on. */
    public record Fact(Rule rule, String host, String fact, List<String> from) {
        public Fact {
            from = List.copyOf(from);
        }

        @Override
        public String toString() {
            return fact + " (inferred, " + rule + ", from " + String.join("; ", from) + ")";
        }
    }

    /** The snapshot with the inferred facts added, and the facts. */
    public record Result(Snapshot snapshot, List<Fact> facts) {
        public Result {
            facts = List.copyOf(facts);
        }
    }

    /** The UDP port is not known without ip -d link: 0, as the ingest parsers write it for a device known by name only. */
    static final int UNKNOWN_PORT = 0;

    private Inference() {}

    public static Result of(Snapshot s) {
        List<Fact> facts = new ArrayList<>();
        List<Host> hosts = null;
        for (int i = 0; i < s.hosts().size(); i++) {
            Host h = s.hosts().get(i);
            Host inferred = infer(h, s, facts);
            if (inferred == h) continue;
            if (hosts == null) hosts = new ArrayList<>(s.hosts());
            hosts.set(i, inferred);
        }
        if (hosts == null) return new Result(s, facts);
        return new Result(new Snapshot(s.name(), hosts, s.cluster()), facts);
    }

    private static Host infer(Host h, Snapshot s, List<Fact> facts) {
        // no routes gate: the rules needing routes find none where they are unknown; BRIDGE_BY_NAME needs only addresses
        HostBuilder b = null;
        Ipv4 underlay = underlayAddress(h);
        if (underlay == null) {
            Found f = underlay(h, s);
            if (f != null) {
                facts.add(f.fact());
                underlay = f.ip();
                b = h.toBuilder();
                b.address(new IfAddress(f.route().dev(), underlay, f.route().dst().length()));
            }
        }
        for (var part : dev.kubepath.model.SharedList.parts(h.addresses())) {
            // a shared part with no pod bridge's name among its devices (kube-ipvs0's service addresses) is skipped whole
            if (dev.kubepath.model.PartIndex.devices(part).stream().noneMatch(Inference::isPodBridgeName)) continue;
            for (IfAddress a : part.items()) {
                if (!isPodBridgeName(a.dev()) || h.link(a.dev()).isPresent() || (b != null && b.links.stream().anyMatch(l -> l.name().equals(a.dev())))) continue;
                if (b == null) b = h.toBuilder();
                // the MTU is not known: no packet is dropped for its size on an inferred device
                b.link(new Link(a.dev(), new LinkKind.Bridge(), Link.MTU_UNKNOWN, null, true, null));
                facts.add(new Fact(Rule.BRIDGE_BY_NAME, h.name(), a.dev() + " is a bridge", List.of(a.dev() + " " + a.ip() + "/" + a.prefixLength())));
            }
        }
        b = gatewayByNodeName(h, s, b, facts);
        b = bridgeFromKernelRoute(h, b, facts);
        b = vxlanByName(h, s, underlay, b, facts);
        b = vxlanAddress(h, s, underlay, b, facts);
        boolean hasVxlan = h.links().stream().anyMatch(Link::isVxlan) || (b != null && b.links.stream().anyMatch(Link::isVxlan));
        String vxDev = hasVxlan ? null : flannelRouteDevice(h);
        if (vxDev != null && h.link(vxDev).isEmpty() && underlay != null && s.cluster().leases() != null) {
            Lease own = null;
            for (Lease l : s.cluster().leases()) if (l.publicIp().equals(underlay)) own = l;
            if (own != null && own.vtepMac() != null) {
                int vni = vni(vxDev);
                if (b == null) b = h.toBuilder();
                // the MTU is not known: no packet is dropped for its size on an inferred device
                b.link(new Link(vxDev, new LinkKind.Vxlan(vni, UNKNOWN_PORT, underlay, null, false), Link.MTU_UNKNOWN,
                        own.vtepMac(), true, null));
                b.address(new IfAddress(vxDev, own.subnet().network(), 32));
                facts.add(new Fact(Rule.FLANNEL_VXLAN_DEVICE, h.name(), vxDev + " VXLAN VNI " + vni + " " + own.subnet().network()
                        + "/32 lladdr " + own.vtepMac(), List.of("routes through " + vxDev, "lease " + own.subnet() + " PublicIP " + underlay)));
            }
        }
        if (h.knows(Facet.IPVS) && !h.virtualServers().isEmpty() && h.addresses().stream().noneMatch(a -> a.dev().equals("kube-ipvs0"))) {
            java.util.Set<Ipv4> clusterIps = new java.util.LinkedHashSet<>();
            for (var svc : s.cluster().services()) {
                if (svc.clusterIp() == null) continue;
                for (VirtualServer vs : h.virtualServers()) if (vs.address().ip().equals(svc.clusterIp())) clusterIps.add(svc.clusterIp());
            }
            if (!clusterIps.isEmpty()) {
                if (b == null) b = h.toBuilder();
                for (Ipv4 ip : clusterIps) b.address(new IfAddress("kube-ipvs0", ip, 32));
                facts.add(new Fact(Rule.KUBE_IPVS0_ADDRESSES, h.name(), "kube-ipvs0 holds " + String.join(", ", clusterIps.stream().map(Ipv4::toString).toList()),
                        List.of("IPVS virtual servers on the ClusterIPs")));
            }
        }
        if (b == null) return h;
        // an inferred fact fills a gap; it does not make the listing it would be in known (the rest is still unknown)
        for (Facet x : Facet.values()) if (!h.knows(x)) b.forget(x);
        return b.build();
    }

    private static final Object CONNECTED = new Object();

    /** Rule BRIDGE_FROM_KERNEL_ROUTE: only where the addresses are known to be listed, and the listing lacks the address. */
    private static HostBuilder bridgeFromKernelRoute(Host h, HostBuilder b, List<Fact> facts) {
        if (!h.knows(Facet.ADDRESSES) || !h.knows(Facet.ROUTES)) return b;
        for (var part : dev.kubepath.model.SharedList.parts(h.routes())) {
            // the connected routes with a source address: the overlay's shared routes have none, so a part is scanned once
            List<Route> connected = part.memo(CONNECTED, rs -> rs.stream().filter(r -> r.scope() == Route.Scope.LINK && r.src() != null
                    && r.dev() != null && r.dst().length() > 0 && r.dst().contains(r.src())).toList());
            for (Route r : connected) {
                if (!isBridge(h, r.dev()) || dev.kubepath.model.PartIndex.hasAddress(dev.kubepath.model.SharedList.parts(h.addresses()), r.src())) continue;
                if (b == null) b = h.toBuilder();
                if (h.link(r.dev()).isEmpty() && b.links.stream().noneMatch(l -> l.name().equals(r.dev()))) {
                    b.link(new Link(r.dev(), new LinkKind.Bridge(), Link.MTU_UNKNOWN, null, true, null));
                }
                b.address(new IfAddress(r.dev(), r.src(), r.dst().length()));
                facts.add(new Fact(Rule.BRIDGE_FROM_KERNEL_ROUTE, h.name(), "address " + r.src() + "/" + r.dst().length() + " on " + r.dev(),
                        List.of("route " + r.describe())));
            }
        }
        return b;
    }

    /**
     * Rule VXLAN_BY_NAME: flannel.N holds an address or a route but the link listing does not show it (no link.txt,
     * or a line of it lost): it is flannel's VXLAN device, VNI N, port unknown; its MAC is the host's own lease's
     * VtepMAC when the lease is known, else unknown.
     */
    private static HostBuilder vxlanByName(Host h, Snapshot s, Ipv4 underlay, HostBuilder b, List<Fact> facts) {
        if (h.links().stream().anyMatch(Link::isVxlan)) return b;
        String name = null;
        for (var part : dev.kubepath.model.SharedList.parts(h.addresses())) {
            // kube-ipvs0's service addresses (a part every node shares) are skipped whole
            if (name != null || dev.kubepath.model.PartIndex.devices(part).stream().noneMatch(x -> x.startsWith("flannel."))) continue;
            for (IfAddress a : part.items()) if (a.dev().startsWith("flannel.") && h.link(a.dev()).isEmpty()) { name = a.dev(); break; }
        }
        Lease own = null;
        String routed = name == null ? flannelRouteDevice(h) : null;
        if ((name != null || routed != null) && underlay != null && s.cluster().leases() != null) {
            for (Lease l : s.cluster().leases()) if (l.publicIp().equals(underlay)) own = l;
        }
        if (name == null) {
            // a routed device with no address and a lease of its own is FLANNEL_VXLAN_DEVICE's (it adds the address too)
            boolean fromLease = own != null && own.vtepMac() != null;
            if (routed != null && h.link(routed).isEmpty() && !fromLease) name = routed;
        }
        if (name == null) return b;
        dev.kubepath.net.Mac mac = own == null ? null : own.vtepMac();
        if (b == null) b = h.toBuilder();
        // the MTU is not known: no packet is dropped for its size on an inferred device
        b.link(new Link(name, new LinkKind.Vxlan(vni(name), UNKNOWN_PORT, underlay, null, false), Link.MTU_UNKNOWN, mac, true, null));
        String d = name;
        List<String> from = new ArrayList<>();
        h.addresses().stream().filter(a -> a.dev().equals(d)).findFirst().ifPresent(a -> from.add(d + " " + a.ip() + "/" + a.prefixLength()));
        if (from.isEmpty()) from.add("routes through " + name);
        if (mac != null) from.add("lease " + own.subnet() + " PublicIP " + underlay + " VtepMAC " + mac);
        facts.add(new Fact(Rule.VXLAN_BY_NAME, h.name(), name + " VXLAN VNI " + vni(name) + (mac != null ? " lladdr " + mac : ""), from));
        return b;
    }

    /** Rule FLANNEL_VXLAN_DEVICE for a listed VXLAN device with no address: it holds subnet.0/32 of the host's lease. */
    private static HostBuilder vxlanAddress(Host h, Snapshot s, Ipv4 underlay, HostBuilder b, List<Fact> facts) {
        Link vx = null;
        for (Link l : h.links()) if (l.isVxlan()) { vx = l; break; }
        if (vx == null || underlay == null || s.cluster().leases() == null) return b;
        String name = vx.name();
        for (var part : dev.kubepath.model.SharedList.parts(h.addresses())) if (dev.kubepath.model.PartIndex.devices(part).contains(name)) return b;
        Lease own = null;
        for (Lease l : s.cluster().leases()) if (l.publicIp().equals(underlay)) own = l;
        if (own == null) return b;
        if (b == null) b = h.toBuilder();
        b.address(new IfAddress(name, own.subnet().network(), 32));
        facts.add(new Fact(Rule.FLANNEL_VXLAN_DEVICE, h.name(), name + " " + own.subnet().network() + "/32",
                List.of(name + " (no address listed)", "lease " + own.subnet() + " PublicIP " + underlay)));
        return b;
    }

    private record Found(Fact fact, Ipv4 ip, Route route) {}

    private static Found underlay(Host h, Snapshot s) {
        for (Node n : s.cluster().nodes()) {
            if (!n.name().equals(h.name()) || n.internalIp() == null) continue;
            Route r = connected(h, n.internalIp());
            if (r != null) {
                return new Found(new Fact(Rule.UNDERLAY_FROM_INTERNAL_IP, h.name(), "address " + n.internalIp() + " on " + r.dev(),
                        List.of("node " + n.name() + " INTERNAL-IP " + n.internalIp(), "route " + r.describe())), n.internalIp(), r);
            }
        }
        if (h.knows(Facet.IPVS)) {
            for (VirtualServer vs : h.virtualServers()) {
                Ipv4 ip = vs.address().ip();
                if (s.cluster().services().stream().anyMatch(x -> ip.equals(x.clusterIp()))) continue;
                Route r = connected(h, ip);
                if (r != null && !isBridge(h, r.dev())) {
                    return new Found(new Fact(Rule.UNDERLAY_FROM_NODEPORT, h.name(), "address " + ip + " on " + r.dev(),
                            List.of("IPVS " + vs.describe(), "route " + r.describe())), ip, r);
                }
            }
        }
        if (s.cluster().leases() != null) {
            for (IfAddress a : h.addresses()) {
                if (!isBridge(h, a.dev()) || a.prefixLength() >= 32) continue;
                for (Lease l : s.cluster().leases()) {
                    if (!l.subnet().contains(a.ip())) continue;
                    Route r = connected(h, l.publicIp());
                    if (r != null && !isBridge(h, r.dev())) {
                        return new Found(new Fact(Rule.UNDERLAY_FROM_LEASE, h.name(), "address " + l.publicIp() + " on " + r.dev(),
                                List.of(a.dev() + " " + a.ip() + "/" + a.prefixLength(), "lease " + l.subnet() + " PublicIP " + l.publicIp(),
                                        "route " + r.describe())), l.publicIp(), r);
                    }
                }
            }
        }
        return null;
    }

    private static final Object NAMED_GATEWAYS = new Object();

    /** route's column width: it prints at most this many characters of a name (without -W). */
    private static final int ROUTE_NAME_WIDTH = 15;

    /** GATEWAY_BY_NODE_NAME: each route whose gateway is known by name only, resolved where one node or host has it. */
    /** A loop, not a stream: every route of every host passes here, in a one-shot run's first JIT tier. */
    private static boolean anyGatewayUnknown(List<Route> routes) {
        for (Route r : routes) if (r.gatewayUnknown()) return true;
        return false;
    }

    private static HostBuilder gatewayByNodeName(Host h, Snapshot s, HostBuilder b, List<Fact> facts) {
        // found once per shared part: a big cluster's hosts share their parts of thousands of flannel routes
        boolean named = false;
        for (var part : dev.kubepath.model.SharedList.parts(h.routes())) {
            named |= part.memo(NAMED_GATEWAYS, Inference::anyGatewayUnknown);
        }
        if (!named) return b;
        for (int i = 0; i < h.routes().size(); i++) {
            Route r = h.routes().get(i);
            if (!r.gatewayUnknown()) continue;
            String name = r.gatewayName();
            List<String> from = new ArrayList<>();
            Ipv4 address = null;
            List<Node> nodes = s.cluster().nodes().stream().filter(n -> n.internalIp() != null && namedBy(n.name(), name)).toList();
            if (nodes.size() == 1) {
                address = nodes.get(0).internalIp();
                from.add("node " + nodes.get(0).name() + " InternalIP " + address);
            } else if (nodes.isEmpty()) {
                List<Host> hosts = s.hosts().stream().filter(x -> x != h && namedBy(x.name(), name) && underlayAddress(x) != null).toList();
                if (hosts.size() == 1) {
                    address = underlayAddress(hosts.get(0));
                    from.add("host " + hosts.get(0).name() + " holds " + address);
                }
            }
            if (address == null) continue; // none, or more than one: the gateway's address stays unknown
            if (b == null) b = h.toBuilder();
            Route resolved = r.withVia(address);
            b.routes.set(b.routes.indexOf(r), resolved);
            from.add(0, "route " + r.describe());
            facts.add(new Fact(Rule.GATEWAY_BY_NODE_NAME, h.name(), "gateway " + name + " is " + address, from));
        }
        return b;
    }

    /** True when {@code printed}, a gateway name as route printed it, names {@code name} (whole, or cut to route's width). */
    private static boolean namedBy(String name, String printed) {
        return name.equals(printed) || printed.length() == ROUTE_NAME_WIDTH && name.startsWith(printed);
    }

    /** The fact by which {@code route} of {@code host} got its gateway's address, or null when it was observed. */
    public static Fact gatewayFact(List<Fact> facts, String host, Route route) {
        if (route.gatewayName() == null || route.via() == null) return null;
        String fact = "gateway " + route.gatewayName() + " is " + route.via();
        for (Fact f : facts) if (f.rule() == Rule.GATEWAY_BY_NODE_NAME && f.host().equals(host) && f.fact().equals(fact)) return f;
        return null;
    }

    /** A directly connected unicast route of the main table holding the address, on a device that is not the pods'. */
    private static Route connected(Host h, Ipv4 ip) {
        if (ip == null) return null;
        Route best = null;
        for (Route r : h.routes()) {
            if (!Route.MAIN.equals(r.table()) || r.type() != Route.Type.UNICAST || !r.connected() || r.dev() == null) continue;
            if (r.dst().length() == 0 || !r.dst().contains(ip) || r.dev().startsWith("flannel.")) continue;
            if (best == null || r.dst().length() > best.dst().length()) best = r;
        }
        return best;
    }

    /**
     * The pod bridge (rule POD_BRIDGE, docs/doctor.md): the bridge that holds the host's lease subnet, its pods
     * (Running pods of this node, or containers on it); without such evidence the one named cni0 or cbr0, else
     * docker0. Any other bridge (an idle docker0 172.17.0.1/16 beside cni0) is not the pod bridge.
     */
    public static List<IfAddress> podBridges(Host h, List<dev.kubepath.model.Pod> podsOfHost, List<IfAddress> bridges, List<Lease> own) {
        if (bridges.size() <= 1) return List.copyOf(bridges);
        List<IfAddress> held = new ArrayList<>();
        for (IfAddress b : bridges) {
            boolean lease = own.stream().anyMatch(l -> l.subnet().contains(b.ip()));
            boolean pods = podsOfHost.stream().anyMatch(p -> p.ip() != null && b.prefix().contains(p.ip())
                    && !p.ip().equals(b.ip()));
            boolean containers = h.containers().stream().anyMatch(c -> c.bridge().equals(b.dev()));
            if (lease || pods || containers) held.add(b);
        }
        if (!held.isEmpty()) return List.copyOf(held);
        for (String name : List.of("cni0", "cbr0", "docker0")) {
            List<IfAddress> named = bridges.stream().filter(b -> b.dev().equals(name)).toList();
            if (!named.isEmpty()) return named;
        }
        return List.of();
    }

    /** The first address on an ethernet or veth device (an unknown device counts as ethernet), or null. */
    public static Ipv4 underlayAddress(Host h) {
        for (IfAddress a : h.addresses()) {
            LinkKind kind = h.link(a.dev()).map(Link::kind).orElse(null);
            if (kind == null ? unlistedOnWire(a) : (kind instanceof LinkKind.Ethernet || kind instanceof LinkKind.Veth) && !isLoopback(a)) return a.ip();
        }
        return null;
    }

    /**
     * An address on a device the link listing does not show may be on the wire (the underlay), unless the device's
     * name or the address says otherwise: lo and 127/8 are loopback (a lost {@code lo} line makes no underlay address),
     * docker0/cni0/cbr0 are pod bridges, flannel.N is the overlay, kube-ipvs0 holds service addresses.
     */
    public static boolean unlistedOnWire(IfAddress a) {
        String dev = a.dev();
        return !isLoopback(a) && !isPodBridgeName(dev) && !dev.equals("kube-ipvs0") && !dev.startsWith("flannel.");
    }

    private static boolean isLoopback(IfAddress a) {
        return a.dev().equals("lo") || (a.ip().bits() >>> 24) == 127;
    }

    private static boolean isBridge(Host h, String dev) {
        return h.link(dev).map(l -> l.kind() instanceof LinkKind.Bridge).orElse(isPodBridgeName(dev));
    }

    private static boolean isPodBridgeName(String dev) {
        return dev.equals("docker0") || dev.equals("cni0") || dev.equals("cbr0");
    }

    private static String flannelRouteDevice(Host h) {
        for (Route r : h.routes()) if (r.dev() != null && r.dev().startsWith("flannel.") && r.dst().length() > 0) return r.dev();
        return null;
    }

    private static int vni(String dev) {
        try {
            return Integer.parseInt(dev.substring(dev.indexOf('.') + 1));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** Inferred addresses by their bits, for the tracer to name the rule on the step that used one. */
    static Map<Integer, Fact> addresses(List<Fact> facts) {
        Map<Integer, Fact> m = new java.util.HashMap<>();
        for (Fact f : facts) {
            if (f.rule() != Rule.UNDERLAY_FROM_INTERNAL_IP && f.rule() != Rule.UNDERLAY_FROM_NODEPORT && f.rule() != Rule.UNDERLAY_FROM_LEASE) continue;
            m.put(Ipv4.parse(f.fact().split(" ")[1]).bits(), f);
        }
        return m;
    }
}
