package dev.kubepath.model;

import dev.kubepath.net.Prefix;

import java.util.List;
import java.util.Optional;

/**
 * The cluster-level half of a snapshot: what kubectl and the flannel registry show.
 * {@code leases} is null when the registry was not read (unknown), empty when it holds none.
 * {@code unplacedPublicIps}: public-ip annotations of flannel's kube subnet manager read without their node's subnet,
 * so without a lease (reported as problems too); kept for what they still show, one PublicIP on several nodes.
 * {@code partial}: the listings shown only in part ({@code kubectl get pods | grep node2}): what they show is observed,
 * what they lack is unknown, not absent.
 */
public record Cluster(List<Node> nodes, List<Pod> pods, List<Service> services, List<Endpoints> endpoints,
                      FlannelConfig flannel, List<Lease> leases, Prefix serviceCidr, List<PublicIpAnnotation> unplacedPublicIps,
                      List<PartialListing> partial) {
    public Cluster {
        partial = partial == null ? List.of() : List.copyOf(partial);
        nodes = List.copyOf(nodes);
        pods = List.copyOf(pods);
        services = List.copyOf(services);
        endpoints = List.copyOf(endpoints);
        leases = leases == null ? null : List.copyOf(leases);
        unplacedPublicIps = unplacedPublicIps == null ? List.of() : List.copyOf(unplacedPublicIps);
    }

    /** A cluster whose listings are whole. */
    public Cluster(List<Node> nodes, List<Pod> pods, List<Service> services, List<Endpoints> endpoints,
                   FlannelConfig flannel, List<Lease> leases, Prefix serviceCidr, List<PublicIpAnnotation> unplacedPublicIps) {
        this(nodes, pods, services, endpoints, flannel, leases, serviceCidr, unplacedPublicIps, List.of());
    }

    /** A cluster whose leases, if any, were all placed. */
    public Cluster(List<Node> nodes, List<Pod> pods, List<Service> services, List<Endpoints> endpoints,
                   FlannelConfig flannel, List<Lease> leases, Prefix serviceCidr) {
        this(nodes, pods, services, endpoints, flannel, leases, serviceCidr, List.of());
    }

    public static final Cluster EMPTY = new Cluster(List.of(), List.of(), List.of(), List.of(), null, null, null);

    /** The same cluster with these listings marked as shown in part. */
    public Cluster withPartial(List<PartialListing> listings) {
        return new Cluster(nodes, pods, services, endpoints, flannel, leases, serviceCidr, unplacedPublicIps, listings);
    }

    /** How the listing was cut, when it was shown only in part. */
    public Optional<PartialListing> partial(PartialListing.Kind kind) {
        for (PartialListing p : partial) if (p.kind() == kind) return Optional.of(p);
        return Optional.empty();
    }

    /**
     * How the listing was cut where it may lack objects of namespace {@code ns} (null: of any namespace, as "a pod on
     * node2" may be in any); empty when it shows them all.
     */
    public Optional<PartialListing> partial(PartialListing.Kind kind, String ns) {
        return partial(kind).filter(p -> ns == null || !p.covers(ns));
    }

    public Optional<Node> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    public Optional<Endpoints> endpointsOf(Service s) {
        return endpoints.stream().filter(e -> e.namespace().equals(s.namespace()) && e.name().equals(s.name())).findFirst();
    }

    /** The pod network (flannel's Network), which decides kube-proxy's masquerade of non-pod sources. */
    public Optional<Prefix> clusterCidr() {
        return Optional.ofNullable(flannel).map(FlannelConfig::network);
    }
}
