package dev.kubepath.flannel.kube;

import dev.kubepath.flannel.NetworkConfigs;
import dev.kubepath.flannel.registry.LeaseEvent;
import dev.kubepath.flannel.registry.LeaseNotFoundException;
import dev.kubepath.flannel.registry.LeaseSnapshot;
import dev.kubepath.flannel.registry.RegistryUnavailableException;
import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What flannel's Kubernetes subnet manager sees of the API server: each Node's {@code spec.podCIDR} (given by the
 * controller manager's {@link NodeCidrAllocator} when the node registers) and {@code metadata.annotations}, and
 * net-conf.json from the {@code kube-flannel-cfg} ConfigMap. A lease is a node whose annotations say
 * {@code kube-subnet-manager: "true"}; there is no TTL (flannel's kube manager never renews), so leases carry no
 * expiration. As a {@link SubnetRegistry} this is the cluster-wide view (every node's lease, the watch); each
 * flanneld uses {@link #forNode(String)}, which may only write its own node's annotations, as flanneld's RBAC allows.
 */
public final class KubeNodes implements SubnetRegistry {
    /** One Node object as far as flannel reads it. */
    public record NodeObject(String name, Ipv4 internalIp, Prefix podCidr, Map<String, String> annotations) {
        public NodeObject {
            annotations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
        }
    }

    private record Watcher(Consumer<LeaseEvent> listener, Consumer<RuntimeException> onError) {}

    private final NodeCidrAllocator allocator;
    private final Map<String, NodeObject> nodes = new TreeMap<>();
    private final List<LeaseEvent> history = new ArrayList<>();
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private String netConf;
    private long revision = 1;

    /** {@code allocator} null: the controller manager runs without --allocate-node-cidrs (nodes get no podCIDR). */
    public KubeNodes(NodeCidrAllocator allocator) {
        this.allocator = allocator;
    }

    /** The kubelet registers its node; the controller manager allocates its podCIDR at once. */
    public synchronized NodeObject register(String name, Ipv4 internalIp) {
        NodeObject existing = nodes.get(name);
        if (existing != null) return existing;
        Prefix cidr = null;
        if (allocator != null) cidr = allocator.next(nodes.values().stream().map(NodeObject::podCidr).filter(p -> p != null).toList());
        NodeObject n = new NodeObject(name, internalIp, cidr, Map.of());
        nodes.put(name, n);
        revision++;
        return n;
    }

    /** {@code kubectl delete node NAME} followed by the kubelet registering it again: a fresh podCIDR, no annotations. */
    public synchronized NodeObject reregister(String name) {
        NodeObject old = require(name);
        nodes.remove(name);
        Lease gone = leaseOf(old);
        if (gone != null) deliver(record(new LeaseEvent.Removed(gone, ++revision, LeaseEvent.Cause.DELETED)));
        List<Prefix> taken = new ArrayList<>(nodes.values().stream().map(NodeObject::podCidr).filter(p -> p != null).toList());
        if (old.podCidr() != null) taken.add(old.podCidr()); // the allocator releases it only after the delete is processed
        Prefix cidr = allocator == null ? null : allocator.next(taken);
        NodeObject n = new NodeObject(name, old.internalIp(), cidr, Map.of());
        nodes.put(name, n);
        revision++;
        return n;
    }

    public synchronized Optional<NodeObject> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    public synchronized List<NodeObject> nodes() {
        return List.copyOf(nodes.values());
    }

    /** {@code kubectl annotate node NAME KEY=VALUE --overwrite} (value null: {@code KEY-}). */
    public synchronized void annotate(String name, String key, String value) {
        NodeObject n = require(name);
        Map<String, String> ann = new LinkedHashMap<>(n.annotations());
        if (value == null) ann.remove(key);
        else ann.put(key, value);
        put(new NodeObject(n.name(), n.internalIp(), n.podCidr(), ann));
    }

    /** A per-node client, as flanneld on {@code node} uses (its NODE_NAME). */
    public SubnetRegistry forNode(String node) {
        return new NodeClient(this, node);
    }

    // ---- the cluster-wide view ---------------------------------------------------------------------------------

    /** net-conf.json of the kube-flannel-cfg ConfigMap. */
    @Override
    public synchronized Optional<String> getConfig() {
        return Optional.ofNullable(netConf);
    }

    @Override
    public synchronized void setConfig(String json) {
        netConf = json;
        revision++;
    }

    @Override
    public synchronized LeaseSnapshot getLeases() {
        List<Lease> out = new ArrayList<>();
        for (NodeObject n : nodes.values()) {
            Lease l = leaseOf(n);
            if (l != null) out.add(l);
        }
        return new LeaseSnapshot(out, revision);
    }

    @Override
    public synchronized Optional<Lease> getLease(Prefix subnet) {
        return getLeases().leases().stream().filter(l -> l.subnet().equals(subnet)).findFirst();
    }

    /** Writes the lease's annotations on the node whose podCIDR it is (what a flanneld there would write). */
    @Override
    public synchronized Optional<Lease> createLease(Lease lease, Duration ttl) {
        NodeObject n = nodes.values().stream().filter(x -> lease.subnet().equals(x.podCidr())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node has podCIDR " + lease.subnet()));
        return Optional.of(writeLease(n.name(), lease));
    }

    @Override
    public synchronized Lease renewLease(Lease lease, Duration ttl) {
        if (getLease(lease.subnet()).isEmpty()) throw new LeaseNotFoundException(lease.subnet());
        return createLease(lease, ttl).orElseThrow();
    }

    /** Removes flannel's annotations from the node holding {@code subnet} ({@code kubectl annotate node N flannel.alpha.coreos.com/...-}). */
    @Override
    public synchronized void deleteLease(Prefix subnet) {
        NodeObject n = nodes.values().stream().filter(x -> subnet.equals(x.podCidr()) && leaseOf(x) != null).findFirst()
                .orElseThrow(() -> new LeaseNotFoundException(subnet));
        Lease gone = leaseOf(n);
        nodes.put(n.name(), new NodeObject(n.name(), n.internalIp(), n.podCidr(), KubeAnnotations.withoutLease(n.annotations())));
        deliver(record(new LeaseEvent.Removed(gone, ++revision, LeaseEvent.Cause.DELETED)));
    }

    @Override
    public synchronized LeaseWatch watch(long afterRevision, Consumer<LeaseEvent> listener, Consumer<RuntimeException> onError) {
        Watcher w = new Watcher(listener, onError);
        for (LeaseEvent e : history) if (e.revision() > afterRevision) listener.accept(e);
        watchers.add(w);
        return () -> watchers.remove(w);
    }

    @Override
    public void close() {
        watchers.clear();
    }

    // ---- internals ---------------------------------------------------------------------------------------------

    /**
     * flannel's AcquireLease: the node's podCIDR is the subnet (none assigned: "node %q pod cidr not assigned", and
     * flanneld retries); public-ip is the public-ip-overwrite annotation when one is set, else the agent's address.
     */
    synchronized Lease writeLease(String node, Lease wanted) {
        NodeObject n = require(node);
        if (n.podCidr() == null) throw new RegistryUnavailableException("node \"" + node + "\" pod cidr not assigned");
        KubeAnnotations.Written w = KubeAnnotations.acquire(n.podCidr(), n.annotations(), wanted, vni());
        if (w.annotations().equals(n.annotations())) return w.lease(); // flannel patches only when something differs
        put(new NodeObject(n.name(), n.internalIp(), n.podCidr(), w.annotations()));
        return w.lease();
    }

    /**
     * A patch of a node's {@code metadata.annotations} as the API server applies it (strategic merge or JSON merge
     * patch: a key with a value is set, a key with null removed), in one write, so a watcher never sees half of it.
     */
    public synchronized NodeObject patchAnnotations(String name, Map<String, String> changes) {
        NodeObject n = require(name);
        Map<String, String> ann = new LinkedHashMap<>(n.annotations());
        changes.forEach((k, v) -> {
            if (v == null) ann.remove(k);
            else ann.put(k, v);
        });
        NodeObject after = new NodeObject(n.name(), n.internalIp(), n.podCidr(), ann);
        put(after);
        return after;
    }

    /** The API server's resourceVersion of the node list: it grows with every write. */
    public synchronized long revision() {
        return revision;
    }

    synchronized Prefix podCidr(String node) {
        return require(node).podCidr();
    }

    private int vni() {
        return netConf == null ? 1 : NetworkConfigs.parse(netConf).vni();
    }

    private void put(NodeObject n) {
        Lease before = leaseOf(nodes.get(n.name()));
        nodes.put(n.name(), n);
        Lease after = leaseOf(n);
        if (after != null && !after.equals(before)) deliver(record(new LeaseEvent.Added(after, ++revision)));
        else if (after == null && before != null) deliver(record(new LeaseEvent.Removed(before, ++revision, LeaseEvent.Cause.DELETED)));
        else revision++;
    }

    /** The lease a node's annotations give, as flannel's nodeToLease reads it; null when it is not flannel's. */
    static Lease leaseOf(NodeObject n) {
        if (n == null || n.podCidr() == null || !"true".equals(n.annotations().get(KubeAnnotations.KUBE_SUBNET_MANAGER))) return null;
        String ip = n.annotations().get(KubeAnnotations.PUBLIC_IP);
        if (ip == null) return null;
        String data = n.annotations().getOrDefault(KubeAnnotations.BACKEND_DATA, "null");
        Mac mac = null;
        int i = data.indexOf("\"VtepMAC\":\"");
        if (i >= 0) mac = Mac.parse(data.substring(i + 11, data.indexOf('"', i + 11)));
        return new Lease(n.podCidr(), Ipv4.parse(ip), n.annotations().getOrDefault(KubeAnnotations.BACKEND_TYPE, ""), mac, null);
    }

    private NodeObject require(String name) {
        NodeObject n = nodes.get(name);
        if (n == null) throw new IllegalArgumentException("nodes \"" + name + "\" not found");
        return n;
    }

    private LeaseEvent record(LeaseEvent e) {
        history.add(e);
        if (history.size() > 10_000) history.removeFirst();
        return e;
    }

    private void deliver(LeaseEvent e) {
        for (Watcher w : watchers) w.listener().accept(e);
    }
}
