package dev.kubepath.cluster;

import dev.kubepath.flannel.ManualClock;
import dev.kubepath.flannel.NetworkConfigs;
import dev.kubepath.flannel.OverlayAgent;
import dev.kubepath.flannel.kube.KubeNodes;
import dev.kubepath.flannel.kube.NodeCidrAllocator;
import dev.kubepath.flannel.registry.EmbeddedRegistry;
import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.flannel.subnet.SubnetEnv;
import dev.kubepath.host.NetChange;
import dev.kubepath.host.HostNetwork;
import dev.kubepath.model.Chain;
import dev.kubepath.model.Daemon;
import dev.kubepath.model.FlannelConfig;
import dev.kubepath.model.Host;
import dev.kubepath.model.HostBuilder;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Node;
import dev.kubepath.model.Route;
import dev.kubepath.model.Rule;
import dev.kubepath.model.Snapshot;
import dev.kubepath.model.Socket;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;
import dev.kubepath.proxy.ProxyMode;
import dev.kubepath.proxy.ServiceProxy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A live simulated cluster: per host a simulated kernel, and the daemons that program it (our flannel-compatible
 * overlay agent, docker with its bridge, the kubelet, kube-proxy), plus the API server and the subnet registry.
 * Time is simulated ({@link ManualClock}); nothing runs on its own: {@link #settle()} lets every running daemon do
 * its work, {@link #advance(Duration)} moves the clock hour by hour so leases renew and expire as they would.
 */
public final class SimCluster {
    /**
     * One machine: its underlay address, gateway (null: no default route), role and the MACs the scenario fixes
     * (null: the kernel picks). {@code proxy} is this host's kube-proxy when it differs from the cluster's (null: the
     * cluster's mode, --cluster-cidr flannel's Network).
     */
    public record HostSpec(String name, Ipv4 ip, int prefixLength, Ipv4 gateway, boolean node, boolean kubeProxy,
                           boolean etcd, Mac ethMac, Mac vtepMac, Mac bridgeMac, ProxySettings proxy, IfAddress eth1, String iface) {
        public HostSpec(String name, Ipv4 ip, int prefixLength, Ipv4 gateway, boolean node, boolean kubeProxy,
                        boolean etcd, Mac ethMac, Mac vtepMac, Mac bridgeMac, ProxySettings proxy) {
            this(name, ip, prefixLength, gateway, node, kubeProxy, etcd, ethMac, vtepMac, bridgeMac, proxy, null, "eth0");
        }

        public HostSpec(String name, Ipv4 ip, int prefixLength, Ipv4 gateway, boolean node, boolean kubeProxy,
                        boolean etcd, Mac ethMac, Mac vtepMac, Mac bridgeMac) {
            this(name, ip, prefixLength, gateway, node, kubeProxy, etcd, ethMac, vtepMac, bridgeMac, null);
        }

        /** The address of flanneld's --iface: its PublicIP and the VXLAN device's local address. */
        public Ipv4 ifaceIp() {
            return iface.equals("eth1") && eth1 != null ? eth1.ip() : ip;
        }

        /** The metric of eth1's connected route: above eth0's, so that a route back to the underlay leaves by eth0. */
        public static final int ETH1_METRIC = 200;
    }

    /** kube-proxy's --proxy-mode and --cluster-cidr (null: not set, so no masquerade for traffic from outside it). */
    public record ProxySettings(ProxyMode mode, Prefix clusterCidr) {}

    public record Spec(String name, long seed, Instant start, String flannelConfig, ApiServer.Config api, ProxyMode proxyMode,
                       List<HostSpec> hosts) {}

    private final Spec spec;
    private final Machines machinery;
    private final long seed;
    private final ManualClock clock;
    private final SubnetRegistry registry;
    private Function<String, SubnetRegistry> flannelClients;
    private final ApiServer api;
    private final FlannelConfig flannel;
    private final Map<String, SimMachine> machines = new LinkedHashMap<>();
    private final Daemons daemons = new Daemons(this);
    private final Faults faults = new Faults(this, daemons);
    private final RemoteExpiry remoteExpiry = new RemoteExpiry();
    private final List<String> journal = new ArrayList<>();
    private final Map<String, Instant> created = new java.util.HashMap<>();
    private final Map<String, dev.kubepath.net.SocketAddress> servicePins = new java.util.HashMap<>();
    private Consumer<String> logSink = s -> { };
    private final PodEvents podEvents = new PodEvents();
    private final DaemonJournals daemonJournals = new DaemonJournals(podEvents, this::now);

    /** A cluster on the embedded registry, whose clock is the simulation's. */
    public static SimCluster embedded(Spec spec) {
        ManualClock clock = new ManualClock(spec.start());
        return new SimCluster(spec, clock, new EmbeddedRegistry(clock));
    }

    /**
     * A cluster whose flanneld run with --kube-subnet-mgr: leases are node annotations on the API server, subnets the
     * controller manager's podCIDRs (--cluster-cidr flannel's Network, --node-cidr-mask-size its SubnetLen).
     */
    public static SimCluster kube(Spec spec) {
        FlannelConfig f = NetworkConfigs.parse(spec.flannelConfig());
        return new SimCluster(spec, new ManualClock(spec.start()), new KubeNodes(new NodeCidrAllocator(f.network(), f.subnetLen())));
    }

    public SimCluster(Spec spec, ManualClock clock, SubnetRegistry registry) {
        this(spec, clock, registry, Machines.simulated());
    }

    /** A cluster whose hosts run on {@code machines} (in memory, or network namespaces in the lab). */
    public SimCluster(Spec spec, ManualClock clock, SubnetRegistry registry, Machines machinery) {
        this.spec = spec;
        this.machinery = machinery;
        this.seed = spec.seed();
        this.clock = clock;
        this.registry = registry;
        this.api = new ApiServer(spec.api());
        this.flannel = NetworkConfigs.parse(spec.flannelConfig());
        if (registry.getConfig().isEmpty()) registry.setConfig(spec.flannelConfig());
        for (HostSpec h : spec.hosts()) machines.put(h.name(), new SimMachine(h, machinery, seed));
    }

    /**
     * containerd with flannel's CNI plugin instead of docker on every host (cluster files' {@code runtime:
     * containerd}); call before {@link #boot()}.
     */
    public void useContainerd() {
        for (SimMachine m : machines.values()) m.useContainerd(seed);
    }

    /**
     * Where each flanneld reaches its registry, by node name. By default the cluster's registry itself (with the kube
     * subnet manager a per-node client of it, in process); {@link KubeApiHttp#clientFor} makes the agents talk to the
     * API server over HTTP. Call before {@link #boot()}.
     */
    public void flannelClients(Function<String, SubnetRegistry> clients) {
        this.flannelClients = clients;
    }

    SubnetRegistry flannelClient(String node) {
        if (flannelClients != null) return flannelClients.apply(node);
        return registry instanceof KubeNodes k ? k.forNode(node) : registry;
    }

    private Instant now() {
        return clock.instant();
    }

    DaemonJournals daemonJournals() {
        return daemonJournals;
    }

    /** The kubelets' pod events and journal lines. */
    public PodEvents podEvents() {
        return podEvents;
    }

    /** Where flanneld's log lines go as they happen (the journal keeps them too). */
    public void onLog(Consumer<String> sink) {
        this.logSink = sink;
    }

    public List<String> journal() {
        return List.copyOf(journal);
    }

    Machines machinery() {
        return machinery;
    }

    long seed() {
        return seed;
    }

    synchronized int journalSize() {
        return journal.size();
    }

    public ManualClock clock() {
        return clock;
    }

    public ApiServer api() {
        return api;
    }

    public SubnetRegistry registry() {
        return registry;
    }

    public FlannelConfig flannel() {
        return flannel;
    }

    public List<String> hostNames() {
        return List.copyOf(machines.keySet());
    }

    public boolean hasHost(String name) {
        return machines.containsKey(name);
    }

    public Host host(String name) {
        return machine(name).net.read();
    }

    public Spec spec() {
        return spec;
    }

    public HostSpec hostSpec(String name) {
        return machine(name).spec;
    }

    public HostNetwork network(String name) {
        return machine(name).net;
    }

    public Optional<SubnetEnv> subnetEnv(String host) {
        return Optional.ofNullable(machine(host).subnetEnv);
    }

    /**
     * The files flannel's CNI setup leaves on the host: /etc/cni/net.d/10-flannel.conflist where containerd runs pods
     * through flannel's CNI plugin (the kube-flannel DaemonSet's install-cni copies it there), none under docker.
     */
    public Optional<String> cniConflist(String host) {
        return machine(host).cni != null ? Optional.of(FlannelCni.CNI_CONF) : Optional.empty();
    }

    public DockerRuntime docker(String host) {
        return machine(host).docker;
    }

    public Daemon.State unit(String host, Daemon d) {
        return machine(host).units.get(d);
    }

    SimMachine machine(String name) {
        SimMachine m = machines.get(name);
        if (m == null) throw new IllegalArgumentException("unknown host '" + name + "' (hosts: " + String.join(", ", machines.keySet()) + ")");
        return m;
    }

    // ---- lifecycle ---------------------------------------------------------------------------------------------

    /** Boots every host: flanneld, then docker (which needs subnet.env), the kubelet and kube-proxy. */
    public void boot() {
        for (SimMachine m : machines.values()) {
            Prefix podCidr = registry instanceof KubeNodes k ? k.register(m.spec.name(), m.spec.ip()).podCidr() : null;
            if (m.spec.node()) api.addNode(new Node(m.spec.name(), m.spec.ip(), true, podCidr, "v1.15.12"));
        }
        each(daemons::startAll);
        settle();
    }

    /** {@code systemctl ACTION UNIT} on a host; returns what systemctl prints. */
    public String systemctl(String host, String action, String unit) {
        Daemons.Outcome o = daemons.systemctl(machine(host), action, unit);
        if (o.changed()) settle();
        return o.printed();
    }

    /**
     * Only the overlay agents take in what the registry says, as every flanneld does on its own when a watch event
     * arrives (the kubelets and kube-proxy do not wait for it): how long the overlay takes to follow a lease.
     */
    public void settleOverlay() {
        each(daemons::settleAgent);
    }

    /** As {@link #settleOverlay()}, for one host's agent: hosts whose agents run side by side, each at its own pace. */
    public void settleOverlay(String host) {
        daemons.settleAgent(machine(host));
    }

    /**
     * Waits until the host's flanneld has a watch event queued for {@link #settleOverlay(String)}, or {@code millis}
     * pass; false also when no flanneld runs there.
     */
    public boolean awaitOverlayEvent(String host, long millis) throws InterruptedException {
        OverlayAgent a = machine(host).agent;
        if (a == null) {
            Thread.sleep(millis);
            return false;
        }
        return a.awaitSignal(millis);
    }

    /** Lets every running daemon catch up: agents take in lease events, kubelets run pods, kube-proxy syncs. */
    public void settle() {
        for (int round = 0; round < 3; round++) {
            if (registry instanceof EmbeddedRegistry e) e.expireDue();
            else remoteExpiry.expireDue(registry, clock);
            each(daemons::settleAgent);
            var bound = api.podsByNode();
            for (SimMachine m : machines.values()) {
                if (m.kubelet != null && (m.cni != null || m.units.get(Daemon.DOCKER) == Daemon.State.ACTIVE)) {
                    m.kubelet.sync(bound.getOrDefault(m.name(), List.of()));
                }
            }
            var services = same(api.services(), lastServices);
            // kube-proxy watches EndpointSlices
            var endpoints = same(EndpointSlices.endpoints(EndpointSlices.of(api.endpoints())), lastEndpoints);
            lastServices = services;
            lastEndpoints = endpoints;
            each(m -> {
                // kube-proxy recomputes its desired state only when a service, an endpoint or the host itself changed
                // (the host read back is the same object while nothing touched it): a quiet hour costs nothing
                if (m.proxy != null && (m.proxy != m.proxiedBy || services != m.proxiedServices || endpoints != m.proxiedEndpoints
                        || m.net.read() != m.proxiedHost)) {
                    m.proxy.sync(services, endpoints);
                    if (m.proxiedServices != services || m.proxiedBy != m.proxy) daemonJournals.kubeProxySynced(m.name(), m.kubeProxyPid, m.proxy.mode(), services);
                    m.proxiedBy = m.proxy;
                    m.proxiedServices = services;
                    m.proxiedEndpoints = endpoints;
                    m.proxiedHost = m.net.read();
                }
                Daemons.bridgeMtuFollowsPorts(m);
            });
            if (!(registry instanceof EmbeddedRegistry)) pause();
        }
        if (flannelClients != null) awaitAgentsCaughtUp();
        noteCreations(); // once: the clock stands still while the cluster settles
    }

    /**
     * With agents on their own clients (the API server over HTTP), a watch event takes a round trip and a node list
     * to arrive, which three 50 ms pauses do not always cover on a busy machine: the running agents are stepped
     * until each holds every lease the registry holds, for at most 2 s (then they stay as they are, as a lagging
     * flanneld would, and the next settle tries again).
     */
    private void awaitAgentsCaughtUp() {
        for (int i = 0; i < 40; i++) {
            Map<Prefix, Lease> want = new HashMap<>();
            for (Lease l : registry.getLeases().leases()) want.put(l.subnet(), l.withExpiration(null));
            boolean behind = false;
            for (SimMachine m : machines.values()) {
                if (m.agent == null || m.flanneldHung || m.agent.state() != OverlayAgent.State.RUNNING) continue;
                Map<Prefix, Lease> has = new HashMap<>();
                m.agent.leases().forEach((p, l) -> has.put(p, l.withExpiration(null)));
                behind |= !has.entrySet().containsAll(want.entrySet()); // its own lost lease it may keep (flannel does)
            }
            if (!behind) return;
            pause();
            each(daemons::settleAgent);
        }
    }

    private List<dev.kubepath.model.Service> lastServices;
    private List<dev.kubepath.model.Endpoints> lastEndpoints;

    /** The earlier list when equal to it, so that each machine can tell "unchanged" by identity. */
    private static <T> List<T> same(List<T> now, List<T> before) {
        return now.equals(before) ? before : now;
    }

    /** When each API object first appeared, for kubectl's AGE column ("svc/NAME", "pod/NAME", "node/NAME"). */
    public Instant created(String key) {
        return created.getOrDefault(key, clock.instant());
    }

    private long notedAt = -1;

    private void noteCreations() {
        if (api.version() == notedAt) return; // no node, pod or service came or went
        notedAt = api.version();
        java.util.Set<String> live = new java.util.HashSet<>();
        for (var n : api.nodes()) live.add("node/" + n.name());
        for (var p : api.pods()) live.add("pod/" + p.name());
        for (var s : api.services()) live.add("svc/" + s.name());
        created.keySet().retainAll(live);
        for (String k : live) created.putIfAbsent(k, clock.instant());
    }

    private static void pause() {
        try {
            Thread.sleep(50); // a real etcd delivers watch events on its own thread
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Moves simulated time forward an hour at a time, so renewals (1 h before expiry) and expiries happen in order. */
    public void advance(Duration d) {
        Duration left = d;
        while (!left.isZero() && !left.isNegative()) {
            Duration stepBy = left.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : left;
            clock.advance(stepBy);
            left = left.minus(stepBy);
            settle();
        }
    }

    // ---- faults and replays ------------------------------------------------------------------------------------

    /** The ways this cluster can be broken. */
    public Faults faults() {
        return faults;
    }

    /** The next lease this host's flanneld acquires is this subnet (replays follow the seed's numbers). */
    public void pinNextSubnet(String host, Prefix subnet) {
        machine(host).pinnedSubnet = subnet;
    }

    /** The next time a service of this name is created it gets this ClusterIP and NodePort (replays follow the seed). */
    public void pinService(String name, Ipv4 clusterIp, int nodePort) {
        servicePins.put(name, new dev.kubepath.net.SocketAddress(clusterIp, nodePort));
    }

    /** kubectl apply -f through the API server, with any pinned ClusterIP/NodePort applied to new services. */
    public List<String> apply(List<io.fabric8.kubernetes.api.model.HasMetadata> objects) {
        for (var o : objects) {
            if (o instanceof io.fabric8.kubernetes.api.model.Service svc && servicePins.containsKey(svc.getMetadata().getName())
                    && api.service("default", svc.getMetadata().getName()).isEmpty()) {
                var pin = servicePins.remove(svc.getMetadata().getName());
                svc.getSpec().setClusterIP(pin.ip().toString());
                svc.getSpec().getPorts().get(0).setNodePort(pin.port());
            }
        }
        List<String> out = api.apply(objects);
        settle();
        return out;
    }

    // ---- reading the world -------------------------------------------------------------------------------------

    /** The whole cluster as a snapshot: every host's kernel state with its units, and the cluster objects. */
    public Snapshot snapshot() {
        List<Host> hosts = new ArrayList<>();
        for (SimMachine m : machines.values()) {
            HostBuilder b = m.net.read().toBuilder();
            m.units.forEach(b::daemon);
            b.sockets.clear();
            b.socket(new Socket(Protocol.TCP, Ipv4.ANY, 22, "sshd"));
            if (m.spec.etcd()) b.socket(new Socket(Protocol.TCP, m.spec.ip(), 2379, "etcd"));
            if (m.spec.etcd()) b.socket(new Socket(Protocol.TCP, m.spec.ip(), 6443, "kube-apiserver"));
            if (m.kubelet != null) b.socket(new Socket(Protocol.TCP, Ipv4.ANY, 10250, "kubelet"));
            hosts.add(b.build());
        }
        List<Lease> leases;
        try {
            leases = registry.getLeases().leases();
        } catch (RuntimeException e) {
            leases = null; // the registry cannot be read: leases unknown, not empty
        }
        return new Snapshot(spec.name(), hosts, api.cluster(flannel, leases));
    }

    /**
     * Runs {@code work} for every machine: in order on simulated hosts (runs stay reproducible), concurrently on
     * machines that ask for it (real namespaces, where each host's work is mostly waiting for ip and nft).
     */
    private void each(Consumer<SimMachine> work) {
        if (!machinery.concurrent() || machines.size() < 2) {
            for (SimMachine m : machines.values()) work.accept(m);
            return;
        }
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(Math.min(16, machines.size()))) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (SimMachine m : machines.values()) done.add(pool.submit(() -> work.accept(m)));
            for (var f : done) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) throw r;
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }

    synchronized void log(String line) {
        journal.add(line);
        logSink.accept(line);
    }
}
