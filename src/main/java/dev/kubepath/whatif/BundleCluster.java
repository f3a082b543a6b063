package dev.kubepath.whatif;

import dev.kubepath.ingest.InputException;
import dev.kubepath.cluster.ApiServer;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.host.NetChange;
import dev.kubepath.ingest.BundleReader;
import dev.kubepath.ingest.SubnetEnv;
import dev.kubepath.model.Daemon;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Facet;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Route;
import dev.kubepath.model.Service;
import dev.kubepath.model.Snapshot;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import dev.kubepath.proxy.ProxyMode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A live {@link SimCluster} built from a collected bundle. Every fact comes from the bundle (file named), or from a
 * named rule, stated in {@link #assumptions()}; nothing the bundle lacks is filled in without saying so.
 *
 * <p>The cluster boots healthy on the bundle's subnets (each host's bridge subnet), runs the bundle's pods and
 * services, and is then brought to the state the bundle shows: a host whose bridge subnet has no lease while its
 * flanneld runs has a flanneld that stopped renewing (rule lease-lost), each host's flannel.1 routes are the
 * collected ones, and units the bundle shows stopped are stopped.
 */
public final class BundleCluster {
    private static final Instant START = Instant.parse("2024-06-03T14:00:00Z");
    private static final String VTEP = "flannel.1";

    private final Snapshot bundle;
    private final Map<String, SubnetEnv> envs;
    private final List<String> assumptions = new ArrayList<>();
    private final Map<String, Prefix> bridgeSubnet = new LinkedHashMap<>();
    private SimCluster cluster;

    private BundleCluster(BundleReader.Result read) {
        this.bundle = read.snapshot();
        this.envs = read.subnetEnvs();
    }

    /** Builds and boots the cluster; bad or insufficient input is an {@link InputException}. */
    public static BundleCluster build(BundleReader.Result read) {
        BundleCluster b = new BundleCluster(read);
        b.run();
        return b;
    }

    public SimCluster cluster() {
        return cluster;
    }

    /** The bundle as collected. */
    public Snapshot bundle() {
        return bundle;
    }

    /** Every inference, each naming its rule and what it rests on. */
    public List<String> assumptions() {
        return List.copyOf(assumptions);
    }

    private void assume(String rule, String text) {
        assumptions.add(rule + ": " + text);
    }

    private void run() {
        if (bundle.hosts().isEmpty()) throw new InputException(bundle.name() + ": the bundle has no hosts to simulate");
        List<Lease> leases = bundle.cluster().leases() == null ? List.of() : bundle.cluster().leases();
        if (bundle.cluster().leases() == null) assume("no-leases", "the bundle has no leases.txt; the simulated registry starts empty");
        assume("registry", "the subnet registry is simulated in memory, holding the bundle's leases");

        List<SimCluster.HostSpec> hosts = new ArrayList<>();
        for (Host h : bundle.hosts()) hosts.add(hostSpec(h, leases));
        String flannel = flannelConfig(leases);
        ApiServer.Config api = apiConfig();
        ProxyMode mode = proxyMode();
        cluster = SimCluster.embedded(new SimCluster.Spec(bundle.name(), 7, START, flannel, api, mode, hosts));
        bridgeSubnet.forEach(cluster::pinNextSubnet);
        cluster.boot();
        workloads();
        stateAsCollected(leases);
    }

    // ---- hosts -------------------------------------------------------------------------------------------------

