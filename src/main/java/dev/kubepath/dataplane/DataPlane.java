package dev.kubepath.dataplane;

import dev.kubepath.model.Container;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.PartIndex;
import dev.kubepath.model.Service;
import dev.kubepath.model.SharedList;
import dev.kubepath.model.Route;
import dev.kubepath.model.Snapshot;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.PrefixTable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulated kernel of a whole cluster: answers, for a snapshot, what happens to a curl or a ping.
 * Host tables are indexed lazily, on first use, so a 5,000-host snapshot costs only what a trace touches.
 * Thread-safe: traces may run concurrently.
 */
public final class DataPlane {
    private final Snapshot snapshot;
    private final Inference.Result inference;
    private final Map<Integer, Inference.Fact> inferredAddresses;
    private final Map<String, Host> hosts;
    private final Map<String, HostView> views = new ConcurrentHashMap<>();
    /** Underlay addresses (on ethernet/veth links) to the host that answers ARP for them. */
    private final Map<Integer, Owner> underlay = new HashMap<>();
    /** Bridge subnets (docker0) to their host, to explain where a pod address lives. */
    private final PrefixTable<Owner> bridges = new PrefixTable<>();
    private final PrefixTable<Lease> leases = new PrefixTable<>();
    private final Map<Integer, Lease> leaseByGateway = new HashMap<>();
    private final Map<Long, Lease> leaseByMac = new HashMap<>();
    private final Map<Integer, Service> clusterIps = new HashMap<>();
    private final Set<Integer> nodePorts = new HashSet<>();
    /** Running pods by address, for rule POD_ON_BRIDGE where a host's containers are not in the snapshot. */
    private final Map<Integer, dev.kubepath.model.Pod> runningPods = new HashMap<>();
    private final String unknownAddresses;

    record Owner(String host, String dev) {}

    /** Addresses on these devices put a host on the underlay; bridges hold pod subnets. */
    private static boolean wired(LinkKind kind) {
        return kind instanceof LinkKind.Ethernet || kind instanceof LinkKind.Veth || kind instanceof LinkKind.Bridge;
    }

    /** The data plane of a snapshot with the inference rules' facts added ({@link Inference}). */
    public DataPlane(Snapshot snapshot) {
        this(Inference.of(snapshot));
    }

    public DataPlane(Inference.Result inferred) {
        this.inference = inferred;
        this.inferredAddresses = Inference.addresses(inferred.facts());
        Snapshot snapshot = inferred.snapshot();
        this.snapshot = snapshot;
        this.hosts = snapshot.hostsByName();
        for (Host h : snapshot.hosts()) {
            Map<String, Link> links = new HashMap<>();
            for (Link l : h.links()) links.put(l.name(), l);
            for (SharedList.Part<IfAddress> part : SharedList.parts(h.addresses())) {
                // service addresses on kube-ipvs0 (a part every node shares) say nothing of where a host sits
                if (!PartIndex.mayHold(h, part, DataPlane::wired)) continue;
                for (IfAddress a : part.items()) {
                    Link l = links.get(a.dev());
                    if (l == null && !Inference.unlistedOnWire(a)) continue; // lo, flannel.N, kube-ipvs0 not listed
                    LinkKind kind = l == null ? new LinkKind.Ethernet() : l.kind();
                    if (kind instanceof LinkKind.Bridge) bridges.put(a.prefix(), new Owner(h.name(), a.dev()));
                    else if (wired(kind)) underlay.putIfAbsent(a.ip().bits(), new Owner(h.name(), a.dev()));
                }
            }
        }
        List<Lease> ls = snapshot.cluster().leases();
        if (ls != null) {
            for (Lease l : ls) {
                leases.put(l.subnet(), l);
                leaseByGateway.put(l.subnet().network().bits(), l);
                if (l.vtepMac() != null) leaseByMac.put(l.vtepMac().bits(), l);
            }
        }
        bridges.freeze();
        leases.freeze();
        // a host with no known underlay address may hold any address of the link
        Set<String> onUnderlay = new HashSet<>();
        for (Owner o : underlay.values()) onUnderlay.add(o.host());
        String unknown = null;
        for (Host h : snapshot.hosts()) if (!onUnderlay.contains(h.name())) { unknown = h.name(); break; }
        unknownAddresses = unknown;
        for (var pod : snapshot.cluster().pods()) {
            if (pod.ip() != null && pod.node() != null && "Running".equals(pod.phase())) runningPods.put(pod.ip().bits(), pod);
        }
        for (Service s : snapshot.cluster().services()) {
            if (s.clusterIp() != null) clusterIps.put(s.clusterIp().bits(), s);
            for (Service.Port p : s.ports()) if (p.nodePort() > 0) nodePorts.add(p.nodePort());
        }
    }

