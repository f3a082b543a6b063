package dev.kubepath.host;

import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Host;
import dev.kubepath.model.HostBuilder;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;
import dev.kubepath.net.Prefix;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A host held in memory. It enforces what the kernel would: a route needs an existing device, a gateway must be
 * reachable on the device unless the route is onlink, deleting a device deletes its addresses, routes, neighbours
 * and FDB entries. Thread-safe: agents of several hosts may run concurrently.
 */
public final class SimulatedHost implements HostNetwork {
    private Host state;

    public SimulatedHost(Host initial) {
        this.state = initial;
    }

    @Override
    public String name() {
        return state.name();
    }

    @Override
    public synchronized Host read() {
        return state;
    }

    /** Direct edits for the parts of the simulated world that are not agents (scenarios, faults). */
    public synchronized void edit(UnaryOperator<HostBuilder> editor) {
        state = editor.apply(state.toBuilder()).build();
    }

    @Override
    public synchronized void apply(List<NetChange> changes) {
        HostBuilder b = state.toBuilder();
        Present present = new Present(b);
        for (NetChange c : changes) applyOne(b, present, c);
        state = b.build();
    }

    /**
     * What one batch has on the host, by the kernel's identity of each kind (an address; a route's table, destination
     * and metric; a neighbour's address and device; an FDB entry's MAC and device), built on first use. An agent
     * adds a route, a neighbour and an FDB entry per lease (1,000 hosts: 1,000 each) and kube-proxy an address per
     * ClusterIP in one batch: a scan of the list for each made one batch quadratic. A change that deletes in
     * another way (a device, an address, a route) forgets them, to be read again.
     */
    private static final class Present {
        private record RouteKey(String table, Prefix dst, int metric) {}

        private record DevKey(Object id, String dev) {}

        private final HostBuilder b;
        private Set<IfAddress> addresses;
        private Set<RouteKey> routes;
        private Set<DevKey> neighbours, fdb;

        Present(HostBuilder b) {
            this.b = b;
        }

        void forget() {
            addresses = null;
            routes = null;
            neighbours = null;
            fdb = null;
        }

        Set<IfAddress> addresses() {
            if (addresses == null) addresses = new HashSet<>(b.addresses);
            return addresses;
        }

        Set<RouteKey> routes() {
            if (routes == null) {
                routes = new HashSet<>();
                for (Route r : b.routes) routes.add(key(r));
            }
            return routes;
        }

        Set<DevKey> neighbours() {
            if (neighbours == null) {
                neighbours = new HashSet<>();
                for (Neighbour n : b.neighbours) neighbours.add(key(n));
            }
            return neighbours;
        }

        Set<DevKey> fdb() {
            if (fdb == null) {
                fdb = new HashSet<>();
                for (FdbEntry f : b.fdb) fdb.add(key(f));
            }
            return fdb;
        }

        static RouteKey key(Route r) {
            return new RouteKey(r.table(), r.dst(), r.metric());
        }

        static DevKey key(Neighbour n) {
            return new DevKey(n.ip(), n.dev());
        }

        static DevKey key(FdbEntry f) {
            return new DevKey(f.mac(), f.dev());
        }
    }