    private SimCluster.HostSpec hostSpec(Host h, List<Lease> leases) {
        String n = h.name();
        Optional<Node> node = bundle.cluster().node(n);
        Prefix bridge = bridge(h);
        Ipv4 ip = h.primaryAddress("eth0").orElse(null);
        if (ip == null && node.isPresent() && node.get().internalIp() != null) {
            ip = node.get().internalIp();
            assume("address-from-node", n + ": eth0 " + ip + " from its node's INTERNAL-IP (kubectl get nodes); the bundle has no eth0 address");
        }
        if (ip == null && bridge != null) {
            Prefix b = bridge;
            ip = leases.stream().filter(l -> l.subnet().equals(b)).map(Lease::publicIp).findFirst().orElse(null);
            if (ip != null) assume("address-from-lease", n + ": eth0 " + ip + " from the PublicIP of the lease of its bridge subnet " + bridge);
        }
        if (ip == null) throw new InputException(n + ": no underlay address (no eth0 address, no node INTERNAL-IP, no lease of its bridge subnet)");
        Ipv4 addr = ip;
        int len = h.routes().stream().filter(r -> r.connected() && r.dst().length() > 0 && r.dst().contains(addr) && "eth0".equals(r.dev()))
                .mapToInt(r -> r.dst().length()).findFirst().orElse(-1);
        if (len < 0) {
            len = h.addresses().stream().filter(a -> a.ip().equals(addr)).mapToInt(IfAddress::prefixLength).findFirst().orElse(24);
            if (h.addresses().stream().noneMatch(a -> a.ip().equals(addr))) assume("underlay-length", n + ": the underlay is taken as a /24 (no route or address says its length)");
        }
        Ipv4 gateway = h.routes().stream().filter(r -> r.dst().length() == 0 && r.via() != null).map(Route::via).findFirst().orElse(null);
        boolean isNode = node.isPresent();
        boolean proxy;
        if (!h.knows(Facet.DAEMONS)) {
            proxy = isNode;
            assume("units-from-role", n + ": no units.txt; " + (isNode ? "a node runs flanneld, docker, kubelet and kube-proxy" : "not a node: flanneld and docker only"));
        } else if (isNode && !h.daemons().containsKey(Daemon.KUBE_PROXY)) {
            proxy = true;
            assume("units-from-role", n + ": units.txt does not list kube-proxy; a node runs it");
        } else {
            proxy = h.daemon(Daemon.KUBE_PROXY) != Daemon.State.NOT_FOUND;
        }
        Mac eth = h.link("eth0").map(Link::mac).orElse(null);
        Mac vtep = h.link(VTEP).map(Link::mac).orElse(null);
        if (vtep == null && bridge != null) {
            Prefix b = bridge;
            vtep = leases.stream().filter(l -> l.subnet().equals(b)).map(Lease::vtepMac).findFirst().orElse(null);
            if (vtep != null) assume("vtep-from-lease", n + ": flannel.1 " + bridge.network() + " with MAC " + vtep + " from its lease (the bundle has no flannel.1)");
            else assume("vtep-unknown", n + ": flannel.1 is not in the bundle and no lease names its MAC; flanneld makes one up");
        }
        Mac bridgeMac = h.link("docker0").map(Link::mac).orElse(null);
        if (bridge != null) bridgeSubnet.put(n, bridge);
        else assume("no-bridge", n + ": no docker0 address nor subnet.env: its flanneld takes any free subnet");
        return new SimCluster.HostSpec(n, ip, len, gateway, isNode, proxy, false, eth, vtep, bridgeMac);
    }

    /** The host's pod subnet: subnet.env when collected, else docker0's (docker's --bip comes from subnet.env). */
    private Prefix bridge(Host h) {
        SubnetEnv env = envs.get(h.name());
        if (env != null && env.subnet() != null) return env.subnet();
        Optional<IfAddress> d = h.addresses().stream().filter(a -> a.dev().equals("docker0") || a.dev().equals("cni0")).findFirst();
        if (d.isEmpty()) return null;
        Prefix p = Prefix.of(d.get().ip(), d.get().prefixLength());
        assume("subnet-env-from-bridge", h.name() + ": /run/flannel/subnet.env not collected; FLANNEL_SUBNET taken as " + d.get().dev() + "'s "
                + d.get().ip() + "/" + p.length() + " (docker's --bip is read from subnet.env when docker starts)");
        return p;
    }

