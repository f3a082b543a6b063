package dev.kubepath.dataplane;

import dev.kubepath.model.Container;
import dev.kubepath.model.Facet;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.PrefixTable;
import dev.kubepath.net.Protocol;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One host's state indexed for lookups: the kernel's own tables, built once per snapshot and host. */
final class HostView {
    final Host host;
    final Map<String, Link> links = new HashMap<>();
    final Map<Integer, IfAddress> local = new HashMap<>();
    final PrefixTable<Route> routes = new PrefixTable<>();
    final Map<String, Neighbour> neighbours = new HashMap<>();
    final Map<String, FdbEntry> fdb = new HashMap<>();
    final Map<String, VirtualServer> virtualServers = new HashMap<>();
    final Map<String, Container> containers = new HashMap<>();

    HostView(Host host) {
        this.host = host;
        for (Link l : host.links()) links.put(l.name(), l);
        for (IfAddress a : host.addresses()) local.putIfAbsent(a.ip().bits(), a);
        for (Route r : host.routes()) if (Route.MAIN.equals(r.table())) routes.put(r.dst(), r);
        for (Neighbour n : host.neighbours()) neighbours.put(n.dev() + "|" + n.ip().bits(), n);
        for (FdbEntry e : host.fdb()) if (e.dst() != null) fdb.put(e.dev() + "|" + e.mac().bits(), e);
        for (VirtualServer v : host.virtualServers()) virtualServers.put(vsKey(v.protocol(), v.address().ip(), v.address().port()), v);
        for (Container c : host.containers()) containers.put(c.bridge() + "|" + c.ip().bits(), c);
        // The kernel adds a connected route for every address whose prefix is shorter than /32.
        for (IfAddress a : host.addresses()) {
            if (a.prefixLength() < 32 && routes.exact(a.prefix()).stream().noneMatch(r -> a.dev().equals(r.dev()))) {
                routes.put(a.prefix(), new Route(Route.MAIN, Route.Type.UNICAST, a.prefix(), null, a.dev(), false, 0,
                        Route.Scope.LINK, a.ip()));
            }
        }
    }

    static String vsKey(Protocol p, Ipv4 ip, int port) {
        return p.ordinal() + "|" + ip.bits() + "|" + port;
    }

    String name() {
        return host.name();
    }

    boolean isLocal(Ipv4 ip) {
        return local.containsKey(ip.bits()) || (ip.bits() >>> 24) == 127;
    }

    boolean linkUp(String dev) {
        Link l = links.get(dev);
        return l == null ? !host.knows(Facet.LINKS) : l.up();
    }

    /** Longest-prefix match among usable routes; on ties the lowest metric wins. */
    Route lookup(Ipv4 dst) {
        List<Route> candidates = routes.longestMatch(dst, r -> r.dev() == null || linkUp(r.dev()));
        Route best = null;
        for (Route r : candidates) if (best == null || r.metric() < best.metric()) best = r;
        return best;
    }

    /** The longest-prefix route ignoring link state, to explain why a route was passed over. */
    Route lookupIgnoringState(Ipv4 dst) {
        List<Route> candidates = routes.longestMatch(dst);
        return candidates.isEmpty() ? null : candidates.get(0);
    }

    Neighbour neighbour(String dev, Ipv4 ip) {
        return neighbours.get(dev + "|" + ip.bits());
    }

    FdbEntry fdb(String dev, dev.kubepath.net.Mac mac) {
        return fdb.get(dev + "|" + mac.bits());
    }

    VirtualServer virtualServer(Protocol p, Ipv4 ip, int port) {
        return virtualServers.get(vsKey(p, ip, port));
    }

    Container container(String bridge, Ipv4 ip) {
        return containers.get(bridge + "|" + ip.bits());
    }

    /** A VXLAN device that decapsulates what arrives on this UDP port with this VNI. */
    Link vxlanFor(int port, int vni) {
        for (Link l : host.links()) {
            if (l.kind() instanceof LinkKind.Vxlan x && x.port() == port && x.vni() == vni && l.up()) return l;
        }
        return null;
    }

    Ipv4 primaryAddress(String dev) {
        return host.primaryAddress(dev).orElse(null);
    }
}
