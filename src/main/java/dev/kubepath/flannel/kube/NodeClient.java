package dev.kubepath.flannel.kube;

import dev.kubepath.flannel.registry.LeaseEvent;
import dev.kubepath.flannel.registry.LeaseSnapshot;
import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Prefix;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * flanneld's view of the API server with {@code --kube-subnet-mgr}: it reads every node, but its lease is always
 * its own node's podCIDR ({@link #assignedSubnet()}), and creating or renewing it writes that node's annotations.
 */
final class NodeClient implements SubnetRegistry {
    private final KubeNodes nodes;
    private final String node;

    NodeClient(KubeNodes nodes, String node) {
        this.nodes = nodes;
        this.node = node;
    }

    @Override
    public Optional<Prefix> assignedSubnet() {
        Prefix p = nodes.podCidr(node);
        if (p == null) throw new dev.kubepath.flannel.registry.RegistryUnavailableException("node \"" + node + "\" pod cidr not assigned");
        return Optional.of(p);
    }

    @Override
    public Optional<String> getConfig() {
        return nodes.getConfig();
    }

    @Override
    public void setConfig(String json) {
        throw new UnsupportedOperationException("flanneld does not write the kube-flannel-cfg ConfigMap");
    }

    @Override
    public LeaseSnapshot getLeases() {
        return nodes.getLeases();
    }

    @Override
    public Optional<Lease> getLease(Prefix subnet) {
        return nodes.getLease(subnet);
    }

    @Override
    public Optional<Lease> createLease(Lease lease, Duration ttl) {
        return Optional.of(nodes.writeLease(node, lease));
    }

    /** flannel's kube manager does not renew (RenewLease is unimplemented there): the annotations are written again if they drifted. */
    @Override
    public Lease renewLease(Lease lease, Duration ttl) {
        return nodes.writeLease(node, lease);
    }

    @Override
    public void deleteLease(Prefix subnet) {
        nodes.deleteLease(subnet);
    }

    @Override
    public LeaseWatch watch(long afterRevision, Consumer<LeaseEvent> listener, Consumer<RuntimeException> onError) {
        return nodes.watch(afterRevision, listener, onError);
    }

    @Override
    public void close() {
        // the shared view stays open for the other nodes' agents
    }
}
