package dev.kubepath.model;

/**
 * The parts of a host's state a snapshot may or may not know. A snapshot collected from a real cluster can lack
 * some (no neighbour table in the bundle, say); the data plane then reports insufficient information instead of
 * guessing.
 */
public enum Facet {
    LINKS, ADDRESSES, ROUTES, NEIGHBOURS, FDB, IPVS, IPTABLES, SYSCTLS, SOCKETS, DAEMONS, CONTAINERS, IPSETS,
    /** kube-proxy's nftables-mode table as the data plane evaluates it ({@link NftTable}). */
    NFTABLES,
    /** The nft ruleset as listed (nft.txt), held with {@link HostBuilder#list}; what it realises lands in the other facets. */
    NFT,
    /** The facets shown only through a filter ({@link Filtered}), held with {@link HostBuilder#list}; each stays unknown. */
    FILTERED,
    /** docker's network options as flannel's mk-docker-opts.sh wrote them (docker-opts.txt), held with {@link HostBuilder#list}. */
    DOCKER_OPTS
}
