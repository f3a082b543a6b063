package dev.kubepath.dataplane;

import dev.kubepath.model.Container;
import dev.kubepath.model.Facet;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.PartIndex;
import dev.kubepath.model.Route;
import dev.kubepath.model.SharedList;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.PrefixTable;
import dev.kubepath.net.Protocol;

import dev.kubepath.net.LongTable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.List;
import java.util.Map;

/** One host's state indexed for lookups: the kernel's own tables, built once per snapshot and host. */
final class HostView {
    final Host host;
    final Map<String, Link> links = new HashMap<>();
    private final List<SharedList.Part<IfAddress>> addresses;
    final PrefixTable<Route> routes = new PrefixTable<>();
    private final Map<String, LongTable<Neighbour>> neighbours;
    private final Map<String, LongTable<FdbEntry>> fdb;
    private final List<SharedList.Part<VirtualServer>> virtualServers;
    private final Map<String, LongTable<Container>> containers;

    HostView(Host host) {
        this.host = host;
        for (Link l : host.links()) links.put(l.name(), l);
        addresses = SharedList.parts(host.addresses());
        for (Route r : host.routes()) if (Route.MAIN.equals(r.table())) routes.put(r.dst(), r);
        neighbours = byDevice(host.neighbours(), Neighbour::dev, n -> n.ip().unsigned());
        fdb = byDevice(host.fdb(), FdbEntry::dev, e -> e.mac().bits());
        virtualServers = SharedList.parts(host.virtualServers());
        containers = byDevice(host.containers(), Container::bridge, c -> c.ip().unsigned());
        // The kernel adds a connected route for every address whose prefix is shorter than /32.
        for (IfAddress a : host.addresses()) {
            if (a.prefixLength() < 32 && host.routes().stream().noneMatch(r -> r.dst().equals(a.prefix()) && a.dev().equals(r.dev()))) {
                routes.put(a.prefix(), new Route(Route.MAIN, Route.Type.UNICAST, a.prefix(), null, a.dev(), false, 0,
                        Route.Scope.LINK, a.ip()));
            }
        }
        routes.freeze();
        serviceRulesKnown = serviceRulesKnown(host);
    }

    private static <T> Map<String, LongTable<T>> byDevice(List<T> items, Function<T, String> dev, ToLongFunction<T> key) {
        if (items.isEmpty()) return Map.of();
        String first = dev.apply(items.get(0));
        boolean oneDevice = true;
        for (T t : items) if (!first.equals(dev.apply(t))) { oneDevice = false; break; }
        if (oneDevice) return Map.of(first, LongTable.of(items, key)); // flannel: everything on flannel.1
        Map<String, List<T>> groups = new HashMap<>();
        for (T t : items) groups.computeIfAbsent(dev.apply(t), k -> new ArrayList<>()).add(t);
        Map<String, LongTable<T>> out = new HashMap<>();
        groups.forEach((k, v) -> out.put(k, LongTable.of(v, key)));
        return out;
    }

    private static <T> T find(Map<String, LongTable<T>> tables, String dev, long key) {
        LongTable<T> t = tables.get(dev);
        return t == null ? null : t.get(key);
    }

    String name() {
        return host.name();
    }

    boolean isLocal(Ipv4 ip) {
        return (ip.bits() >>> 24) == 127 || PartIndex.hasAddress(addresses, ip);
    }

    boolean linkUp(String dev) {
        Link l = links.get(dev);
        // a route names its device: a device the listing does not show (ifconfig docker0 alone) exists; only a
        // device shown down makes its routes unusable
        return l == null || l.up();
    }

    /** Longest-prefix match among usable routes; on ties the lowest metric wins. */
    Route lookup(Ipv4 dst) {
        List<Route> candidates = routes.longestMatch(dst, r -> r.dev() == null || linkUp(r.dev()));
        Route best = null;
        for (Route r : candidates) if (best == null || r.metric() < best.metric()) best = r;
        return best;
    }

