package dev.kubepath.report;

import dev.kubepath.model.Daemon;
import dev.kubepath.model.Facet;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Node;
import dev.kubepath.model.Route;
import dev.kubepath.model.Snapshot;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The overlay as the report draws it: each host's underlay address, docker0 subnet and flannel.1 VTEP; the leases
 * as the registry holds them; and for every pair of hosts whether the VXLAN tunnel works in each direction
 * (the sender has the route via subnet.0 onlink on flannel.1, the neighbour entry giving the peer's VTEP MAC and the
 * FDB entry sending that MAC to the peer's underlay address). Problems are stated in the field's words.
 */
public final class Topology {
    private Topology() {}

    /** What one host offers the overlay; any part may be null when the snapshot lacks it. */
    record Vtep(Host host, Ipv4 underlay, Prefix bridge, IfAddress bridgeAddr, String vxlanDev, Ipv4 vxlanAddr, Mac vxlanMac,
                Map<Prefix, Route> routes, Map<Ipv4, Neighbour> neighbours, Map<Mac, FdbEntry> fdb) {}

    public static Map<String, Object> json(Snapshot s) {
        return json(s, true);
    }

    /**
     * {@code pairs}: whether to check every pair of hosts (the tunnels, and each host's routes against every lease).
     * A cluster of thousands of hosts has millions of pairs: its page shows the doctor's findings for them instead.
     */
    static Map<String, Object> json(Snapshot s, boolean pairs) {
        List<Vtep> vteps = s.hosts().stream().map(h -> vtep(h, pairs)).toList();
        Map<Ipv4, Vtep> byUnderlay = new HashMap<>();
        for (Vtep v : vteps) if (v.underlay() != null) byUnderlay.putIfAbsent(v.underlay(), v);
        Map<Ipv4, List<Lease>> leasesByIp = new HashMap<>(); // a host's own leases: those on its underlay address
        if (s.cluster().leases() != null) for (Lease l : s.cluster().leases()) leasesByIp.computeIfAbsent(l.publicIp(), k -> new ArrayList<>()).add(l);
        Map<String, Node> nodes = new HashMap<>();
        for (Node n : s.cluster().nodes()) nodes.putIfAbsent(n.name(), n);
        List<Lease> leases = s.cluster().leases();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("snapshot", s.name());
        out.put("network", s.cluster().flannel() == null ? null : s.cluster().flannel().network().toString());
        out.put("serviceCidr", Objects.toString(s.cluster().serviceCidr(), null));

        List<Map<String, Object>> hosts = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (Vtep v : vteps) {
            index.put(v.host().name(), hosts.size());
            hosts.add(hostJson(v, leases, leasesByIp, vteps, nodes, pairs));
        }
        out.put("hosts", hosts);

        List<Map<String, Object>> leaseJson = new ArrayList<>();
        if (leases != null) {
            for (Lease l : leases) leaseJson.add(lease(l, byUnderlay.get(l.publicIp())));
        }
        out.put("leases", leases == null ? null : leaseJson);

        // Tunnels as [a, b, a->b works, b->a works, why not]: 200 hosts give 19,900 pairs, so keep each small.
        List<List<Object>> tunnels = new ArrayList<>();
        out.put("pairsChecked", pairs);
        for (int i = 0; pairs && i < vteps.size(); i++) {
            for (int j = i + 1; j < vteps.size(); j++) {
                Vtep a = vteps.get(i), b = vteps.get(j);
                if (a.vxlanDev() == null || b.vxlanDev() == null) continue;
                String ab = tunnelProblem(a, b), ba = tunnelProblem(b, a);
                List<Object> t = new ArrayList<>(List.of(i, j, ab == null ? 1 : 0, ba == null ? 1 : 0));
                if (ab != null || ba != null) t.add(String.join("; ", java.util.stream.Stream.of(ab, ba).filter(Objects::nonNull).toList()));
                tunnels.add(t);
            }
        }
        out.put("tunnels", tunnels);
        return out;
    }

    /** One lease, the host whose underlay address it names ({@code owner}, null when none), and what disagrees between them. */
    private static Map<String, Object> lease(Lease l, Vtep owner) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subnet", l.subnet().toString());
        m.put("publicIp", l.publicIp().toString());
        m.put("vtepMac", Objects.toString(l.vtepMac(), null));
        m.put("owner", owner == null ? null : owner.host().name());
        List<String> problems = new ArrayList<>();
        if (owner == null) {
            problems.add("PublicIP " + l.publicIp() + " is no host of this snapshot");
        } else {
            if (owner.bridge() != null && !owner.bridge().equals(l.subnet()))
                problems.add("stale: " + owner.host().name() + "'s docker0 is on " + owner.bridge() + ", not " + l.subnet());
            if (l.vtepMac() != null && owner.vxlanMac() != null && !l.vtepMac().equals(owner.vxlanMac()))
                problems.add("VtepMAC " + l.vtepMac() + " is not " + owner.host().name() + "'s flannel.1 (" + owner.vxlanMac() + ")");
        }
        m.put("problems", problems);
        return m;
    }

    /** {@code pairs}: index its routes, neighbours and FDB entries for the tunnel checks (5,000 each on a big cluster: skipped). */
    private static Vtep vtep(Host h, boolean pairs) {
        Ipv4 underlay = null, vxAddr = null;
        Prefix bridge = null;
        IfAddress bridgeAddr = null;
        String vxDev = null;
        Mac vxMac = null;
        for (Link l : h.links()) {
            if (l.kind() instanceof LinkKind.Vxlan x && vxDev == null) {
                vxDev = l.name();
                vxMac = l.mac();
                underlay = x.local();
            }
        }
        // a shared part on none of these kinds of device (kube-ipvs0's 10,000 service addresses) is skipped whole
        for (var part : dev.kubepath.model.SharedList.parts(h.addresses())) {
            if (!dev.kubepath.model.PartIndex.mayHold(h, part, k -> k instanceof LinkKind.Ethernet || k instanceof LinkKind.Bridge
                    || k instanceof LinkKind.Vxlan)) continue;
            for (IfAddress a : part.items()) {
                Link l = h.link(a.dev()).orElse(null);
                if (l == null) continue;
                switch (l.kind()) {
                    case LinkKind.Ethernet e -> { if (underlay == null) underlay = a.ip(); }
                    case LinkKind.Bridge b -> { if (bridge == null) { bridge = a.prefix(); bridgeAddr = a; } }
                    case LinkKind.Vxlan x -> { if (vxAddr == null) vxAddr = a.ip(); }
                    default -> { }
                }
            }
        }
        if (underlay == null) {
            for (IfAddress a : h.addresses()) if (a.dev().startsWith("eth") || a.dev().startsWith("en")) { underlay = a.ip(); break; }
        }
        // indexed once: a 200-host cluster asks about 39,800 tunnel directions
        Map<Prefix, Route> routes = new HashMap<>();
        if (pairs) for (Route r : h.routes()) routes.putIfAbsent(r.dst(), r);
        Map<Ipv4, Neighbour> neighbours = new HashMap<>();
        Map<Mac, FdbEntry> fdb = new HashMap<>();
        if (pairs && vxDev != null) {
            for (Neighbour n : h.neighbours()) if (vxDev.equals(n.dev())) neighbours.putIfAbsent(n.ip(), n);
            for (FdbEntry f : h.fdb()) if (vxDev.equals(f.dev())) fdb.putIfAbsent(f.mac(), f);
        }
        return new Vtep(h, underlay, bridge, bridgeAddr, vxDev, vxAddr, vxMac, routes, neighbours, fdb);
    }

    private static Map<String, Object> hostJson(Vtep v, List<Lease> leases, Map<Ipv4, List<Lease>> leasesByIp, List<Vtep> all, Map<String, Node> nodes,
                                                boolean pairs) {
        Host h = v.host();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", h.name());
        m.put("underlay", Objects.toString(v.underlay(), null));
        m.put("bridge", v.bridgeAddr() == null ? null : v.bridgeAddr().ip() + "/" + v.bridgeAddr().prefixLength());
        m.put("subnet", Objects.toString(v.bridge(), null));
        m.put("vxlan", v.vxlanDev() == null ? null : Map.of("dev", v.vxlanDev(), "address", Objects.toString(v.vxlanAddr(), "?"), "mac", Objects.toString(v.vxlanMac(), "?")));
        Optional<Node> node = Optional.ofNullable(nodes.get(h.name()));
        m.put("node", node.isPresent());
        m.put("daemons", daemonLine(h));
        m.put("pods", h.containers().size());

        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (node.isEmpty()) notes.add("not a registered node (no kubelet): no NodePorts here");
        if (h.knows(Facet.DAEMONS)) {
            if (h.daemon(Daemon.KUBE_PROXY) != Daemon.State.ACTIVE) notes.add("kube-proxy " + h.daemon(Daemon.KUBE_PROXY).word() + ": no IPVS rules, ClusterIPs leave by the default route");
            if (h.daemon(Daemon.FLANNELD) != Daemon.State.ACTIVE) problems.add("flanneld is " + h.daemon(Daemon.FLANNELD).word());
        }
        if (leases != null && v.bridge() != null) {
            boolean leased = leasesByIp.getOrDefault(v.underlay(), List.of()).stream().anyMatch(l -> l.subnet().contains(v.bridge().network()));
            if (!leased) problems.add("missing lease: the registry holds no lease for docker0's " + v.bridge() + " (no other host routes to it)");
        }
        if (pairs && leases != null && v.vxlanDev() != null && h.knows(Facet.ROUTES)) {
            java.util.Set<Prefix> leased = new java.util.HashSet<>();
            for (Lease l : leases) leased.add(l.subnet());
            java.util.Set<Prefix> overlayRoutes = new java.util.HashSet<>();
            // routes on the VXLAN device to subnets no lease holds: left behind by an earlier lease
            for (Route r : h.routes()) {
                if (!v.vxlanDev().equals(r.dev())) continue;
                overlayRoutes.add(r.dst());
                if (!leased.contains(r.dst())) problems.add("stale route: " + r.describe() + " (no lease for " + r.dst() + ")");
            }
            for (Lease l : leases) {
                if (Objects.equals(l.publicIp(), v.underlay())) continue;
                boolean routed = overlayRoutes.contains(l.subnet());
                if (!routed) problems.add("missing route: no route to " + l.subnet() + " (lease of " + ownerName(l, all) + ")");
            }
        }
        m.put("problems", problems);
        m.put("notes", notes);
        return m;
    }

    private static String ownerName(Lease l, List<Vtep> all) {
        return all.stream().filter(v -> l.publicIp().equals(v.underlay())).map(v -> v.host().name()).findFirst().orElse(l.publicIp().toString());
    }

    /** Why a VXLAN packet from {@code a} to {@code b}'s subnet would not reach b's flannel.1, or null when it does. */
    static String tunnelProblem(Vtep a, Vtep b) {
        if (b.bridge() == null) return b.host().name() + " has no docker0 subnet";
        Prefix subnet = b.bridge();
        Route route = a.routes().get(subnet);
        if (route == null || !a.vxlanDev().equals(route.dev())) return a.host().name() + " has no route to " + subnet + " on " + a.vxlanDev();
        if (route.gatewayUnknown()) return a.host().name() + " routes " + subnet + " through gateway '" + route.gatewayName() + "', whose address is unknown";
        Ipv4 gw = route.via() != null ? route.via() : subnet.network();
        Neighbour neigh = a.neighbours().get(gw);
        if (neigh == null || neigh.mac() == null) return a.host().name() + " has no neighbour entry for " + gw;
        if (b.vxlanMac() != null && !neigh.mac().equals(b.vxlanMac())) return a.host().name() + " maps " + gw + " to " + neigh.mac() + ", not " + b.host().name() + "'s VTEP " + b.vxlanMac();
        FdbEntry fdb = a.fdb().get(neigh.mac());
        if (fdb == null || fdb.dst() == null) return a.host().name() + " has no FDB entry for " + neigh.mac();
        if (!fdb.dst().equals(b.underlay())) return a.host().name() + " sends " + neigh.mac() + " to " + fdb.dst() + ", not " + b.underlay();
        return null;
    }

    private static String daemonLine(Host h) {
        if (!h.knows(Facet.DAEMONS)) return null;
        StringBuilder sb = new StringBuilder();
        for (Daemon d : List.of(Daemon.FLANNELD, Daemon.DOCKER, Daemon.KUBELET, Daemon.KUBE_PROXY)) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(d.unit()).append('=').append(h.daemon(d).word());
        }
        return sb.toString();
    }
}