    /** The snapshot traced: the one given, with the inferred facts added. */
    public Snapshot snapshot() {
        return snapshot;
    }

    public Inference.Result inference() {
        return inference;
    }

    /**
     * Rule POD_ON_BRIDGE: a Running pod that the API server places on {@code node}, whose address lies in the subnet
     * of that node's bridge {@code bridge}, sits on that bridge. Null when no such pod is known.
     */
    dev.kubepath.model.Pod podOnBridge(String node, String bridge, Ipv4 ip) {
        var pod = runningPods.get(ip.bits());
        if (pod == null || !pod.node().equals(node)) return null;
        Host h = hosts.get(node);
        if (h == null) return null;
        for (IfAddress a : h.addresses()) if (a.dev().equals(bridge) && a.prefixLength() < 32 && a.prefix().contains(ip)) return pod;
        return null;
    }

    /** The rule and facts a route's gateway address was inferred from (GATEWAY_BY_NODE_NAME), or null when observed. */
    Inference.Fact inferredGateway(String host, Route route) {
        return Inference.gatewayFact(inference.facts(), host, route);
    }

    /** The rule and facts an underlay address was inferred from, or null when it was observed. */
    Inference.Fact inferredAddress(Ipv4 ip) {
        return inferredAddresses.isEmpty() ? null : inferredAddresses.get(ip.bits());
    }

    /** Traces one flow; throws {@link IllegalArgumentException} naming the host when it is not in the snapshot. */
    public Trace trace(String from, Probe probe) {
        return trace(from, probe, false).trace();
    }

    /** A trace and what its flow left on the wire: the devices its packets crossed, the connection tracking entries. */
    public record OnWire(Trace trace, Wire wire) {}

    /**
     * Traces one flow and records what the packets of the way {@link Trace#steps()} follows left on the hosts: for
     * the shell's tcpdump and conntrack. Tracing is otherwise the same as {@link #trace(String, Probe)}.
     */
    public OnWire traceOnWire(String from, Probe probe) {
        return trace(from, probe, true);
    }

    private OnWire trace(String from, Probe probe, boolean recorded) {
        HostView origin = view(from).orElseThrow(() -> new IllegalArgumentException(
                "unknown host '" + from + "' (hosts: " + String.join(", ", hosts.keySet()) + ")"));
        return trace(from, origin, null, probe, recorded);
    }

    /**
     * Traces one flow sent inside a pod of {@code host} (from its own namespace: the pod's address, its default route
     * via the bridge); the trace's {@code from} is "HOST/POD". Throws {@link IllegalArgumentException} when the host
     * or the pod (a container of the host's snapshot) is not there.
     */
    public Trace traceFromPod(String host, String pod, Probe probe) {
        HostView origin = view(host).orElseThrow(() -> new IllegalArgumentException(
                "unknown host '" + host + "' (hosts: " + String.join(", ", hosts.keySet()) + ")"));
        Container sender = origin.host.containers().stream().filter(c -> c.pod().equals(pod)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no pod '" + pod + "' among the containers of " + host));
        return trace(host + "/" + pod, origin, sender, probe, false).trace();
    }

    private OnWire trace(String from, HostView origin, Container sender, Probe probe, boolean recorded) {
        Walk first = new Walk(this, origin, sender, probe, 0, recorded ? new Wire() : null);
        Walk.End end = first.run();
        int n = first.alternatives();
        if (n <= 1) {
            return new OnWire(new Trace(from, probe, end.verdict(), end.cause(), end.response(), first.steps(), List.of(), null,
                    first.assumptions(), first.basis(), first.backendIp()), first.wire());
        }
        List<Trace.Backend> backends = new ArrayList<>();
        List<Walk> walks = new ArrayList<>();
        List<Walk.End> ends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Walk w = i == 0 ? first : new Walk(this, origin, sender, probe, i, recorded ? new Wire() : null);
            Walk.End e = i == 0 ? end : w.run();
            walks.add(w);
            ends.add(e);
            backends.add(new Trace.Backend(w.backend() == null ? "#" + (i + 1) : w.backend(), e.verdict(), e.cause()));
        }
        int ok = 0, pick = 0;
        for (int i = 0; i < n; i++) if (ends.get(i).verdict().ok()) ok++;
        if (ok > 0) while (!ends.get(pick).verdict().ok()) pick++;
        Walk.End chosen = ends.get(pick);
        Walk w = walks.get(pick);
        return new OnWire(new Trace(from, probe, chosen.verdict(), chosen.cause(), chosen.response(), w.steps(), backends,
                EndpointCoverage.of(ok, n), w.assumptions(), w.basis(), w.backendIp()), w.wire());
    }

