package dev.kubepath.model;

import dev.kubepath.net.Prefix;

import java.util.List;
import java.util.Optional;

/**
 * The cluster-level half of a snapshot: what kubectl and the flannel registry show.
 * {@code leases} is null when the registry was not read (unknown), empty when it holds none.
 */
public record Cluster(List<Node> nodes, List<Pod> pods, List<Service> services, List<Endpoints> endpoints,
                      FlannelConfig flannel, List<Lease> leases, Prefix serviceCidr) {
    public Cluster {
        nodes = List.copyOf(nodes);
        pods = List.copyOf(pods);
        services = List.copyOf(services);
        endpoints = List.copyOf(endpoints);
        leases = leases == null ? null : List.copyOf(leases);
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
