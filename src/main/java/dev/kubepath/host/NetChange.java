package dev.kubepath.host;

import dev.kubepath.model.Chain;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;
import dev.kubepath.model.VirtualServer;

import java.util.List;

/**
 * One change an agent asks of a host's network. Agents compute a list of these as a diff between the desired and
 * the actual state; each {@link HostNetwork} applies the list in order (the Linux one as one {@code ip -batch}).
 */
public sealed interface NetChange {
    record AddLink(Link link) implements NetChange {}

    record DeleteLink(String name) implements NetChange {}

    record SetLinkUp(String name, boolean up) implements NetChange {}

    record SetLinkMtu(String name, int mtu) implements NetChange {}

    /** Enslaves a device to a bridge (null master releases it). */
    record SetMaster(String name, String master) implements NetChange {}

    record AddAddress(IfAddress address) implements NetChange {}

    record DeleteAddress(IfAddress address) implements NetChange {}

    /** {@code ip route replace}: the route with the same table, destination and metric is overwritten. */
    record ReplaceRoute(Route route) implements NetChange {}

    record DeleteRoute(Route route) implements NetChange {}

    record ReplaceNeighbour(Neighbour neighbour) implements NetChange {}

    record DeleteNeighbour(Neighbour neighbour) implements NetChange {}

    record ReplaceFdb(FdbEntry entry) implements NetChange {}

    record DeleteFdb(FdbEntry entry) implements NetChange {}

    record SetSysctl(String key, String value) implements NetChange {}

    /** The whole IPVS table at once: a service proxy computes it from the full desired state. */
    record ReplaceVirtualServers(List<VirtualServer> virtualServers) implements NetChange {}

    /**
     * The ipsets one owner keeps (kube-proxy's KUBE-CLUSTER-IP, KUBE-NODE-PORT-TCP ... in IPVS mode) replaced whole, as
     * kube-proxy's sync rewrites them; the host's other sets stay.
     */
    record ReplaceIpSets(String owner, List<dev.kubepath.model.IpSet> sets) implements NetChange {}

    /** One nftables table replaced whole, as {@code nft -f} applies a file in one transaction (kube-proxy's nftables mode). */
    record ReplaceNftTable(dev.kubepath.model.NftTable table) implements NetChange {}

    /** Every chain of one owner (e.g. kube-proxy's nat chains) replaced at once, as iptables-restore --noflush does. */
    record ReplaceChains(String owner, List<Chain> chains) implements NetChange {}
}