    private String flannelConfig(List<Lease> leases) {
        var fc = bundle.cluster().flannel();
        if (fc != null) {
            return String.format(Locale.ROOT, "{\"Network\":\"%s\",\"SubnetLen\":%d,\"Backend\":{\"Type\":\"%s\"}}",
                    fc.network(), fc.subnetLen(), fc.backendType());
        }
        List<Prefix> subnets = new ArrayList<>(bridgeSubnet.values());
        leases.forEach(l -> subnets.add(l.subnet()));
        if (subnets.isEmpty()) throw new InputException(bundle.name() + ": no flannel config, lease or bridge subnet to derive the pod network from");
        int len = subnets.getFirst().length();
        Prefix network = Prefix.of(subnets.getFirst().network(), 16);
        for (Prefix p : subnets) if (!network.contains(p)) network = Prefix.of(p.network(), 8);
        String backend = leases.isEmpty() ? "vxlan" : leases.getFirst().backendType();
        assume("network-from-subnets", "flannel's Network " + network + ", SubnetLen " + len + ", Backend " + backend
                + " (no flannel-config.json: the /16 holding every lease and bridge subnet, flannel's default form)");
        return String.format(Locale.ROOT, "{\"Network\":\"%s\",\"SubnetLen\":%d,\"Backend\":{\"Type\":\"%s\"}}", network, len, backend);
    }

    private ApiServer.Config apiConfig() {
        List<Service> svcs = bundle.cluster().services();
        Ipv4 kubernetes = svcs.stream().filter(s -> s.name().equals("kubernetes") && s.clusterIp() != null).map(Service::clusterIp).findFirst().orElse(null);
        Prefix cidr;
        if (kubernetes != null) {
            cidr = Prefix.of(kubernetes, 24);
            assume("service-cidr", "service CIDR " + cidr + " (the /24 whose first address is the kubernetes service's " + kubernetes + ")");
        } else {
            cidr = Prefix.parse("10.96.0.0/12");
            assume("service-cidr", "service CIDR " + cidr + " (kubeadm's default: the bundle shows no kubernetes service)");
        }
        int max = svcs.stream().flatMap(s -> s.ports().stream()).mapToInt(Service.Port::nodePort).max().orElse(0);
        int hi = Math.max(32767, max);
        assume("node-port-range", "NodePorts 30000-" + hi + " (the default range, widened to the highest NodePort seen)");
        assume("kubernetes-service", "the kubernetes service's endpoint (the API server) is not simulated: its flows stay failing");
        return new ApiServer.Config(cidr, 30000, hi, 7, null);
    }

    private ProxyMode proxyMode() {
        boolean ipvs = bundle.hosts().stream().anyMatch(h -> !h.virtualServers().isEmpty() || h.link("kube-ipvs0").isPresent());
        if (!ipvs) assume("proxy-mode", "kube-proxy in IPVS mode (no IPVS rule or kube-ipvs0 in the bundle to tell)");
        return ProxyMode.IPVS;
    }

    // ---- pods and services ---------------------------------------------------------------------------------------

    private void workloads() {
        Owners owners = owners();
        deployments(owners.targetOf);
        cluster.settle();
        services(owners);
    }

    /** Per service the Deployment whose pods it selects, and per Deployment the port its pods serve. */
    private record Owners(Map<String, Integer> targetOf, Map<String, String> ownerOfService) {}

