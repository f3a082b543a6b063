package dev.kubepath.cluster;

import dev.kubepath.host.HostNetwork;
import dev.kubepath.host.NetChange;
import dev.kubepath.model.Chain;
import dev.kubepath.model.Container;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Route;
import dev.kubepath.model.Rule;
import dev.kubepath.model.Socket;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The container runtime of one host, as docker behaves with flannel: on start it takes --bip and --mtu
 * ({@link BridgeOptions}, from subnet.env) and creates or re-addresses docker0; the bridge keeps that address until
 * docker restarts, whatever flannel does meanwhile (the seed's lesson). Pods get addresses on docker0's subnet,
 * sequentially from .2 as docker's IPAM gives them, unless pinned. A restart re-creates every running pod with an
 * address from the new subnet.
 * <p>
 * Docker's iptables, kept minimal: filter FORWARD policy DROP with docker's accepts at the head of FORWARD
 * ({@code -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT}, {@code -i docker0 ! -o docker0 -j ACCEPT},
 * {@code -i docker0 -o docker0 -j ACCEPT}), other agents' FORWARD rules kept after them. Left out: the DOCKER and
 * DOCKER-ISOLATION chains (no published ports here) and the nat MASQUERADE for the bridge subnet.
 */
public final class DockerRuntime implements PodRuntime {
    public static final String BRIDGE = "docker0";
    public static final String OWNER = "docker";

    private final HostNetwork host;
    private final ContainerTable table;
    private final RandomGenerator random;
    /** Running pods by pod key, in start order; kept across a stop so a start can re-create them. */
    private final Map<String, PodSpecOnHost> pods = new LinkedHashMap<>();
    private final Map<String, Container> containers = new LinkedHashMap<>();
    /** The kubelet's hairpin-veth: hairpin on every container's veth (kubelet's default promiscuous-bridge falls back to it off kubenet). */
    private boolean hairpin = true;
    private final Map<String, Ipv4> pinned = new HashMap<>();
    private BridgeOptions options;
    private boolean running;
    private int nextHost = 2;

    /** A pod as the kubelet hands it to the runtime. */
    public record PodSpecOnHost(String namespace, String name, Workload workload) {
        public String key() {
            return namespace + "/" + name;
        }
    }

    public DockerRuntime(HostNetwork host, ContainerTable table, RandomGenerator random) {
        this.host = host;
        this.table = table;
        this.random = random;
    }

    public synchronized boolean running() {
        return running;
    }

    /** The options docker was last started with (empty before the first start). */
    public synchronized Optional<BridgeOptions> options() {
        return Optional.ofNullable(options);
    }

    /** systemctl start docker: docker0 with --bip/--mtu, docker's FORWARD rules, then the pods it ran before. */
    public synchronized void start(BridgeOptions opts) {
        if (running) return;
        Host h = host.read();
        List<NetChange> changes = new ArrayList<>();
        Optional<Link> bridge = h.link(BRIDGE);
        if (bridge.isEmpty()) {
            long tail = random.nextLong() & 0xFFFF_FFFFL;
            changes.add(new NetChange.AddLink(new Link(BRIDGE, new LinkKind.Bridge(), opts.mtu(), new Mac((0x0242L << 32) | tail), true, null)));
        } else {
            if (bridge.get().mtu() != opts.mtu()) changes.add(new NetChange.SetLinkMtu(BRIDGE, opts.mtu()));
            if (!bridge.get().up()) changes.add(new NetChange.SetLinkUp(BRIDGE, true));
        }
        IfAddress want = new IfAddress(BRIDGE, opts.bip(), opts.prefixLength());
        Route wantRoute = connectedRoute(opts);
        for (IfAddress a : h.addresses()) {
            if (!a.dev().equals(BRIDGE) || a.equals(want)) continue;
            // The kernel's connected route goes with the address; remove it first so both backends agree.
            for (Route r : h.routes()) {
                if (BRIDGE.equals(r.dev()) && r.via() == null && r.dst().equals(a.prefix())) changes.add(new NetChange.DeleteRoute(r));
            }
            changes.add(new NetChange.DeleteAddress(a));
        }
        if (!h.addresses().contains(want)) changes.add(new NetChange.AddAddress(want));
        boolean hasRoute = h.routes().stream().anyMatch(r -> r.key().equals(wantRoute.key()) && BRIDGE.equals(r.dev()));
        if (!hasRoute || !h.addresses().contains(want)) changes.add(new NetChange.ReplaceRoute(wantRoute));
        changes.add(new NetChange.ReplaceChains(OWNER, List.of(forwardChain(h))));
        host.apply(changes);
        options = opts;
        running = true;
        nextHost = 2;
        containers.clear();
        for (PodSpecOnHost p : List.copyOf(pods.values())) {
            Container c = create(p);
            if (c != null) containers.put(p.key(), c);
        }
        publish();
    }

    /** systemctl stop docker: the containers go; docker0 stays as it is (docker does not delete its bridge). */
    public synchronized void stop() {
        if (!running) return;
        running = false;
        containers.clear();
        publish();
    }

    /** systemctl restart docker, with the options read from subnet.env now. */
    public synchronized void restart(BridgeOptions opts) {
        stop();
        start(opts);
    }

    /** Gives the pod this address whenever it is (re)created inside docker0's subnet (seed: .13, then .10). */
    public synchronized void pinAddress(String podKey, Ipv4 ip) {
        pinned.put(podKey, ip);
    }

    /** Starts the pod's containers; returns the container, or empty when docker is not running. */
    public synchronized Optional<Container> runPod(PodSpecOnHost pod) {
        pods.put(pod.key(), pod);
        if (!running) return Optional.empty();
        Container c = containers.get(pod.key());
        if (c == null) {
            c = create(pod);
            if (c == null) return Optional.empty(); // docker0's subnet is full: the pod waits, as in ContainerCreating
            containers.put(pod.key(), c);
            publish();
        }
        return Optional.of(c);
    }

    public synchronized void removePod(String podKey) {
        pods.remove(podKey);
        if (containers.remove(podKey) != null) publish();
    }

    public synchronized Optional<Container> container(String podKey) {
        return Optional.ofNullable(containers.get(podKey));
    }

    /** Running containers by pod key. */
    public synchronized Map<String, Container> containers() {
        return Map.copyOf(containers);
    }

    /** The pods docker was asked to run (running or waiting for docker to start). */
    public synchronized List<String> podKeys() {
        return List.copyOf(pods.keySet());
    }

    /** The pod's container on docker0, or null when docker0's subnet has no free address left for it. */
    private Container create(PodSpecOnHost pod) {
        Ipv4 ip = allocate(pod.key());
        if (ip == null) return null;
        List<Socket> listeners = pod.workload().sockets();
        return new Container(pod.name(), ip, options.prefixLength(), Mac.docker(ip), BRIDGE, listeners, pod.workload().server(), hairpin);
    }

    private Ipv4 allocate(String podKey) {
        Ipv4 pin = pinned.get(podKey);
        if (pin != null && options.subnet().contains(pin) && !inUse(pin) && !pin.equals(options.bip())) return pin;
        long size = options.subnet().size();
        for (; nextHost < size - 1; nextHost++) {
            Ipv4 ip = options.subnet().address(nextHost);
            if (!ip.equals(options.bip()) && !inUse(ip) && !pinned.containsValue(ip)) {
                nextHost++;
                return ip;
            }
        }
        // past the end: docker's serial allocator starts again from the first address, taking any one freed since
        for (int n = 1; n < size - 1; n++) {
            Ipv4 ip = options.subnet().address(n);
            if (!ip.equals(options.bip()) && !inUse(ip) && !pinned.containsValue(ip)) return ip;
        }
        return null;
    }

    private boolean inUse(Ipv4 ip) {
        return containers.values().stream().anyMatch(c -> c.ip().equals(ip));
    }

    @Override
    public synchronized void hairpin(boolean on) {
        hairpin = on;
        containers.replaceAll((k, c) -> c.withHairpin(on));
        if (!containers.isEmpty()) publish();
    }

    private void publish() {
        table.replace(BRIDGE, List.copyOf(containers.values()));
    }

    /** proto kernel scope link src <bip>: what the kernel adds with the address. */
    private static Route connectedRoute(BridgeOptions o) {
        return new Route(Route.MAIN, Route.Type.UNICAST, o.subnet(), null, BRIDGE, false, 0, Route.Scope.LINK, o.bip());
    }

    private static Chain forwardChain(Host h) {
        List<Rule> ours = List.of(
                new Rule("FORWARD", Rule.Match.ANY.withInterfaces(null, BRIDGE).withCtstate("RELATED,ESTABLISHED"), new Rule.Target.Accept(), null, null),
                new Rule("FORWARD", Rule.Match.ANY.withInterfaces(BRIDGE, "!" + BRIDGE), new Rule.Target.Accept(), null, null),
                new Rule("FORWARD", Rule.Match.ANY.withInterfaces(BRIDGE, BRIDGE), new Rule.Target.Accept(), null, null));
        List<Rule> merged = new ArrayList<>(ours);
        h.chain("filter", "FORWARD").ifPresent(c -> c.rules().stream()
                .filter(r -> ours.stream().noneMatch(o -> o.describe().equals(r.describe()))).forEach(merged::add));
        return new Chain("filter", "FORWARD", "DROP", merged);
    }
}