    Neighbour neighbour(String dev, Ipv4 ip) {
        return find(neighbours, dev, ip.unsigned());
    }

    FdbEntry fdb(String dev, dev.kubepath.net.Mac mac) {
        return find(fdb, dev, mac.bits());
    }

    VirtualServer virtualServer(Protocol p, Ipv4 ip, int port) {
        return PartIndex.virtualServer(virtualServers, p, ip, port);
    }

    Container container(String bridge, Ipv4 ip) {
        return find(containers, bridge, ip.unsigned());
    }

    /**
     * A VXLAN device that decapsulates what arrives on this UDP port with this VNI; else one of the VNI whose port,
     * or the sender's, is not in the snapshot (a device known by name only: the walk names the assumption).
     */
    Link vxlanFor(int port, int vni) {
        Link unknownPort = null;
        for (Link l : host.links()) {
            if (!(l.kind() instanceof LinkKind.Vxlan x) || x.vni() != vni || !l.up()) continue;
            if (x.port() == port) return l;
            if (unknownPort == null && (x.port() == Inference.UNKNOWN_PORT || port == Inference.UNKNOWN_PORT)) unknownPort = l;
        }
        return unknownPort;
    }

    private final boolean serviceRulesKnown;

    /**
     * Whether the snapshot holds where this host's kube-proxy sends service traffic: its IPVS virtual servers (IPVS
     * mode), its nat KUBE-SERVICES rules (iptables mode: jumps to KUBE-SVC-* or DNAT), or kube-proxy's nftables table. An empty ipvsadm listing
     * without the iptables rules does not say (iptables mode keeps IPVS empty), nor do IPVS mode's iptables rules
     * (their KUBE-SERVICES only marks) without the IPVS listing. A nat table without KUBE-SERVICES: kube-proxy of
     * neither mode programmed the host.
     */
    boolean serviceRulesKnown() {
        return serviceRulesKnown;
    }

    /** As {@link #serviceRulesKnown()}; also known (none) where the units show no kube-proxy at all ("not-found"). */
    static boolean serviceRulesKnown(dev.kubepath.model.Host host) {
        if (host.knows(Facet.DAEMONS) && host.daemons().get(dev.kubepath.model.Daemon.KUBE_PROXY) == dev.kubepath.model.Daemon.State.NOT_FOUND
                && host.virtualServers().isEmpty() && host.chain("nat", "KUBE-SERVICES").isEmpty()) return true;
        boolean ipvs = host.knows(Facet.IPVS);
        if (ipvs && !host.virtualServers().isEmpty()) return true;
        if (host.knows(Facet.NFTABLES) && host.nftTable("ip", "kube-proxy").isPresent()) return true; // nftables mode
        if (!host.knows(Facet.IPTABLES)) return false;
        var services = host.chain("nat", "KUBE-SERVICES");
        // no KUBE-SERVICES: kube-proxy of neither mode programmed the host, unless nftables mode did where it is not known
        if (services.isEmpty()) return host.knows(Facet.NFTABLES) && (host.chains().stream().anyMatch(c -> c.table().equals("nat")) || ipvs);
        for (var c : host.chains()) {
            if (!c.table().equals("nat") || !c.name().startsWith("KUBE-")) continue;
            for (var r : c.rules()) {
                if (r.target() instanceof dev.kubepath.model.Rule.Target.Dnat) return true;
                if (r.target() instanceof dev.kubepath.model.Rule.Target.Jump j && j.chain().startsWith("KUBE-SVC-")) return true;
            }
        }
        // KUBE-SERVICES that only marks is IPVS mode's (or iptables mode's with no service): IPVS decides
        return ipvs || services.get().rules().isEmpty();
    }

    Ipv4 primaryAddress(String dev) {
        return host.primaryAddress(dev).orElse(null);
    }
}
