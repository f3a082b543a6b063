package dev.kubepath.flannel.vxlan;

import dev.kubepath.host.HostNetwork;
import dev.kubepath.host.NetChange;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.FlannelConfig;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * flannel's vxlan backend: from our lease and everyone's leases it computes the host state (device
 * {@code flannel.<VNI>}, and per remote lease a permanent neighbour, an FDB entry and an onlink route) and applies
 * it to a {@link HostNetwork} as a diff. It never talks to the registry.
 */
public final class VxlanBackend {
    /** VXLAN over IPv4 adds 50 bytes: outer IP 20 + UDP 8 + VXLAN 8 + inner Ethernet 14. */
    public static final int OVERHEAD = 50;

    private final FlannelConfig config;
    private final Underlay underlay;

    public VxlanBackend(FlannelConfig config, Underlay underlay) {
        this.config = config;
        this.underlay = underlay;
    }

    public String deviceName() {
        return "flannel." + config.vni();
    }

    /** The MAC the device has now when it is ours and compatible, else {@code fresh}: flannel keeps a good device. */
    public Mac vtepMac(Host host, Mac fresh) {
        return host.link(deviceName()).filter(l -> compatible(l, deviceLink(fresh))).map(Link::mac).orElse(fresh);
    }

    public Link deviceLink(Mac mac) {
        return new Link(deviceName(), new LinkKind.Vxlan(config.vni(), config.port(), underlay.ip(), underlay.dev(), false),
                underlay.mtu() - OVERHEAD, mac, true, null);
    }

    public DesiredState desired(Lease own, Collection<Lease> leases) {
        String dev = deviceName();
        List<Route> routes = new ArrayList<>(leases.size());
        List<Neighbour> neighbours = new ArrayList<>(leases.size());
        List<FdbEntry> fdb = new ArrayList<>(leases.size());
        for (Lease l : leases) {
            if (l.subnet().equals(own.subnet()) || l.publicIp() == null) continue;
            if (!"vxlan".equals(l.backendType()) || l.vtepMac() == null) continue; // flannel ignores other backends
            if (config.directRouting() && underlay.connected().contains(l.publicIp())) {
                routes.add(Route.via(l.subnet(), l.publicIp(), underlay.dev(), 0));
                continue;
            }
            PeerEntries e = PeerEntries.of(l, dev);
            routes.add(e.route());
            neighbours.add(e.neighbour());
            fdb.add(e.fdb());
        }
        return new DesiredState(deviceLink(own.vtepMac()), new IfAddress(dev, own.subnet().network(), 32), routes, neighbours, fdb);
    }

    /** The changes that turn {@code actual} into {@code want}; entries not on the flannel device are left alone. */
    public List<NetChange> diff(Host actual, DesiredState want) {
        List<NetChange> out = new ArrayList<>();
        String dev = want.device().name();
        Link have = actual.link(dev).orElse(null);
        boolean fresh = false;
        if (have != null && !compatible(have, want.device())) {
            out.add(new NetChange.DeleteLink(dev)); // flannel: "conflicting link, deleting & recreating"
            have = null;
        }
        if (have == null) {
            out.add(new NetChange.AddLink(want.device()));
            fresh = true;
        } else {
            if (have.mtu() != want.device().mtu()) out.add(new NetChange.SetLinkMtu(dev, want.device().mtu()));
            if (!have.up()) out.add(new NetChange.SetLinkUp(dev, true));
        }
        boolean hasAddress = false;
        List<NetChange> staleAddresses = new ArrayList<>();
        if (!fresh) {
            for (IfAddress a : actual.addresses()) {
                if (!a.dev().equals(dev)) continue;
                if (a.equals(want.address())) hasAddress = true;
                else staleAddresses.add(new NetChange.DeleteAddress(a));
            }
        }
        // The new address first: when a device loses its last IPv4 address the kernel deletes every route through
        // it, and the routes this diff keeps (or deletes itself) would be gone (RTNETLINK: No such process).
        if (!hasAddress) out.add(new NetChange.AddAddress(want.address()));
        out.addAll(staleAddresses);

        Map<RouteKey, Route> wantRoutes = new HashMap<>();
        for (Route r : want.routes()) wantRoutes.put(RouteKey.of(r), r);
        if (!fresh) {
            Set<Neighbour> wantNeigh = new HashSet<>(want.neighbours()); // a fresh device has nothing to delete
            Set<FdbEntry> wantFdb = new HashSet<>(want.fdb());
            for (Route r : actual.routes()) {
                // only main-table unicast routes are flannel's: the kernel's local/broadcast routes for flannel.1's
                // own address (table local) must stay, or the VTEP address stops being local and replies are lost
                if (!Route.MAIN.equals(r.table()) || r.type() != Route.Type.UNICAST) continue;
                if (dev.equals(r.dev()) && !wantRoutes.containsKey(RouteKey.of(r))) out.add(new NetChange.DeleteRoute(r));
                else if (isStaleDirectRoute(r) && !wantRoutes.containsKey(RouteKey.of(r))) out.add(new NetChange.DeleteRoute(r));
            }
            for (Neighbour n : actual.neighbours()) {
                if (n.dev().equals(dev) && !wantNeigh.contains(n)) out.add(new NetChange.DeleteNeighbour(n));
            }
            for (FdbEntry f : actual.fdb()) {
                if (f.dev().equals(dev) && !wantFdb.contains(f)) out.add(new NetChange.DeleteFdb(f));
            }
        }
        Set<Neighbour> haveNeigh = fresh ? Set.of() : new HashSet<>(actual.neighbours());
        Set<FdbEntry> haveFdb = fresh ? Set.of() : new HashSet<>(actual.fdb());
        for (Neighbour n : want.neighbours()) if (!haveNeigh.contains(n)) out.add(new NetChange.ReplaceNeighbour(n));
        for (FdbEntry f : want.fdb()) if (!haveFdb.contains(f)) out.add(new NetChange.ReplaceFdb(f));
        Map<RouteKey, Route> haveRoutes = new HashMap<>();
        if (!fresh) for (Route r : actual.routes()) haveRoutes.put(RouteKey.of(r), r);
        else for (Route r : actual.routes()) if (!dev.equals(r.dev())) haveRoutes.put(RouteKey.of(r), r);
        for (Route r : want.routes()) if (!r.equals(haveRoutes.get(RouteKey.of(r)))) out.add(new NetChange.ReplaceRoute(r));
        return out;
    }

