package dev.kubepath.model;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Mutable assembly of a {@link Host}; every facet touched through it becomes known. */
public final class HostBuilder {
    private final String name;
    public final List<Link> links;
    public final List<IfAddress> addresses;
    public final List<Route> routes;
    public final List<Neighbour> neighbours;
    public final List<FdbEntry> fdb;
    public final List<VirtualServer> virtualServers;
    public final List<Chain> chains;
    public final Map<String, String> sysctls = new HashMap<>();
    public final List<Socket> sockets;
    public final Map<Daemon, Daemon.State> daemons = new EnumMap<>(Daemon.class);
    public final List<Container> containers;
    public final List<IpSet> ipsets;
    /** Facets with no component of their own in {@link Host}, each a plain list (see {@link Host#list}). */
    private final Map<Facet, List<?>> lists = new EnumMap<>(Facet.class);
    public final List<NftTable> nftables;
    private final Set<Facet> known = EnumSet.noneOf(Facet.class);
    /** Parts other hosts hold too, appended (not copied) after one of the lists above when the host is built. */
    private final Map<List<?>, List<SharedList.Part<?>>> shared = new IdentityHashMap<>();

    HostBuilder(String name) {
        this.name = name;
        links = new ListDraft<>();
        addresses = new ListDraft<>();
        routes = new ListDraft<>();
        neighbours = new ListDraft<>();
        fdb = new ListDraft<>();
        virtualServers = new ListDraft<>();
        chains = new ListDraft<>();
        sockets = new ListDraft<>();
        containers = new ListDraft<>();
        ipsets = new ListDraft<>();
        nftables = new ListDraft<>();
    }

    HostBuilder(Host h) {
        this.name = h.name();
        links = new ListDraft<>(h.links());
        addresses = new ListDraft<>(h.addresses());
        routes = new ListDraft<>(h.routes());
        neighbours = new ListDraft<>(h.neighbours());
        fdb = new ListDraft<>(h.fdb());
        virtualServers = new ListDraft<>(h.virtualServers());
        chains = new ListDraft<>(h.chains());
        sysctls.putAll(h.sysctls());
        sockets = new ListDraft<>(h.sockets());
        daemons.putAll(h.daemons());
        containers = new ListDraft<>(h.containers());
        ipsets = new ListDraft<>(h.ipsets());
        lists.putAll(h.lists());
        nftables = new ListDraft<>(h.nftables());
        known.addAll(h.known());
    }

    public String name() {
        return name;
    }

    /** Declares facets known even when they are empty (an empty ipvsadm output is knowledge). */
    public HostBuilder know(Facet... facets) {
        for (Facet f : facets) known.add(f); // one add each: this runs for every route, neighbour and FDB entry added
        return this;
    }

    public boolean knows(Facet f) {
        return known.contains(f);
    }

    public HostBuilder knowAll() {
        known.addAll(EnumSet.allOf(Facet.class));
        return this;
    }

    public HostBuilder forget(Facet f) {
        known.remove(f);
        return this;
    }

    public HostBuilder link(Link l) {
        links.removeIf(x -> x.name().equals(l.name()));
        links.add(l);
        return know(Facet.LINKS);
    }

    public HostBuilder address(IfAddress a) {
        addresses.add(a);
        return know(Facet.ADDRESSES);
    }

    public HostBuilder route(Route r) {
        routes.add(r);
        return know(Facet.ROUTES);
    }

    public HostBuilder neighbour(Neighbour n) {
        neighbours.add(n);
        return know(Facet.NEIGHBOURS);
    }

    public HostBuilder fdb(FdbEntry e) {
        fdb.add(e);
        return know(Facet.FDB);
    }

    public HostBuilder virtualServer(VirtualServer v) {
        virtualServers.add(v);
        return know(Facet.IPVS);
    }

    public HostBuilder chain(Chain c) {
        chains.removeIf(x -> x.table().equals(c.table()) && x.name().equals(c.name()));
        chains.add(c);
        return know(Facet.IPTABLES);
    }

    public HostBuilder sysctl(String key, String value) {
        sysctls.put(key, value);
        return know(Facet.SYSCTLS);
    }

    public HostBuilder socket(Socket s) {
        sockets.add(s);
        return know(Facet.SOCKETS);
    }

    public HostBuilder daemon(Daemon d, Daemon.State s) {
        daemons.put(d, s);
        return know(Facet.DAEMONS);
    }

    public HostBuilder container(Container c) {
        containers.add(c);
        return know(Facet.CONTAINERS);
    }

    public HostBuilder ipset(IpSet s) {
        ipsets.removeIf(x -> x.name().equals(s.name()));
        ipsets.add(s);
        return know(Facet.IPSETS);
    }

    /** Sets a facet that has no component of its own in {@link Host}: its whole list, now known. */
    public <T> HostBuilder list(Facet f, List<T> items) {
        lists.put(f, List.copyOf(items));
        return know(f);
    }

    /**
     * Marks a facet as shown only through a filter ({@link Filtered}): what was added to it stays as observed facts,
     * the facet itself becomes unknown, so no check concludes from what the listing lacks.
     */
    public HostBuilder filtered(Facet f, String shownBy) {
        forget(f);
        List<Object> l = new ArrayList<>(lists.getOrDefault(Facet.FILTERED, List.of()));
        l.removeIf(x -> ((Filtered) x).facet() == f);
        l.add(new Filtered(f, shownBy));
        lists.put(Facet.FILTERED, List.copyOf(l));
        return know(Facet.FILTERED);
    }

    /** Replaces the table of the same family and name. */
    public HostBuilder nftTable(NftTable t) {
        nftables.removeIf(x -> x.key().equals(t.key()));
        nftables.add(t);
        return know(Facet.NFTABLES);
    }

    /**
     * Appends a part that many hosts hold alike (the ClusterIP virtual servers of every node) to one of this
     * builder's lists, e.g. {@code share(b.virtualServers, part)}: the built host keeps the part itself, so
     * thousands of hosts cost one copy. Edits through the list do not reach the part; this is for building.
     */
    public <T> HostBuilder share(List<T> own, SharedList.Part<T> part) {
        shared.computeIfAbsent(own, k -> new ArrayList<>()).add(part);
        return this;
    }

    @SuppressWarnings("unchecked")
    private <T> List<T> withShared(List<T> own) {
        List<SharedList.Part<?>> parts = shared.get(own);
        if (parts == null) return current(own);
        SharedList.Part<T>[] all = new SharedList.Part[parts.size() + 1];
        all[0] = SharedList.Part.of(current(own));
        for (int i = 0; i < parts.size(); i++) all[i + 1] = (SharedList.Part<T>) parts.get(i);
        return SharedList.of(all);
    }

    public Host build() {
        return new Host(name, current(links), withShared(addresses), withShared(routes), withShared(neighbours), withShared(fdb),
                withShared(virtualServers), current(chains), sysctls, current(sockets), daemons, current(containers), known,
                current(ipsets), current(nftables), lists);
    }

    /** A list nobody edited goes to the host as the host it came from held it (immutable): no copy. */
    private static <T> List<T> current(List<T> own) {
        return ((ListDraft<T>) own).current();
    }
}