    Optional<HostView> view(String name) {
        HostView v = views.get(name);
        if (v != null) return Optional.of(v);
        Host h = hosts.get(name);
        if (h == null) return Optional.empty();
        return Optional.of(views.computeIfAbsent(name, k -> new HostView(h)));
    }

    /** The host answering ARP for an underlay address, if the snapshot has one. */
    Optional<HostView> underlayOwner(Ipv4 ip) {
        Owner o = underlay.get(ip.bits());
        return o == null ? Optional.empty() : view(o.host());
    }

 /** The device that holds an underlay address on its owner. */
    String underlayOwnerDev(Ipv4 ip) {
        Owner o = underlay.get(ip.bits());
        return o == null ? null : o.dev();
    }

    /** "docker0 of mcwk8s05" for an address inside some host's bridge subnet. */
    Optional<String> bridgeOwner(Ipv4 ip) {
        List<Owner> o = bridges.longestMatch(ip);
        return o.isEmpty() ? Optional.empty() : Optional.of(o.get(0).dev() + " of " + o.get(0).host());
    }

    Optional<Prefix> bridgeSubnet(Ipv4 ip) {
        for (int len = 32; len >= 8; len--) {
            Prefix p = Prefix.of(ip, len);
            if (!bridges.exact(p).isEmpty()) return Optional.of(p);
        }
        return Optional.empty();
    }

    boolean leasesKnown() {
        return snapshot.cluster().leases() != null;
    }

