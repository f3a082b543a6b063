package dev.kubepath.host;

import dev.kubepath.model.Host;
import dev.kubepath.model.HostBuilder;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.Route;

import java.util.List;
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
        for (NetChange c : changes) applyOne(b, c);
        state = b.build();
    }

    // long: one case per NetChange kind, each with the kernel's answer (EEXIST, ENOENT...) beside it; a table best read whole
    private void applyOne(HostBuilder b, NetChange change) {
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
                if (b.addresses.contains(a.address())) fail(change, "File exists");
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
                b.routes.removeIf(x -> sameKey(x, route));
                b.route(route);
            }
            case NetChange.DeleteRoute d -> {
                if (!b.routes.removeIf(x -> sameKey(x, d.route()))) fail(change, "No such process");
            }
            case NetChange.ReplaceNeighbour n -> {
                requireLink(b, change, n.neighbour().dev());
                b.neighbours.removeIf(x -> x.ip().equals(n.neighbour().ip()) && x.dev().equals(n.neighbour().dev()));
                b.neighbour(n.neighbour());
            }
            case NetChange.DeleteNeighbour n -> {
                if (!b.neighbours.removeIf(x -> x.ip().equals(n.neighbour().ip()) && x.dev().equals(n.neighbour().dev()))) {
                    fail(change, "No such file or directory");
                }
            }
            case NetChange.ReplaceFdb f -> {
                requireLink(b, change, f.entry().dev());
                b.fdb.removeIf(x -> x.mac().equals(f.entry().mac()) && x.dev().equals(f.entry().dev()));
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

    private static Link requireLink(HostBuilder b, NetChange change, String name) {
        return b.links.stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new HostNetworkException(change + ": Cannot find device \"" + name + "\""));
    }

    private void fail(NetChange change, String why) {
        throw new HostNetworkException(state.name() + ": " + change + ": " + why);
    }
}
