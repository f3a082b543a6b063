package dev.kubepath.model;

import dev.kubepath.net.Ipv4;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One machine's network state, vendor-neutral: what {@code ip}, {@code bridge}, {@code ipvsadm},
 * {@code iptables-save}, {@code nft list ruleset}, {@code ipset}, {@code sysctl} and {@code systemctl} would show, plus the pods on its bridges.
 * {@code known} lists the facets this snapshot actually holds; an absent facet is unknown, not empty.
 */
public record Host(String name, List<Link> links, List<IfAddress> addresses, List<Route> routes,
                   List<Neighbour> neighbours, List<FdbEntry> fdb, List<VirtualServer> virtualServers,
                   List<Chain> chains, Map<String, String> sysctls, List<Socket> sockets,
                   Map<Daemon, Daemon.State> daemons, List<Container> containers, Set<Facet> known,
                   List<IpSet> ipsets, List<NftTable> nftables, Map<Facet, List<?>> lists) {

    public static final String IP_FORWARD = "net.ipv4.ip_forward";
    /** 0 when br_netfilter is loaded but off; absent from {@code sysctl} output when the module is not loaded. */
    public static final String BRIDGE_NF_CALL_IPTABLES = "net.bridge.bridge-nf-call-iptables";
    public static final String RP_FILTER_ALL = "net.ipv4.conf.all.rp_filter";

    public Host {
        links = List.copyOf(links);
        addresses = SharedList.copyOf(addresses);
        routes = SharedList.copyOf(routes);
        neighbours = SharedList.copyOf(neighbours);
        fdb = SharedList.copyOf(fdb);
        virtualServers = SharedList.copyOf(virtualServers);
        chains = List.copyOf(chains);
        sysctls = Map.copyOf(sysctls);
        sockets = List.copyOf(sockets);
        daemons = Map.copyOf(daemons);
        containers = List.copyOf(containers);
        ipsets = List.copyOf(ipsets);
        nftables = List.copyOf(nftables);
        lists = Map.copyOf(lists);
        // an EnumSet behind the read-only view: knows() is on the tracer's hot path
        known = java.util.Collections.unmodifiableSet(known.isEmpty() ? EnumSet.noneOf(Facet.class) : EnumSet.copyOf(known));
    }

    /** A host with no facet beyond the named components and no nftables tables (every shape but kube-proxy's nftables mode). */
    public Host(String name, List<Link> links, List<IfAddress> addresses, List<Route> routes,
                List<Neighbour> neighbours, List<FdbEntry> fdb, List<VirtualServer> virtualServers,
                List<Chain> chains, Map<String, String> sysctls, List<Socket> sockets,
                Map<Daemon, Daemon.State> daemons, List<Container> containers, Set<Facet> known, List<IpSet> ipsets) {
        this(name, links, addresses, routes, neighbours, fdb, virtualServers, chains, sysctls, sockets, daemons,
                containers, known, ipsets, List.of(), Map.of());
    }

    /**
     * A facet held as a plain list, with no component of its own (see {@link HostBuilder#list}): a new facet needs
     * no change to Host or HostBuilder. Empty when the facet is unknown; check {@link #knows(Facet)} first.
     */
    public <T> List<T> list(Facet f, Class<T> type) {
        List<?> l = lists.getOrDefault(f, List.of());
        for (Object o : l) type.cast(o); // a wrong type fails here, at the reader, not later in a caller's loop
        @SuppressWarnings("unchecked") List<T> typed = (List<T>) l;
        return typed;
    }

    /**
     * The command that showed this facet in part ({@code ip route | grep flannel}), when it was shown only through a
     * filter: its lines are observed, the facet is unknown. Empty when the facet is whole, or not shown at all.
     */
    public Optional<String> filteredBy(Facet f) {
        for (Object o : lists.getOrDefault(Facet.FILTERED, List.of())) if (o instanceof Filtered x && x.facet() == f) return Optional.of(x.shownBy());
        return Optional.empty();
    }

    public boolean knows(Facet f) {
        return known.contains(f);
    }

    public Optional<Link> link(String dev) {
        for (Link l : links) if (l.name().equals(dev)) return Optional.of(l);
        return Optional.empty();
    }

    /** The first address on a device, which is what MASQUERADE and source selection use. */
    public Optional<Ipv4> primaryAddress(String dev) {
        for (IfAddress a : addresses) if (a.dev().equals(dev)) return Optional.of(a.ip());
        return Optional.empty();
    }

    public Daemon.State daemon(Daemon d) {
        return daemons.getOrDefault(d, Daemon.State.NOT_FOUND);
    }

    /** ip_forward defaults to on when unknown is not assumed: callers check {@link #knows(Facet)} first. */
    public boolean ipForward() {
        return !"0".equals(sysctls.getOrDefault(IP_FORWARD, "1").trim());
    }

    public Optional<Chain> chain(String table, String name) {
        for (Chain c : chains) if (c.table().equals(table) && c.name().equals(name)) return Optional.of(c);
        return Optional.empty();
    }

    public Optional<IpSet> ipset(String name) {
        for (IpSet s : ipsets) if (s.name().equals(name)) return Optional.of(s);
        return Optional.empty();
    }

    /** The nftables table "family name" ("ip kube-proxy"), if the host has it. */
    public Optional<NftTable> nftTable(String family, String tableName) {
        for (NftTable t : nftables) if (t.family().equals(family) && t.name().equals(tableName)) return Optional.of(t);
        return Optional.empty();
    }

    public HostBuilder toBuilder() {
        return new HostBuilder(this);
    }

    public static HostBuilder builder(String name) {
        return new HostBuilder(name);
    }
}
