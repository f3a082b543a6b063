package dev.kubepath.cluster;

import dev.kubepath.flannel.ManualClock;
import dev.kubepath.flannel.NetworkConfigs;
import dev.kubepath.flannel.OverlayAgent;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;

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
                           boolean etcd, Mac ethMac, Mac vtepMac, Mac bridgeMac, ProxySettings proxy) {
        public HostSpec(String name, Ipv4 ip, int prefixLength, Ipv4 gateway, boolean node, boolean kubeProxy,
                        boolean etcd, Mac ethMac, Mac vtepMac, Mac bridgeMac) {
            this(name, ip, prefixLength, gateway, node, kubeProxy, etcd, ethMac, vtepMac, bridgeMac, null);
        }
    }

    /** kube-proxy's --proxy-mode and --cluster-cidr (null: not set, so no masquerade for traffic from outside it). */
    public record ProxySettings(ProxyMode mode, Prefix clusterCidr) {}

    public record Spec(String name, long seed, Instant start, String flannelConfig, ApiServer.Config api, ProxyMode proxyMode,
                       List<HostSpec> hosts) {}

    /** What systemctl knows of a unit on one host. */
    private final class Machine {
        final HostSpec spec;
        final HostNetwork net;
        final Map<Daemon, Daemon.State> units = new EnumMap<>(Daemon.class);
        final DockerRuntime docker;
        Kubelet kubelet;
        ServiceProxy proxy;
        OverlayAgent agent;
        boolean flanneldHung;
        boolean up = true;
        SubnetEnv subnetEnv;      // /run/flannel/subnet.env
        Prefix pinnedSubnet;       // the subnet the next acquisition takes (replays follow the seed's numbers)

        Machine(HostSpec spec) {
            this.spec = spec;
            this.net = machinery.boot(spec, bareHost(spec));
            DockerRuntime[] self = new DockerRuntime[1];
            this.docker = new DockerRuntime(net, machinery.containers(spec, net,
                    () -> self[0].options().map(BridgeOptions::mtu).orElse(1500)), new Random(seed ^ spec.name().hashCode()));
            self[0] = docker;
            units.put(Daemon.FLANNELD, Daemon.State.INACTIVE);
            units.put(Daemon.DOCKER, Daemon.State.INACTIVE);
            units.put(Daemon.KUBELET, spec.node() ? Daemon.State.INACTIVE : Daemon.State.NOT_FOUND);
            units.put(Daemon.KUBE_PROXY, spec.kubeProxy() ? Daemon.State.INACTIVE : Daemon.State.NOT_FOUND);
            units.put(Daemon.ETCD, spec.etcd() ? Daemon.State.ACTIVE : Daemon.State.NOT_FOUND);
        }
    }

    private final Spec spec;
    private final Machines machinery;
    private final long seed;
    private final ManualClock clock;
    private final SubnetRegistry registry;
    private final ApiServer api;
    private final FlannelConfig flannel;
    private final Map<String, Machine> machines = new LinkedHashMap<>();
    private final List<String> journal = new ArrayList<>();
    private final Map<String, Instant> created = new java.util.HashMap<>();
    /** Remote leases: subnet -> {its real expiration as last seen, that expiration in simulated time}. */
    private final Map<Prefix, Instant[]> remoteExpiry = new java.util.HashMap<>();
    private final Map<String, dev.kubepath.net.SocketAddress> servicePins = new java.util.HashMap<>();
    private Consumer<String> logSink = s -> { };

    /** A cluster on the embedded registry, whose clock is the simulation's. */
    public static SimCluster embedded(Spec spec) {
        ManualClock clock = new ManualClock(spec.start());
        return new SimCluster(spec, clock, new EmbeddedRegistry(clock));
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
        for (HostSpec h : spec.hosts()) machines.put(h.name(), new Machine(h));
    }

    /** Where flanneld's log lines go as they happen (the journal keeps them too). */
    public void onLog(Consumer<String> sink) {
        this.logSink = sink;
    }

    public List<String> journal() {
        return List.copyOf(journal);
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

    public DockerRuntime docker(String host) {
        return machine(host).docker;
    }

    public Daemon.State unit(String host, Daemon d) {
        return machine(host).units.get(d);
    }

    private Machine machine(String name) {
        Machine m = machines.get(name);
        if (m == null) throw new IllegalArgumentException("unknown host '" + name + "' (hosts: " + String.join(", ", machines.keySet()) + ")");
        return m;
    }

    // ---- lifecycle ---------------------------------------------------------------------------------------------

    /** Boots every host: flanneld, then docker (which needs subnet.env), the kubelet and kube-proxy. */
    public void boot() {
        for (Machine m : machines.values()) {
            if (m.spec.node()) api.addNode(new Node(m.spec.name(), m.spec.ip(), true, null, "v1.15.12"));
        }
        each(this::startAll);
        settle();
    }

    private void startAll(Machine m) {
        if (m.spec.etcd()) start(m, Daemon.ETCD);
        start(m, Daemon.FLANNELD);
        settleAgent(m);
        start(m, Daemon.DOCKER);
        if (m.spec.node()) start(m, Daemon.KUBELET);
        if (m.spec.kubeProxy()) start(m, Daemon.KUBE_PROXY);
    }

    /** {@code systemctl ACTION UNIT} on a host; returns what systemctl prints. */
    public String systemctl(String host, String action, String unit) {
        Machine m = machine(host);
        Daemon d;
        try {
            d = Daemon.fromUnit(unit);
        } catch (IllegalArgumentException e) {
            return "Unit " + unit.replaceFirst("\\.service$", "") + ".service could not be found.";
        }
        if (m.units.get(d) == Daemon.State.NOT_FOUND) {
            return switch (action) {
                case "status" -> "Unit " + d.unit() + ".service could not be found.";
                default -> "Failed to " + action + " " + d.unit() + ".service: Unit not found.";
            };
        }
        switch (action) {
            case "stop" -> stop(m, d);
            case "start" -> start(m, d);
            case "restart" -> {
                stop(m, d);
                start(m, d);
            }
            case "status", "is-active" -> {
                return action.equals("is-active") ? m.units.get(d).word() : status(m, d);
            }
            default -> throw new IllegalArgumentException("systemctl " + action + ": expected start, stop, restart, status or is-active");
        }
        settle();
        return "";
    }

    private String status(Machine m, Daemon d) {
        Daemon.State s = m.units.get(d);
        String active = switch (s) {
            case ACTIVE -> "active (running)";
            case FAILED -> "failed (Result: exit-code)";
            default -> "inactive (dead)";
        };
        StringBuilder sb = new StringBuilder("● " + d.unit() + ".service\n   Loaded: loaded (/usr/lib/systemd/system/" + d.unit()
                + ".service; enabled; vendor preset: disabled)\n   Active: " + active + "\n");
        if (d == Daemon.FLANNELD && m.flanneldHung) sb.append("   (the process is alive but has stopped renewing its lease and watching etcd)\n");
        return sb.toString();
    }

    private void start(Machine m, Daemon d) {
        if (!m.up || m.units.get(d) == Daemon.State.ACTIVE) return;
        switch (d) {
            case FLANNELD -> {
                Optional<SubnetEnv> previous = Optional.ofNullable(m.pinnedSubnet)
                        .map(p -> SubnetEnv.of(flannel.network(), p, 1450, false))
                        .or(() -> Optional.ofNullable(m.subnetEnv));
                m.pinnedSubnet = null;
                m.flanneldHung = false;
                m.agent = new OverlayAgent(registry, m.net, OverlayAgent.Settings.flannel("eth0"), clock,
                        new Random(seed * 31 + m.spec.name().hashCode() + journal.size()), previous,
                        env -> m.subnetEnv = env, this::log);
                if (m.spec.vtepMac() != null && m.net.read().link("flannel.1").isEmpty()) {
                    m.net.apply(new NetChange.AddLink(new Link("flannel.1", new LinkKind.Vxlan(flannel.vni(), flannel.port(),
                            m.spec.ip(), "eth0", false), 1450, m.spec.vtepMac(), true, null)));
                }
                m.units.put(d, Daemon.State.ACTIVE);
                settleAgent(m);
                openForwardForPodNetwork(m);
            }
            case DOCKER -> {
                if (m.subnetEnv == null) {
                    log(m.spec.name() + ": docker: /run/flannel/subnet.env not found; docker waits for flanneld");
                    m.units.put(d, Daemon.State.FAILED);
                    return;
                }
                m.docker.start(new BridgeOptions(m.subnetEnv.subnet().address(1), m.subnetEnv.subnet().length(), m.subnetEnv.mtu()));
                if (m.spec.bridgeMac() != null) {
                    machinery.setMac(m.net, DockerRuntime.BRIDGE, m.spec.bridgeMac());
                }
                m.units.put(d, Daemon.State.ACTIVE);
            }
            case KUBELET -> {
                m.kubelet = new Kubelet(m.spec.name(), api, m.docker);
                m.units.put(d, Daemon.State.ACTIVE);
            }
            case KUBE_PROXY -> {
                ProxySettings p = m.spec.proxy() != null ? m.spec.proxy() : new ProxySettings(spec.proxyMode(), flannel.network());
                m.proxy = new ServiceProxy(m.net, p.mode(), p.clusterCidr());
                m.units.put(d, Daemon.State.ACTIVE);
            }
            case ETCD -> {
                m.units.put(d, Daemon.State.ACTIVE);
                if (registry instanceof EmbeddedRegistry e) {
                    e.setReachable(true);
                    e.expireDue(); // etcd drops the keys whose TTL ran out while it was down
                }
            }
        }
    }

    private void stop(Machine m, Daemon d) {
        if (m.units.get(d) != Daemon.State.ACTIVE && m.units.get(d) != Daemon.State.FAILED) return;
        switch (d) {
            case FLANNELD -> {
                if (m.agent != null) m.agent.close();
                m.agent = null;
                m.flanneldHung = false;
            }
            case DOCKER -> m.docker.stop();
            case KUBELET -> m.kubelet = null;
            case KUBE_PROXY -> m.proxy = null; // its rules stay in the kernel, as they do when kube-proxy stops
            case ETCD -> {
                if (registry instanceof EmbeddedRegistry e) e.setReachable(false);
            }
        }
        m.units.put(d, Daemon.State.INACTIVE);
    }

    /** flannel's --iptables-forward-rules: accept the pod network in FORWARD, whose policy docker sets to DROP. */
    private void openForwardForPodNetwork(Machine m) {
        Host h = m.net.read();
        Chain current = h.chain("filter", "FORWARD").orElse(new Chain("filter", "FORWARD", "ACCEPT", List.of()));
        List<Rule> rules = new ArrayList<>(current.rules());
        for (Rule r : flannelForwardRules()) if (!rules.contains(r)) rules.add(r);
        m.net.apply(new NetChange.ReplaceChains("flannel", List.of(new Chain("filter", "FORWARD", current.policy(), rules))));
    }

    private List<Rule> flannelForwardRules() {
        return List.of(
                new Rule("FORWARD", Rule.Match.ANY.withSrc(flannel.network(), false), new Rule.Target.Accept(), "flanneld forward", null),
                new Rule("FORWARD", Rule.Match.ANY.withDst(flannel.network(), false), new Rule.Target.Accept(), "flanneld forward", null));
    }

    private void settleAgent(Machine m) {
        if (m.agent == null || m.flanneldHung) return;
        for (int i = 0; i < 3; i++) {
            OverlayAgent.State s = m.agent.step();
            if (s == OverlayAgent.State.STOPPED) {
                // flanneld exits ("Lease has been revoked"); systemd marks it failed, Restart= is not in the seed's unit
                m.units.put(Daemon.FLANNELD, Daemon.State.FAILED);
                m.agent.close();
                m.agent = null;
                return;
            }
        }
    }

    /**
     * Only the overlay agents take in what the registry says, as every flanneld does on its own when a watch event
     * arrives (the kubelets and kube-proxy do not wait for it): how long the overlay takes to follow a lease.
     */
    public void settleOverlay() {
        each(this::settleAgent);
    }

    /** Lets every running daemon catch up: agents take in lease events, kubelets run pods, kube-proxy syncs. */
    public void settle() {
        for (int round = 0; round < 3; round++) {
            if (registry instanceof EmbeddedRegistry e) e.expireDue();
            else expireRemote();
            each(this::settleAgent);
            for (Machine m : machines.values()) {
                if (m.kubelet != null && m.units.get(Daemon.DOCKER) == Daemon.State.ACTIVE) m.kubelet.sync();
            }
            var services = api.services();
            var endpoints = api.endpoints();
            each(m -> {
                if (m.proxy != null) m.proxy.sync(services, endpoints);
                bridgeMtuFollowsPorts(m);
            });
            noteCreations();
            if (!(registry instanceof EmbeddedRegistry)) pause();
        }
    }

    /** When each API object first appeared, for kubectl's AGE column ("svc/NAME", "pod/NAME", "node/NAME"). */
    public Instant created(String key) {
        return created.getOrDefault(key, clock.instant());
    }

    private void noteCreations() {
        java.util.Set<String> live = new java.util.HashSet<>();
        for (var n : api.nodes()) live.add("node/" + n.name());
        for (var p : api.pods()) live.add("pod/" + p.name());
        for (var s : api.services()) live.add("svc/" + s.name());
        created.keySet().retainAll(live);
        for (String k : live) created.putIfAbsent(k, clock.instant());
    }

    /**
     * The kernel of the seed's hosts (CentOS 7, 3.10): a bridge with no port reports MTU 1500; with ports, the
     * smallest port MTU, which is docker's --mtu on every container veth. Hence 03's empty docker0 shows 1500.
     */
    private void bridgeMtuFollowsPorts(Machine m) {
        if (!m.docker.running()) return;
        Host h = m.net.read();
        Optional<Link> bridge = h.link(DockerRuntime.BRIDGE);
        if (bridge.isEmpty()) return;
        boolean ports = h.containers().stream().anyMatch(c -> c.bridge().equals(DockerRuntime.BRIDGE));
        int want = ports ? m.docker.options().map(BridgeOptions::mtu).orElse(1500) : 1500;
        if (bridge.get().mtu() != want) m.net.apply(new NetChange.SetLinkMtu(DockerRuntime.BRIDGE, want));
    }

    /**
     * A real etcd runs its TTLs on the real clock, which simulated time overtakes. Each lease's expiry is carried
     * over into simulated time when it is first seen or renewed (its real expiration changes), and a lease whose
     * simulated expiry has passed is deleted, as etcd would have dropped it by then.
     */
    private void expireRemote() {
        Instant now = clock.instant();
        Instant realNow = Instant.now();
        java.util.Set<Prefix> present = new java.util.HashSet<>();
        for (Lease l : registry.getLeases().leases()) {
            present.add(l.subnet());
            if (l.expiration() == null) continue;
            Instant[] known = remoteExpiry.get(l.subnet());
            // renewed when its real expiration moved on (v3 reports it to the second, from the remaining TTL)
            if (known == null || l.expiration().isAfter(known[0].plusSeconds(60))) {
                known = new Instant[] {l.expiration(), now.plus(Duration.between(realNow, l.expiration()))};
                remoteExpiry.put(l.subnet(), known);
            }
            if (!known[1].isAfter(now)) {
                try {
                    registry.deleteLease(l.subnet());
                } catch (dev.kubepath.flannel.registry.LeaseNotFoundException gone) {
                    // renewed or removed meanwhile
                }
                remoteExpiry.remove(l.subnet());
            }
        }
        remoteExpiry.keySet().retainAll(present);
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

    // ---- faults ------------------------------------------------------------------------------------------------

    /** flanneld keeps running but does nothing: no renewals, no watch, no route changes (the seed's mcwk8s05). */
    public void hangFlanneld(String host) {
        machine(host).flanneldHung = true;
        log(host + ": flanneld stops responding (process alive, no renewals, no watch)");
    }

    /** The next lease this host's flanneld acquires is this subnet (replays follow the seed's numbers). */
    public void pinNextSubnet(String host, Prefix subnet) {
        machine(host).pinnedSubnet = subnet;
    }

    /** The host goes down: every daemon stops, the kernel state and /run (subnet.env) are gone. */
    public void powerOff(String host) {
        Machine m = machine(host);
        for (Daemon d : Daemon.values()) stop(m, d);
        m.up = false;
        m.subnetEnv = null;
        machinery.reset(m.net, bareHost(m.spec));
        log(host + ": powered off");
    }

    /** The host boots: its enabled units start in order. */
    public void powerOn(String host) {
        Machine m = machine(host);
        m.up = true;
        log(host + ": booted");
        startAll(m);
        settle();
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

    public void deleteLease(Prefix subnet) {
        registry.deleteLease(subnet);
        settle();
    }

    public void setIpForward(String host, boolean on) {
        machine(host).net.apply(new NetChange.SetSysctl(Host.IP_FORWARD, on ? "1" : "0"));
    }

    /** FORWARD policy DROP without flannel's accept rules for the pod network. */
    public void dropForward(String host) {
        Machine m = machine(host);
        Chain c = m.net.read().chain("filter", "FORWARD").orElse(new Chain("filter", "FORWARD", "DROP", List.of()));
        List<Rule> rules = new ArrayList<>(c.rules());
        rules.removeAll(flannelForwardRules());
        m.net.apply(new NetChange.ReplaceChains("fault", List.of(new Chain("filter", "FORWARD", "DROP", rules))));
    }

    /** The lease of this host's subnet is rewritten with a wrong VtepMAC, as a bad manual edit of etcd would. */
    public void corruptVtepMac(String host, Mac wrong) {
        Lease own = registry.getLeases().leases().stream().filter(l -> l.publicIp().equals(machine(host).spec.ip())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(host + " holds no lease"));
        registry.deleteLease(own.subnet());
        registry.createLease(new Lease(own.subnet(), own.publicIp(), own.backendType(), wrong, null), Duration.ofHours(24));
        hangFlanneld(host); // its own agent would otherwise notice the loss of the original lease and rewrite it
        settle();
    }

    public void setRegistryReachable(boolean reachable) {
        if (!(registry instanceof EmbeddedRegistry e)) throw new IllegalArgumentException("only the embedded registry can be made unreachable");
        e.setReachable(reachable);
        settle();
    }

    // ---- reading the world -------------------------------------------------------------------------------------

    /** The whole cluster as a snapshot: every host's kernel state with its units, and the cluster objects. */
    public Snapshot snapshot() {
        List<Host> hosts = new ArrayList<>();
        for (Machine m : machines.values()) {
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
    private void each(Consumer<Machine> work) {
        if (!machinery.concurrent() || machines.size() < 2) {
            for (Machine m : machines.values()) work.accept(m);
            return;
        }
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(Math.min(16, machines.size()))) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (Machine m : machines.values()) done.add(pool.submit(() -> work.accept(m)));
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

    private synchronized void log(String line) {
        journal.add(line);
        logSink.accept(line);
    }

    // ---- a freshly booted kernel ---------------------------------------------------------------------------------

    private static Host bareHost(HostSpec s) {
        HostBuilder b = Host.builder(s.name()).knowAll();
        SimulatedMachines.copyInto(b, fresh(s));
        return b.build();
    }

    private static Host fresh(HostSpec s) {
        HostBuilder b = Host.builder(s.name()).knowAll();
        b.link(new Link("lo", new LinkKind.Loopback(), 65536, null, true, null));
        b.link(new Link("eth0", new LinkKind.Ethernet(), 1500, s.ethMac(), true, null));
        b.address(new IfAddress("lo", Ipv4.parse("127.0.0.1"), 8));
        b.address(new IfAddress("eth0", s.ip(), s.prefixLength()));
        Prefix lan = Prefix.of(s.ip(), s.prefixLength());
        if (s.gateway() != null) {
            b.route(new Route(Route.MAIN, Route.Type.UNICAST, Prefix.DEFAULT, s.gateway(), "eth0", false, 100, Route.Scope.UNIVERSE, null));
        }
        b.route(new Route(Route.MAIN, Route.Type.UNICAST, lan, null, "eth0", false, 100, Route.Scope.LINK, s.ip()));
        b.sysctl(Host.IP_FORWARD, "1");
        return b.build();
    }
}
