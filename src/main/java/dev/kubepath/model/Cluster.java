package dev.kubepath.model;

import dev.kubepath.net.Prefix;

import java.util.List;
import java.util.Optional;

/**
 * The cluster-level half of a snapshot: what kubectl and the flannel registry show.
 * {@code leases} is null when the registry was not read (unknown), empty when it holds none.
 * {@code unplacedPublicIps}: public-ip annotations of flannel's kube subnet manager read without their node's subnet,
 * so without a lease (reported as problems too); kept for what they still show, one PublicIP on several nodes.
 */
public record Cluster(List<Node> nodes, List<Pod> pods, List<Service> services, List<Endpoints> endpoints,
                      FlannelConfig flannel, List<Lease> leases, Prefix serviceCidr, List<PublicIpAnnotation> unplacedPublicIps) {
    public Cluster {
        nodes = List.copyOf(nodes);
        pods = List.copyOf(pods);
        services = List.copyOf(services);
        endpoints = List.copyOf(endpoints);
        leases = leases == null ? null : List.copyOf(leases);
        unplacedPublicIps = unplacedPublicIps == null ? List.of() : List.copyOf(unplacedPublicIps);
    }

    /** A cluster whose leases, if any, were all placed. */
    public Cluster(List<Node> nodes, List<Pod> pods, List<Service> services, List<Endpoints> endpoints,
                   FlannelConfig flannel, List<Lease> leases, Prefix serviceCidr) {
        this(nodes, pods, services, endpoints, flannel, leases, serviceCidr, List.of());
    }

    public static final Cluster EMPTY = new Cluster(List.of(), List.of(), List.of(), List.of(), null, null, null);

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
