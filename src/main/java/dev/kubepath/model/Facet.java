package dev.kubepath.model;

/**
 * The parts of a host's state a snapshot may or may not know. A snapshot collected from a real cluster can lack
 * some (no neighbour table in the bundle, say); the data plane then reports insufficient information instead of
 * guessing.
 */
public enum Facet {
    LINKS, ADDRESSES, ROUTES, NEIGHBOURS, FDB, IPVS, IPTABLES, SYSCTLS, SOCKETS, DAEMONS, CONTAINERS, IPSETS, NFTABLES
}