    Optional<Lease> leaseCovering(Ipv4 ip) {
        List<Lease> l = leases.longestMatch(ip);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    Optional<Lease> leaseByGateway(Ipv4 gw) {
        return Optional.ofNullable(leaseByGateway.get(gw.bits()));
    }

    Optional<Lease> leaseByMac(dev.kubepath.net.Mac mac) {
        return Optional.ofNullable(leaseByMac.get(mac.bits()));
    }

    Optional<Service> serviceByClusterIp(Ipv4 ip) {
        return Optional.ofNullable(clusterIps.get(ip.bits()));
    }

    boolean isNodePort(int port) {
        return nodePorts.contains(port);
    }

    Optional<Prefix> clusterCidr() {
        return snapshot.cluster().clusterCidr();
    }

    /** A host whose addresses are not in the snapshot and were not inferred (it may hold any address), or null. */
    String hostWithUnknownAddresses() {
        return unknownAddresses;
    }

    /** Whether the snapshot holds where the host's kube-proxy sends service traffic (see HostView#serviceRulesKnown). */
    public static boolean serviceRulesKnown(Host h) {
        return HostView.serviceRulesKnown(h);
    }

    /** The service whose NodePort this is, the first as listed. */
    Optional<Service> serviceByNodePort(int port) {
        for (Service s : snapshot.cluster().services()) for (Service.Port p : s.ports()) if (p.nodePort() == port) return Optional.of(s);
        return Optional.empty();
    }

    /**
     * The host is a registered node whose kube-proxy is not known to be stopped: where its service rules are not in
     * the snapshot, the tracer may take them as kube-proxy writes them (an assumption it names).
     */
    boolean runsKubeProxy(Host h) {
        if (h.knows(dev.kubepath.model.Facet.DAEMONS)) {
            var kp = h.daemons().get(dev.kubepath.model.Daemon.KUBE_PROXY);
            if (kp != null && kp != dev.kubepath.model.Daemon.State.ACTIVE) return false;
        }
        return snapshot.cluster().nodes().stream().anyMatch(n -> n.name().equals(h.name()));
    }

    /** An endpoint a service's kube-proxy rules would send to, and where the tracer took it from. */
    record AssumedEndpoint(Ipv4 ip, int port, String pod) {}

    /**
     * The endpoints of a service port as kube-proxy would program them: its Endpoints when the snapshot has them;
     * else the Running pods its selector matches; else (no selector shown: kubectl get svc prints none) the Running
     * pods named as the service up to its first '-' (the operator's "kubectl get pod | grep mcwtest"). The target
     * port is the service's, or its port when not shown (Kubernetes' default). {@code how} receives which it was.
     */
    List<AssumedEndpoint> assumedEndpoints(Service s, Service.Port port, java.util.function.Consumer<String> how) {
        int target = port.targetPort() > 0 ? port.targetPort() : port.port();
        List<AssumedEndpoint> out = new ArrayList<>();
        var ep = snapshot.cluster().endpointsOf(s);
        if (ep.isPresent()) {
            for (var a : ep.get().addresses()) out.add(new AssumedEndpoint(a.ip(), target, a.pod()));
            how.accept("its Endpoints");
            return out;
        }
        List<dev.kubepath.model.Pod> running = snapshot.cluster().pods().stream()
                .filter(p -> p.ip() != null && "Running".equals(p.phase()) && p.namespace().equals(s.namespace())).toList();
        // a pod listing cut by a filter shows some of them: the ones taken are real, the others unknown (and the caller
        // names the cut where it shows none)
        String cut = podsCut(s).map(c -> ", of those shown (" + c.because() + ")").orElse("");
        if (!s.selector().isEmpty()) {
            for (var p : running) if (p.labels().entrySet().containsAll(s.selector().entrySet())) out.add(new AssumedEndpoint(p.ip(), target, p.key()));
            how.accept("the Running pods its selector " + new java.util.TreeMap<>(s.selector()) + " matches" + cut); // key order: stable across runs
            return out;
        }
        int dash = s.name().indexOf('-');
        if (dash <= 0) return out;
        String prefix = s.name().substring(0, dash + 1);
        for (var p : running) if (p.name().startsWith(prefix)) out.add(new AssumedEndpoint(p.ip(), target, p.key()));
        how.accept("the Running pods named " + prefix + "* (its selector is not in the snapshot)" + cut);
        return out;
    }

    /**
     * How the pod listing was cut where the service's endpoints would be taken from it (its Endpoints are not in the
     * snapshot, and the listing may lack pods of its namespace); empty otherwise.
     */
    java.util.Optional<dev.kubepath.model.PartialListing> podsCut(Service s) {
        if (snapshot.cluster().endpointsOf(s).isPresent()) return java.util.Optional.empty();
        return snapshot.cluster().partial(dev.kubepath.model.PartialListing.Kind.PODS, s.namespace());
    }

    /**
     * The cut listing that may hide where a service sends (its Endpoints not shown): the endpoint listing's cut where
     * it may lack the service's, else the pod listing's; empty when neither was cut there.
     */
    java.util.Optional<dev.kubepath.model.PartialListing> endpointsCut(Service s) {
        // a service the pods are not consulted for (no selector shown, no name to match: default/kubernetes) is not
        // hidden by a cut pod listing; its endpoint listing's cut still may
        boolean podsConsulted = !s.selector().isEmpty() || s.name().indexOf('-') > 0;
        if (snapshot.cluster().endpointsOf(s).isPresent()) return java.util.Optional.empty();
        if (!podsConsulted) return snapshot.cluster().partial(dev.kubepath.model.PartialListing.Kind.ENDPOINTS, s.namespace());
        return snapshot.cluster().partial(dev.kubepath.model.PartialListing.Kind.ENDPOINTS, s.namespace()).or(() -> podsCut(s));
    }

    /** How the pod listing was cut where it may lack a pod of any host (empty when it shows them all). */
    java.util.Optional<dev.kubepath.model.PartialListing> podsCut() {
        return snapshot.cluster().partial(dev.kubepath.model.PartialListing.Kind.PODS, null);
    }

    /** The pod a container address belongs to, for messages. */
    static String podLabel(Container c) {
        return c.pod() + " (" + c.ip() + ")";
    }
}