    /**
     * The route, neighbour and FDB entry of one remote lease, alike on every host that sees the lease: one copy
     * for all of them (5,000 hosts each holding 5,000 leases' entries are 75 million objects otherwise). A bounded
     * table of what was made lately; when full it starts again, which costs only the sharing.
     */
    private record PeerEntries(Route route, Neighbour neighbour, FdbEntry fdb) {
        private record Key(Prefix subnet, dev.kubepath.net.Ipv4 publicIp, Mac vtepMac, String dev) {}

        private static final int KEPT = 200_000;
        private static final java.util.concurrent.ConcurrentHashMap<Key, PeerEntries> MADE = new java.util.concurrent.ConcurrentHashMap<>();

        static PeerEntries of(Lease l, String dev) {
            Key k = new Key(l.subnet(), l.publicIp(), l.vtepMac(), dev);
            PeerEntries e = MADE.get(k);
            if (e != null) return e;
            if (MADE.size() >= KEPT) MADE.clear();
            return MADE.computeIfAbsent(k, x -> new PeerEntries(Route.onlink(l.subnet(), l.subnet().network(), dev),
                    new Neighbour(l.subnet().network(), dev, l.vtepMac(), Neighbour.State.PERMANENT),
                    new FdbEntry(l.vtepMac(), dev, l.publicIp(), true)));
        }
    }

    /** {@link Route#key()} as a record: a diff on a host of 1,000 leases had built two strings per route. */
    private record RouteKey(String table, Prefix dst, int metric) {
        static RouteKey of(Route r) {
            return new RouteKey(r.table(), r.dst(), r.metric());
        }
    }

    /** Reads the host, computes the diff and applies it; returns what was applied. */
    public List<NetChange> reconcile(HostNetwork host, DesiredState want) {
        List<NetChange> changes = diff(host.read(), want);
        if (!changes.isEmpty()) host.apply(changes);
        return changes;
    }

    /**
     * A DirectRouting route flannel made earlier (a subnet of the Network, via a peer on our L2 segment, on the
     * underlay device). Only considered with DirectRouting on, so admins' routes on eth0 stay untouched otherwise.
     */
    private boolean isStaleDirectRoute(Route r) {
        return config.directRouting() && underlay.dev().equals(r.dev()) && r.via() != null
                && r.dst().length() == config.subnetLen() && config.network().contains(r.dst())
                && underlay.connected().contains(r.via());
    }

    private static boolean compatible(Link have, Link want) {
        return have.kind() instanceof LinkKind.Vxlan h && want.kind() instanceof LinkKind.Vxlan w
                && h.vni() == w.vni() && h.port() == w.port() && h.learning() == w.learning()
                && (h.local() == null || h.local().equals(w.local()));
    }
}
