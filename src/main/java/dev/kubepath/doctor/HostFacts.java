package dev.kubepath.doctor;

import dev.kubepath.model.Cluster;
import dev.kubepath.model.Facet;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.List;

/**
 * What the checks need to know of one host, read once: its underlay addresses, bridge (docker0) addresses, VXLAN
 * device, the leases whose PublicIP it holds, whether it is a registered node, and the parts of its routes.
 */
record HostFacts(Host host, List<Ipv4> underlay, List<IfAddress> bridges, Link vxlan, List<Lease> ownLeases, Node node,
                 List<dev.kubepath.model.SharedList.Part<dev.kubepath.model.Route>> routeParts) {

    /** The host's facts, looked up in the cluster's index (built once for all hosts). */
    static HostFacts of(Host h, Cluster cluster, ClusterIndex index) {
        List<Ipv4> underlay = new ArrayList<>();
        List<IfAddress> allBridges = new ArrayList<>();
        // a shared part whose devices are none of these kinds (kube-ipvs0's 10,000 service addresses) is skipped whole
        for (var part : dev.kubepath.model.SharedList.parts(h.addresses())) {
            if (!dev.kubepath.model.PartIndex.mayHold(h, part, k -> k instanceof LinkKind.Ethernet || k instanceof LinkKind.Veth
                    || k instanceof LinkKind.Bridge)) continue;
            for (IfAddress a : part.items()) {
                // a device the listing does not show: lo, kube-ipvs0 and flannel.N are no underlay (a pod bridge named
                // so was made a bridge by BRIDGE_BY_NAME)
                LinkKind kind = h.link(a.dev()).map(Link::kind).orElse(dev.kubepath.dataplane.Inference.unlistedOnWire(a)
                        ? new LinkKind.Ethernet() : new LinkKind.Dummy());
                switch (kind) {
                    case LinkKind.Ethernet e -> underlay.add(a.ip());
                    case LinkKind.Veth v -> underlay.add(a.ip());
                    case LinkKind.Bridge b -> {
                        if (a.prefixLength() < 32) allBridges.add(a);
                    }
                    default -> { }
                }
            }
        }
        Link vxlan = h.links().stream().filter(Link::isVxlan).findFirst().orElse(null);
        List<Lease> own = index.leasesOf(underlay);
        List<IfAddress> bridges = dev.kubepath.dataplane.Inference.podBridges(h, index.podsOn(h.name()), allBridges, own);
        Node node = index.nodeOf(h.name(), underlay);
        // the parts of the routes, made once: a list read from a bundle is one part of its own, whose notes (the
        // leases it routes) the checks find again only on the same part
        return new HostFacts(h, List.copyOf(underlay), List.copyOf(bridges), vxlan, List.copyOf(own), node,
                dev.kubepath.model.SharedList.parts(h.routes()));
    }

    String name() {
        return host.name();
    }

    boolean isNode() {
        return node != null;
    }

    /** The address other hosts reach it on: the node's InternalIP, else its first underlay address. */
    Ipv4 primary() {
        if (node != null && node.internalIp() != null) return node.internalIp();
        return underlay.isEmpty() ? null : underlay.get(0);
    }

    /** The host takes part in the overlay: it has a VXLAN device or a route through one. */
    boolean onOverlay() {
        return vxlan != null || host.routes().stream().anyMatch(r -> r.dev() != null && r.dev().startsWith("flannel."));
    }

    boolean knows(Facet f) {
        return host.knows(f);
    }

    List<Prefix> bridgeSubnets() {
        return bridges.stream().map(IfAddress::prefix).toList();
    }
}