    private Owners owners() {
        Map<String, Integer> targetOf = new TreeMap<>();
        Map<String, String> ownerOfService = new TreeMap<>();
        for (Service s : bundle.cluster().services()) {
            if (s.headless() || s.name().equals("kubernetes") || s.ports().isEmpty()) continue;
            Service.Port p = s.ports().getFirst();
            List<VirtualServer.RealServer> reals = bundle.hosts().stream().flatMap(h -> h.virtualServers().stream())
                    .filter(v -> v.address().ip().equals(s.clusterIp()) && v.address().port() == p.port())
                    .flatMap(v -> v.reals().stream()).toList();
            Optional<Endpoints> eps = bundle.cluster().endpointsOf(s);
            List<Ipv4> backends = eps.map(e -> e.addresses().stream().map(Endpoints.Address::ip).toList())
                    .orElse(reals.stream().map(r -> r.address().ip()).toList());
            String owner = null;
            for (Pod pod : bundle.cluster().pods()) if (pod.ip() != null && backends.contains(pod.ip())) owner = deploymentOf(pod.name());
            if (owner != null) {
                if (eps.isEmpty()) assume("selector-from-ipvs", s.key() + " selects the pods of " + owner + " (IPVS real servers " + backends.stream().distinct().toList() + " are its pods)");
            } else {
                String stem = s.name().split("-")[0];
                owner = bundle.cluster().pods().stream().map(pod -> deploymentOf(pod.name())).filter(d -> d.split("-")[0].equals(stem)).findFirst().orElse(null);
                if (owner != null) assume("selector-from-name", s.key() + " selects the pods of " + owner + " (no endpoints nor IPVS rule; both names start with '" + stem + "')");
                else assume("selector-unknown", s.key() + " selects no pod in the simulation (no endpoints, IPVS rule or name match)");
            }
            int target = eps.flatMap(e -> e.ports().stream().findFirst()).map(Endpoints.Port::port)
                    .orElse(reals.isEmpty() ? (p.targetPort() > 0 ? p.targetPort() : p.port()) : reals.getFirst().address().port());
            if (eps.isEmpty() && reals.isEmpty()) assume("target-port", s.key() + ": targetPort " + target + " (not in the bundle; Kubernetes' default is the service port)");
            if (owner != null) {
                targetOf.merge(owner, target, (a, b) -> a);
                ownerOfService.put(s.key(), owner);
            }
        }
        return new Owners(targetOf, ownerOfService);
    }

    /** One Deployment per (owner, node), pinned there, with the collected pod addresses. */
    private void deployments(Map<String, Integer> targetOf) {
        Map<String, List<Pod>> groups = new LinkedHashMap<>();
        for (Pod pod : bundle.cluster().pods()) {
            if (pod.node() == null || !cluster.hasHost(pod.node())) {
                assume("pod-skipped", pod.key() + " is on " + pod.node() + ", a host the bundle has no files for: not simulated");
                continue;
            }
            groups.computeIfAbsent(deploymentOf(pod.name()) + "\t" + pod.node(), k -> new ArrayList<>()).add(pod);
        }
        if (!groups.isEmpty()) assume("pods-as-deployments", "each pod runs from a Deployment named by its pod name less the two hash parts, pinned to its node and address");
        for (var e : groups.entrySet()) {
            String owner = e.getKey().split("\t")[0], node = e.getKey().split("\t")[1];
            String name = groups.keySet().stream().filter(k -> k.startsWith(owner + "\t")).count() > 1 ? owner + "-" + node : owner;
            int port = targetOf.getOrDefault(owner, 80);
            var d = new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(e.getValue().getFirst().namespace()).endMetadata()
                    .withNewSpec().withReplicas(e.getValue().size()).withNewSelector().addToMatchLabels("app", owner).endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("app", owner).endMetadata().withNewSpec()
                    .addNewContainer().withName("app").withImage("app").addNewPort().withContainerPort(port).endPort().endContainer()
                    .endSpec().endTemplate().endSpec().build();
            cluster.api().apply(List.of(d));
            cluster.api().pinDeployment(d.getMetadata().getNamespace(), name, node);
            var fresh = cluster.api().pods().stream().filter(p -> p.name().startsWith(name + "-") && node.equals(p.node()) && p.ip() == null).toList();
            for (int i = 0; i < fresh.size() && i < e.getValue().size(); i++) {
                Ipv4 ip = e.getValue().get(i).ip();
                if (ip != null) cluster.docker(node).pinAddress(fresh.get(i).key(), ip);
            }
        }
    }