    // long: one case per NetChange kind, each with the kernel's answer (EEXIST, ENOENT...) beside it; a table best read whole
    private void applyOne(HostBuilder b, Present present, NetChange change) {
        switch (change) {
            case NetChange.DeleteLink d -> present.forget();
            case NetChange.SetLinkUp u -> present.forget();
            case NetChange.DeleteAddress d -> present.forget();
            case NetChange.DeleteRoute d -> present.forget();
            case NetChange.DeleteNeighbour n -> present.forget();
            case NetChange.DeleteFdb f -> present.forget();
            default -> { }
        }
        switch (change) {
            case NetChange.AddLink a -> {
                if (b.links.stream().anyMatch(l -> l.name().equals(a.link().name()))) fail(change, "File exists");
                b.link(a.link());
            }
            case NetChange.DeleteLink d -> {
                if (!b.links.removeIf(l -> l.name().equals(d.name()))) fail(change, "Cannot find device \"" + d.name() + "\"");
                b.addresses.removeIf(x -> x.dev().equals(d.name()));
                b.routes.removeIf(x -> d.name().equals(x.dev()));
                b.neighbours.removeIf(x -> x.dev().equals(d.name()));
                b.fdb.removeIf(x -> x.dev().equals(d.name()));
                b.links.replaceAll(l -> d.name().equals(l.master()) ? new Link(l.name(), l.kind(), l.mtu(), l.mac(), l.up(), null) : l);
            }
            case NetChange.SetLinkUp u -> {
                b.link(requireLink(b, change, u.name()).withUp(u.up()));
                if (!u.up()) {
                    // the kernel deletes the device's routes and neighbours (PERMANENT ones too) when it goes down,
                    // and does not bring them back when it comes up; FDB entries stay
                    b.routes.removeIf(r -> u.name().equals(r.dev()) && Route.MAIN.equals(r.table()));
                    b.neighbours.removeIf(n -> n.dev().equals(u.name()));
                }
            }
            case NetChange.SetLinkMtu m -> b.link(requireLink(b, change, m.name()).withMtu(m.mtu()));
            case NetChange.SetMaster m -> {
                Link l = requireLink(b, change, m.name());
                if (m.master() != null) requireLink(b, change, m.master());
                b.link(new Link(l.name(), l.kind(), l.mtu(), l.mac(), l.up(), m.master()));
            }
            case NetChange.AddAddress a -> {
                requireLink(b, change, a.address().dev());
                if (!present.addresses().add(a.address())) fail(change, "File exists");
                b.address(a.address());
            }
            case NetChange.DeleteAddress d -> {
                if (!b.addresses.remove(d.address())) fail(change, "Cannot assign requested address");
                // the kernel (fib_del_ifaddr -> fib_disable_ip): a device left without IPv4 addresses loses its routes
                if (b.addresses.stream().noneMatch(x -> x.dev().equals(d.address().dev()))) {
                    b.routes.removeIf(x -> d.address().dev().equals(x.dev()));
                }
            }
            case NetChange.ReplaceRoute r -> {
                Route route = r.route();
                if (route.dev() != null) {
                    Link dev = requireLink(b, change, route.dev());
                    if (!dev.up()) fail(change, "Nexthop device is not up");
                    if (route.via() != null && !route.onlink() && !gatewayReachable(b, route, dev)) {
                        fail(change, "Nexthop has invalid gateway");
                    }
                }
                if (!present.routes().add(Present.key(route))) b.routes.removeIf(x -> sameKey(x, route));
                b.route(route);
            }
            case NetChange.DeleteRoute d -> {
                if (!b.routes.removeIf(x -> sameKey(x, d.route()))) fail(change, "No such process");
            }
            case NetChange.ReplaceNeighbour n -> {
                requireLink(b, change, n.neighbour().dev());
                if (!present.neighbours().add(Present.key(n.neighbour()))) {
                    b.neighbours.removeIf(x -> x.ip().equals(n.neighbour().ip()) && x.dev().equals(n.neighbour().dev()));
                }
                b.neighbour(n.neighbour());
            }
            case NetChange.DeleteNeighbour n -> {
                if (!b.neighbours.removeIf(x -> x.ip().equals(n.neighbour().ip()) && x.dev().equals(n.neighbour().dev()))) {
                    fail(change, "No such file or directory");
                }
            }
            case NetChange.ReplaceFdb f -> {
                requireLink(b, change, f.entry().dev());
                if (!present.fdb().add(Present.key(f.entry()))) {
                    b.fdb.removeIf(x -> x.mac().equals(f.entry().mac()) && x.dev().equals(f.entry().dev()));
                }
                b.fdb(f.entry());
            }
            case NetChange.DeleteFdb f -> {
                if (!b.fdb.removeIf(x -> x.mac().equals(f.entry().mac()) && x.dev().equals(f.entry().dev()))) {
                    fail(change, "No such file or directory");
                }
            }
            case NetChange.SetSysctl s -> b.sysctl(s.key(), s.value());
            case NetChange.ReplaceVirtualServers v -> {
                b.virtualServers.clear();
                b.virtualServers.addAll(v.virtualServers());
                b.know(dev.kubepath.model.Facet.IPVS);
            }
            case NetChange.ReplaceNftTable t -> b.nftTable(t.table());
            case NetChange.ReplaceIpSets i -> {
                b.ipsets.removeIf(x -> x.name().startsWith(i.owner()));
                i.sets().forEach(b::ipset);
                b.know(dev.kubepath.model.Facet.IPSETS);
            }
            case NetChange.ReplaceChains c -> {
                for (var chain : c.chains()) b.chain(chain);
                b.know(dev.kubepath.model.Facet.IPTABLES);
            }
        }
    }

    /**
     * {@link Route#key()} compared field by field: a host with 1,000 leases replaces 1,000 routes at boot, and
     * building two strings per route for each of them made a 1,000-node simulation's boot quadratic in strings.
     */
    private static boolean sameKey(Route a, Route b) {
        return a.metric() == b.metric() && a.dst().equals(b.dst()) && java.util.Objects.equals(a.table(), b.table());
    }

    /** The kernel accepts a gateway only inside a connected prefix of the device, unless the route is onlink. */
    private static boolean gatewayReachable(HostBuilder b, Route r, Link dev) {
        for (IfAddress a : b.addresses) if (a.dev().equals(dev.name()) && a.prefix().contains(r.via())) return true;
        for (Route x : b.routes) if (dev.name().equals(x.dev()) && x.via() == null && x.dst().contains(r.via())) return true;
        return false;
    }

    /** A loop, not a stream: it runs for every route, neighbour and FDB entry an agent adds (1,000 hosts: 1,000 each). */
    private static Link requireLink(HostBuilder b, NetChange change, String name) {
        for (Link l : b.links) if (l.name().equals(name)) return l;
        throw new HostNetworkException(change + ": Cannot find device \"" + name + "\"");
    }

    private void fail(NetChange change, String why) {
        throw new HostNetworkException(state.name() + ": " + change + ": " + why);
    }
}