    /** The services that select a simulated Deployment, with their ClusterIPs and NodePorts pinned as collected. */
    private void services(Owners owners) {
        Map<String, Integer> targetOf = owners.targetOf;
        List<HasMetadata> services = new ArrayList<>();
        for (Service s : bundle.cluster().services()) {
            String owner = owners.ownerOfService.get(s.key());
            if (owner == null) continue;
            Service.Port p = s.ports().getFirst();
            if (p.nodePort() > 0) cluster.pinService(s.name(), s.clusterIp(), p.nodePort());
            services.add(new ServiceBuilder().withNewMetadata().withName(s.name()).withNamespace(s.namespace()).endMetadata()
                    .withNewSpec().withType(s.type()).withClusterIP(s.clusterIp().toString()).addToSelector("app", owner)
                    .addNewPort().withPort(p.port()).withTargetPort(new IntOrString(targetOf.get(owner))).withProtocol("TCP").endPort()
                    .endSpec().build());
        }
        if (!services.isEmpty()) cluster.apply(services);
    }

    /** A Deployment's pod is NAME-TEMPLATEHASH-SUFFIX; anything else is taken as its own owner. */
    static String deploymentOf(String pod) {
        String[] parts = pod.split("-");
        return parts.length >= 3 ? String.join("-", java.util.Arrays.copyOf(parts, parts.length - 2)) : pod;
    }

    // ---- the collected state -------------------------------------------------------------------------------------

    private void stateAsCollected(List<Lease> leases) {
        for (var e : bridgeSubnet.entrySet()) {
            String n = e.getKey();
            Prefix subnet = e.getValue();
            Host h = bundle.host(n).orElseThrow();
            boolean flanneldRuns = !h.knows(Facet.DAEMONS) || h.daemon(Daemon.FLANNELD) == Daemon.State.ACTIVE;
            if (bundle.cluster().leases() != null && leases.stream().noneMatch(l -> l.subnet().equals(subnet)) && flanneldRuns) {
                assume("lease-lost", n + ": its subnet " + subnet + " has no lease in leases.txt while flanneld runs: simulated as a flanneld that"
                        + " stopped renewing and watching (hung) and a lease that expired");
                cluster.faults().hangFlanneld(n);
                cluster.faults().deleteLease(subnet);
            }
        }
        for (Host h : bundle.hosts()) {
            if (!h.knows(Facet.ROUTES)) {
                assume("routes-simulated", h.name() + ": no routes in the bundle; its flannel.1 routes are what its flanneld makes of the leases");
                continue;
            }
            var net = cluster.network(h.name());
            Host sim = net.read();
            List<Route> want = h.routes().stream().filter(r -> VTEP.equals(r.dev())).toList();
            for (Route r : sim.routes()) {
                if (VTEP.equals(r.dev()) && want.stream().noneMatch(w -> w.dst().equals(r.dst()))) net.apply(new NetChange.DeleteRoute(r));
            }
            for (Route r : want) {
                if (sim.routes().stream().noneMatch(s -> VTEP.equals(s.dev()) && s.dst().equals(r.dst()))) {
                    net.apply(new NetChange.ReplaceRoute(Route.onlink(r.dst(), r.via(), VTEP)));
                }
            }
        }
        for (Host h : bundle.hosts()) {
            if (!h.knows(Facet.DAEMONS)) continue;
            for (Daemon d : List.of(Daemon.KUBE_PROXY, Daemon.KUBELET, Daemon.DOCKER, Daemon.FLANNELD)) {
                Daemon.State st = h.daemon(d);
                if ((st == Daemon.State.INACTIVE || st == Daemon.State.FAILED) && cluster.unit(h.name(), d) == Daemon.State.ACTIVE) {
                    cluster.systemctl(h.name(), "stop", d.unit());
                }
            }
        }
        cluster.settle();
    }
}
