package dev.kubepath.cluster;

import dev.kubepath.model.Cluster;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.FlannelConfig;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Service;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The small control plane of a simulated cluster: nodes, deployments and their pods, services with ClusterIP and
 * NodePort allocation, scheduling, and the endpoints controller. Everything random (pod-template-hash, pod name
 * suffix, ClusterIP, NodePort) comes from one seeded generator, so a scenario replays identically; every allocation
 * can also be pinned (spec.clusterIP, spec.ports[].nodePort, spec.nodeName).
 * Pods get their address from the node's container runtime, reported through {@link #podStarted}.
 */
public final class ApiServer {
    /** k8s.io/apimachinery's rand alphabet: no vowels, no confusable characters. */
    static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
    public static final String KUBERNETES = "kubernetes";
    public static final String DEFAULT_NS = "default";

    /**
     * {@code apiServerEndpoint} backs the "kubernetes" service (null: the service has no endpoints, as in a
     * cluster whose master is not reachable as an endpoint).
     */
    public record Config(Prefix serviceCidr, int nodePortMin, int nodePortMax, long seed, SocketAddress apiServerEndpoint) {
        public Config {
            if (nodePortMin < 1 || nodePortMax > 65535 || nodePortMin > nodePortMax) {
                throw new IllegalArgumentException("node port range " + nodePortMin + "-" + nodePortMax + " is not within 1-65535");
            }
            if (serviceCidr.length() > 30) throw new IllegalArgumentException("service CIDR " + serviceCidr + " is too small");
        }

        /** The seed cluster: 10.2.0.0/24, NodePorts 30000-50000 (it used 41527 and 33958). */
        public static Config seedCluster(long seed) {
            return new Config(Prefix.parse("10.2.0.0/24"), 30000, 50000, seed, null);
        }
    }

    private record DeploymentState(String namespace, String name, int replicas, Map<String, String> selector,
                                   Map<String, String> podLabels, String templateHash, Workload workload, String pinnedNode) {
        String key() {
            return namespace + "/" + name;
        }
    }

    private record PodState(Pod pod, Workload workload, String owner, String pinnedNode, boolean everStarted) {}

    private final Config config;
    private final Random random;
    private final Map<String, Node> nodes = new TreeMap<>();
    private final Map<String, DeploymentState> deployments = new LinkedHashMap<>();
    private final Map<String, PodState> pods = new LinkedHashMap<>();
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final Map<Ipv4, String> clusterIps = new HashMap<>();
    private final Map<Integer, String> nodePorts = new HashMap<>();
    /** Each service's targetPorts as written (a number or a container port name), resolved when read. */
    private final Map<String, List<String>> targetPorts = new HashMap<>();
    private final TreeSet<String> namespaces = new TreeSet<>(List.of(DEFAULT_NS, "kube-system"));

    public ApiServer(Config config) {
        this.config = config;
        this.random = new Random(config.seed());
        Ipv4 first = config.serviceCidr().address(1);
        Service kubernetes = new Service(DEFAULT_NS, KUBERNETES, "ClusterIP", first,
                List.of(new Service.Port("https", Protocol.TCP, 443,
                        config.apiServerEndpoint() == null ? 6443 : config.apiServerEndpoint().port(), 0)), Map.of());
        clusterIps.put(first, kubernetes.key());
        services.put(kubernetes.key(), kubernetes);
    }

    public Config config() {
        return config;
    }

    // ---- nodes -------------------------------------------------------------------------------------------------

    public synchronized void addNode(Node node) {
        version++;
        nodes.put(node.name(), node);
        scheduleAll();
    }

    public synchronized void removeNode(String name) {
        version++;
        nodes.remove(name);
    }

    public synchronized List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    // ---- manifests ---------------------------------------------------------------------------------------------

    /**
     * kubectl apply -f: creates each object that does not exist yet, returning kubectl's lines
     * ("service/mcwtest-svc created"); an existing one is left as it is ("unchanged").
     */
    public synchronized List<String> apply(List<HasMetadata> objects) {
        version++;
        List<String> out = new ArrayList<>();
        inApply = true;
        try {
            applyEach(objects, out);
        } finally {
            inApply = false;
            applying = null;
        }
        return out;
    }

    /**
     * The scheduler's view while one apply creates Deployments (and Services and Namespaces, which place no pod):
     * their pods change the counts only through it, so it stays right from one Deployment to the next (1,000
     * Deployments over 1,000 nodes had counted the cluster's pods and ordered its nodes 1,000 times). Null outside
     * such a run, and forgotten when anything else may move a pod.
     */
    private Placement applying;
    private boolean inApply;

    private void applyEach(List<HasMetadata> objects, List<String> out) {
        for (HasMetadata o : objects) {
            if (!(o instanceof Deployment || o instanceof io.fabric8.kubernetes.api.model.Service || o instanceof Namespace)) {
                applying = null; // a bare pod is placed by counting again
            }
            String ns = o.getMetadata().getNamespace() == null ? DEFAULT_NS : o.getMetadata().getNamespace();
            String name = o.getMetadata().getName();
            if (o instanceof Deployment && deployments.containsKey(ns + "/" + name)) {
                out.add("deployment.apps/" + name + " unchanged");
                continue;
            }
            if (o instanceof io.fabric8.kubernetes.api.model.Service && service(ns, name).isPresent()) {
                out.add("service/" + name + " unchanged");
                continue;
            }
            switch (o) {
                case Deployment d -> {
                    createDeployment(d);
                    out.add("deployment.apps/" + d.getMetadata().getName() + " created");
                }
                case io.fabric8.kubernetes.api.model.Service s -> {
                    createService(s);
                    out.add("service/" + s.getMetadata().getName() + " created");
                }
                case io.fabric8.kubernetes.api.model.Pod p -> {
                    createPod(p);
                    out.add("pod/" + p.getMetadata().getName() + " created");
                }
                case Namespace n -> {
                    boolean created = namespaces.add(n.getMetadata().getName());
                    out.add("namespace/" + n.getMetadata().getName() + (created ? " created" : " unchanged"));
                }
                default -> throw new IllegalArgumentException("unsupported object kind " + o.getKind());
            }
        }
    }

    // ---- deployments and pods ----------------------------------------------------------------------------------

    public synchronized void createDeployment(Deployment d) {
        version++;
        String ns = namespaceOf(d);
        String name = d.getMetadata().getName();
        String key = ns + "/" + name;
        if (deployments.containsKey(key)) throw new IllegalStateException("deployments.apps \"" + name + "\" already exists");
        var spec = d.getSpec();
        if (spec == null || spec.getTemplate() == null || spec.getTemplate().getSpec() == null) {
            throw new IllegalArgumentException("deployment " + key + " has no spec.template.spec");
        }
        Map<String, String> labels = spec.getTemplate().getMetadata() == null || spec.getTemplate().getMetadata().getLabels() == null
                ? Map.of() : spec.getTemplate().getMetadata().getLabels();
        Map<String, String> selector = spec.getSelector() == null || spec.getSelector().getMatchLabels() == null
                ? labels : spec.getSelector().getMatchLabels();
        if (!labels.entrySet().containsAll(selector.entrySet())) {
            throw new IllegalArgumentException("deployment " + key + ": spec.selector does not match template labels");
        }
        PodSpec podSpec = spec.getTemplate().getSpec();
        int replicas = spec.getReplicas() == null ? 1 : spec.getReplicas();
        deployments.put(key, new DeploymentState(ns, name, replicas, selector, labels, templateHash(),
                Workload.of(podSpec), pinnedNode(podSpec)));
        reconcile(deployments.get(key), List.of()); // nothing can be its pod yet: deleting a Deployment deletes its pods
    }

    public synchronized void scaleDeployment(String namespace, String name, int replicas) {
        version++;
        DeploymentState d = requireDeployment(namespace, name);
        DeploymentState next = new DeploymentState(d.namespace(), d.name(), replicas, d.selector(), d.podLabels(),
                d.templateHash(), d.workload(), d.pinnedNode());
        deployments.put(d.key(), next);
        reconcile(next);
    }

    /** Pins the deployment's pods to a node (existing pods are re-created there, as a changed nodeName would). */
    public synchronized void pinDeployment(String namespace, String name, String node) {
        version++;
        DeploymentState d = requireDeployment(namespace, name);
        DeploymentState next = new DeploymentState(d.namespace(), d.name(), d.replicas(), d.selector(), d.podLabels(),
                d.templateHash(), d.workload(), node);
        deployments.put(d.key(), next);
        pods.values().removeIf(p -> d.key().equals(p.owner()) && !node.equals(p.pod().node()));
        reconcile(next);
    }

    public synchronized void deleteDeployment(String namespace, String name) {
        version++;
        DeploymentState d = requireDeployment(namespace, name);
        deployments.remove(d.key());
        pods.values().removeIf(p -> d.key().equals(p.owner()));
    }

    /** A bare pod (no owner): scheduled like the others, not re-created when deleted. */
    public synchronized Pod createPod(io.fabric8.kubernetes.api.model.Pod p) {
        version++;
        String ns = namespaceOf(p);
        String key = ns + "/" + p.getMetadata().getName();
        if (pods.containsKey(key)) throw new IllegalStateException("pods \"" + p.getMetadata().getName() + "\" already exists");
        PodSpec spec = p.getSpec();
        Workload w = Workload.of(spec);
        Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
        String pin = pinnedNode(spec);
        Pod pod = new Pod(ns, p.getMetadata().getName(), chooseNode(pin), null, labels, w.listenPorts(), "Pending", 0);
        pods.put(key, new PodState(pod, w, null, pin, false));
        return pod;
    }

    /** kubectl delete pod: a deployment's pod is replaced by a new one with a new name. */
    public synchronized void deletePod(String namespace, String name) {
        version++;
        PodState removed = pods.remove(namespace + "/" + name);
        if (removed == null) throw new IllegalArgumentException("pods \"" + name + "\" not found in namespace " + namespace);
        if (removed.owner() != null && deployments.containsKey(removed.owner())) reconcile(deployments.get(removed.owner()));
    }

    /** The node's runtime started the pod's containers with this address; a re-created sandbox counts as a restart. */
    public synchronized void podStarted(String podKey, Ipv4 ip) {
        version++;
        PodState s = requirePod(podKey);
        Pod p = s.pod();
        boolean recreated = s.everStarted() && (!"Running".equals(p.phase()) || !ip.equals(p.ip()));
        int restarts = recreated ? p.restarts() + 1 : p.restarts();
        pods.put(podKey, new PodState(new Pod(p.namespace(), p.name(), p.node(), ip, p.labels(), p.containerPorts(),
                "Running", restarts), s.workload(), s.owner(), s.pinnedNode(), true));
    }

    /** The runtime stopped the pod's containers (docker stopped): the pod keeps its node but has no address. */
    public synchronized void podStopped(String podKey) {
        version++;
        PodState s = requirePod(podKey);
        Pod p = s.pod();
        pods.put(podKey, new PodState(new Pod(p.namespace(), p.name(), p.node(), null, p.labels(), p.containerPorts(),
                "Pending", p.restarts()), s.workload(), s.owner(), s.pinnedNode(), s.everStarted()));
    }

    public synchronized List<Pod> pods() {
        return pods.values().stream().map(PodState::pod).toList();
    }

    public synchronized Optional<Pod> pod(String namespace, String name) {
        return Optional.ofNullable(pods.get(namespace + "/" + name)).map(PodState::pod);
    }

    /** The pods holding the selector's rarest label (all of them must hold it), in the map's order. */
    private static List<PodState> candidates(Map<Map.Entry<String, String>, List<PodState>> byLabel, Map<String, String> selector) {
        List<PodState> fewest = null;
        for (var e : selector.entrySet()) {
            List<PodState> with = byLabel.getOrDefault(Map.entry(e.getKey(), e.getValue()), List.of());
            if (fewest == null || with.size() < fewest.size()) fewest = with;
        }
        return fewest == null ? List.of() : fewest;
    }

    /** Every pod by the node it is bound to (one pass, for a settle round of every kubelet). */
    public synchronized Map<String, List<Pod>> podsByNode() {
        Map<String, List<Pod>> out = new java.util.HashMap<>();
        for (PodState s : pods.values()) if (s.pod().node() != null) out.computeIfAbsent(s.pod().node(), k -> new ArrayList<>()).add(s.pod());
        return out;
    }

    public synchronized List<Pod> podsOn(String node) {
        return pods.values().stream().map(PodState::pod).filter(p -> node.equals(p.node())).toList();
    }

    public synchronized Workload workload(String podKey) {
        return requirePod(podKey).workload();
    }

    // ---- services ----------------------------------------------------------------------------------------------

    public synchronized Service createService(io.fabric8.kubernetes.api.model.Service s) {
        version++;
        String ns = namespaceOf(s);
        String name = s.getMetadata().getName();
        String key = ns + "/" + name;
        if (services.containsKey(key)) throw new IllegalStateException("services \"" + name + "\" already exists");
        var spec = s.getSpec();
        if (spec == null || spec.getPorts() == null || spec.getPorts().isEmpty()) {
            throw new IllegalArgumentException("Service \"" + name + "\" is invalid: spec.ports: Required value");
        }
        String type = spec.getType() == null ? "ClusterIP" : spec.getType();
        if (!List.of("ClusterIP", "NodePort").contains(type)) {
            throw new IllegalArgumentException("Service \"" + name + "\": type " + type + " is not supported (expected ClusterIP or NodePort)");
        }
        Ipv4 ip;
        String pinnedIp = spec.getClusterIP();
        if ("None".equals(pinnedIp)) {
            ip = null;
        } else if (pinnedIp != null && !pinnedIp.isEmpty()) {
            ip = Ipv4.parse(pinnedIp);
            if (!config.serviceCidr().contains(ip) || ip.equals(config.serviceCidr().network())
                    || ip.equals(config.serviceCidr().broadcast())) {
                throw invalid(name, "spec.clusterIP", "\"" + pinnedIp + "\"",
                        "provided IP is not in the valid range. The range of valid IPs is " + config.serviceCidr());
            }
            if (clusterIps.containsKey(ip)) throw invalid(name, "spec.clusterIP", "\"" + pinnedIp + "\"", "provided IP is already allocated");
        } else {
            ip = allocateClusterIp(name);
        }
        List<Service.Port> ports = new ArrayList<>();
        List<Integer> taken = new ArrayList<>();
        for (int i = 0; i < spec.getPorts().size(); i++) {
            ServicePort p = spec.getPorts().get(i);
            int nodePort = 0;
            if (type.equals("NodePort")) {
                if (p.getNodePort() != null && p.getNodePort() != 0) {
                    nodePort = p.getNodePort();
                    String field = "spec.ports[" + i + "].nodePort";
                    if (nodePort < config.nodePortMin() || nodePort > config.nodePortMax()) {
                        throw invalid(name, field, String.valueOf(nodePort), "provided port is not in the valid range. The range of valid ports is "
                                + config.nodePortMin() + "-" + config.nodePortMax());
                    }
                    if (nodePorts.containsKey(nodePort) || taken.contains(nodePort)) {
                        throw invalid(name, field, String.valueOf(nodePort), "provided port is already allocated");
                    }
                } else {
                    nodePort = allocateNodePort(name, taken);
                }
                taken.add(nodePort);
            }
            Protocol proto = p.getProtocol() == null ? Protocol.TCP : Protocol.parse(p.getProtocol());
            ports.add(new Service.Port(p.getName(), proto, p.getPort(), 0, nodePort));
        }
        Map<String, String> selector = spec.getSelector() == null ? Map.of() : spec.getSelector();
        Service svc = new Service(ns, name, type, ip, ports, selector);
        if (ip != null) clusterIps.put(ip, key);
        for (int port : taken) nodePorts.put(port, key);
        services.put(key, svc);
        targetPorts.put(key, spec.getPorts().stream().map(p -> targetPortText(p)).toList());
        return withResolvedTargets(svc);
    }

    public synchronized void deleteService(String namespace, String name) {
        version++;
        String key = namespace + "/" + name;
        Service s = services.remove(key);
        if (s == null) throw new IllegalArgumentException("services \"" + name + "\" not found in namespace " + namespace);
        clusterIps.values().removeIf(key::equals);
        nodePorts.values().removeIf(key::equals);
        targetPorts.remove(key);
    }

    /** Services with each targetPort resolved to a number (a named one through the selected pods' container ports). */
    public synchronized List<Service> services() {
        if (servicesAt != version) {
            servicesMemo = services.values().stream().map(this::withResolvedTargets).toList();
            servicesAt = version;
        }
        return servicesMemo;
    }

    /**
     * Counts the changes to nodes, pods, deployments and services: services and endpoints are computed again only
     * after one (every node's kube-proxy reads them every settle round; an hour of 1,000 quiet nodes changed none).
     */
    private long version;
    private long servicesAt = -1, endpointsAt = -1;
    private List<Service> servicesMemo;
    private List<Endpoints> endpointsMemo;

    /** A number that changes whenever nodes, pods, deployments or services change. */
    public synchronized long version() {
        return version;
    }

    public synchronized Optional<Service> service(String namespace, String name) {
        return Optional.ofNullable(services.get(namespace + "/" + name)).map(this::withResolvedTargets);
    }

    // ---- endpoints controller ----------------------------------------------------------------------------------

    /**
     * The endpoints controller: for every service with a selector, the running pods that match it and have an
     * address, sorted by address. A named targetPort resolves through each pod's container ports; pods that
     * resolve it differently from the first are left out (the model holds one port list per Endpoints).
     */
    public synchronized List<Endpoints> endpoints() {
        if (endpointsAt != version) {
            endpointsMemo = List.copyOf(computeEndpoints()); // shared by every caller: read-only
            endpointsAt = version;
        }
        return endpointsMemo;
    }

    private List<Endpoints> computeEndpoints() {
        List<Endpoints> out = new ArrayList<>();
        // running pods by label, so each service looks only at the pods carrying one of its selector's labels
        Map<Map.Entry<String, String>, List<PodState>> byLabel = new java.util.HashMap<>();
        for (PodState p : pods.values()) {
            if (!"Running".equals(p.pod().phase()) || p.pod().ip() == null) continue;
            for (var label : p.pod().labels().entrySet()) byLabel.computeIfAbsent(Map.entry(label.getKey(), label.getValue()), k -> new ArrayList<>()).add(p);
        }
        for (Service s : services.values()) {
            if (s.name().equals(KUBERNETES) && s.namespace().equals(DEFAULT_NS)) {
                SocketAddress api = config.apiServerEndpoint();
                out.add(new Endpoints(DEFAULT_NS, KUBERNETES,
                        api == null ? List.of() : List.of(new Endpoints.Address(api.ip(), null, null)),
                        List.of(new Endpoints.Port("https", Protocol.TCP, api == null ? 6443 : api.port()))));
                continue;
            }
            if (s.selector().isEmpty()) continue;
            List<PodState> selected = candidates(byLabel, s.selector()).stream()
                    .filter(p -> p.pod().labels().entrySet().containsAll(s.selector().entrySet()))
                    .filter(p -> "Running".equals(p.pod().phase()) && p.pod().ip() != null)
                    .sorted(Comparator.comparing(p -> p.pod().ip())).toList();
            List<String> targets = targetPorts.getOrDefault(s.key(), List.of());
            List<Endpoints.Port> ports = new ArrayList<>();
            List<Endpoints.Address> addresses = new ArrayList<>();
            List<Integer> resolvedFirst = null;
            for (PodState p : selected) {
                List<Integer> resolved = new ArrayList<>();
                for (int i = 0; i < s.ports().size(); i++) {
                    String t = i < targets.size() ? targets.get(i) : String.valueOf(s.ports().get(i).port());
                    resolved.add(p.workload().resolve(t));
                }
                if (resolved.contains(null)) continue;
                if (resolvedFirst == null) resolvedFirst = resolved;
                if (!resolved.equals(resolvedFirst)) continue;
                addresses.add(new Endpoints.Address(p.pod().ip(), p.pod().node(), p.pod().name()));
            }
            if (resolvedFirst != null) {
                for (int i = 0; i < s.ports().size(); i++) {
                    Service.Port sp = s.ports().get(i);
                    ports.add(new Endpoints.Port(sp.name(), sp.protocol(), resolvedFirst.get(i)));
                }
            }
            out.add(new Endpoints(s.namespace(), s.name(), addresses, ports));
        }
        return out;
    }

    /** The cluster half of a snapshot; the flannel config and leases come from the overlay's registry. */
    public synchronized Cluster cluster(FlannelConfig flannel, List<Lease> leases) {
        return new Cluster(nodes(), pods(), services(), endpoints(), flannel, leases, config.serviceCidr());
    }

    // ---- internals ---------------------------------------------------------------------------------------------

    private void reconcile(DeploymentState d) {
        String key = d.key(); // once, not once per pod of the cluster
        reconcile(d, pods.entrySet().stream().filter(e -> key.equals(e.getValue().owner())).map(Map.Entry::getKey).toList());
    }

    /** {@code owned}: the keys of the Deployment's pods, oldest first. */
    private void reconcile(DeploymentState d, List<String> owned) {
        String key = d.key();
        for (int i = owned.size() - 1; i >= d.replicas(); i--) pods.remove(owned.get(i));
        if (owned.size() > d.replicas()) applying = null; // pods went: count again
        if (owned.size() >= d.replicas()) return;
        Placement placement = applying != null ? applying : new Placement(podsPerNode());
        if (inApply) applying = placement;
        for (int i = owned.size(); i < d.replicas(); i++) {
            String name;
            do {
                name = d.name() + "-" + d.templateHash() + "-" + randomString(5);
            } while (pods.containsKey(d.namespace() + "/" + name));
            Map<String, String> labels = new LinkedHashMap<>(d.podLabels());
            labels.put("pod-template-hash", d.templateHash());
            Pod pod = new Pod(d.namespace(), name, placement.place(d.pinnedNode()), null, labels, d.workload().listenPorts(), "Pending", 0);
            pods.put(pod.key(), new PodState(pod, d.workload(), key, d.pinnedNode(), false));
        }
    }

    /**
     * The scheduler's choice for a run of pods, as {@link #chooseNode(String, Map)} makes it one pod at a time (the
     * pinned node if registered, else the ready node with fewest pods, then by name), from the ready nodes kept in
     * that order: a deployment of 20 pods on 1,000 nodes looks at the nodes once, not 20 times.
     */
    private final class Placement {
        private final Map<String, Integer> load;
        /** Built at the first pod that needs it: a node joining with no pod to place (boot) costs nothing. */
        private java.util.TreeSet<String> ready;

        Placement(Map<String, Integer> load) {
            this.load = load;
        }

        /** The node for the next pod (null: none), counted as holding it. */
        String place(String pinned) {
            if (pinned != null) {
                if (!nodes.containsKey(pinned)) return null;
                count(pinned);
                return pinned;
            }
            if (ready == null) {
                ready = new java.util.TreeSet<>(Comparator.<String>comparingInt(n -> load.getOrDefault(n, 0)).thenComparing(n -> n));
                for (Node n : nodes.values()) if (n.ready()) ready.add(n.name());
            }
            if (ready.isEmpty()) return null;
            String node = ready.first();
            count(node);
            return node;
        }

        private void count(String node) {
            boolean wasReady = ready != null && ready.remove(node); // re-inserted under its new count
            load.merge(node, 1, Integer::sum);
            if (wasReady) ready.add(node);
        }
    }

    /** Places pods that have no node yet (no node was ready when they were created). */
    private void scheduleAll() {
        Placement placement = new Placement(podsPerNode());
        for (Map.Entry<String, PodState> e : pods.entrySet()) {
            PodState s = e.getValue();
            if (s.pod().node() != null) continue;
            String node = placement.place(s.pinnedNode());
            if (node == null) continue;
            Pod p = s.pod();
            e.setValue(new PodState(new Pod(p.namespace(), p.name(), node, p.ip(), p.labels(), p.containerPorts(),
                    p.phase(), p.restarts()), s.workload(), s.owner(), s.pinnedNode(), s.everStarted()));
        }
    }

    /** Deterministic scheduling: the pinned node if registered, else the ready node with fewest pods, then by name. */
    private String chooseNode(String pinned) {
        return chooseNode(pinned, podsPerNode());
    }

    /** How many pods each node holds; a deployment's reconcile counts once and adds each pod it places. */
    private Map<String, Integer> podsPerNode() {
        Map<String, Integer> load = new java.util.HashMap<>();
        for (PodState p : pods.values()) if (p.pod().node() != null) load.merge(p.pod().node(), 1, Integer::sum);
        return load;
    }

    /** As {@link #chooseNode(String)} with the pods per node given (placing 20,000 pods had counted them each time). */
    private String chooseNode(String pinned, Map<String, Integer> load) {
        if (pinned != null) return nodes.containsKey(pinned) ? pinned : null;
        return nodes.values().stream().filter(Node::ready)
                .min(Comparator.<Node>comparingInt(n -> load.getOrDefault(n.name(), 0)).thenComparing(Node::name))
                .map(Node::name).orElse(null);
    }

    private static String pinnedNode(PodSpec spec) {
        if (spec.getNodeName() != null && !spec.getNodeName().isEmpty()) return spec.getNodeName();
        if (spec.getNodeSelector() != null) return spec.getNodeSelector().get("kubernetes.io/hostname");
        return null;
    }

    /** pod-template-hash: the decimal form of a 32-bit hash, safe-encoded as Kubernetes does (e.g. 6465665557). */
    private String templateHash() {
        String decimal = Long.toString(random.nextInt() & 0xFFFF_FFFFL);
        StringBuilder sb = new StringBuilder();
        for (char c : decimal.toCharArray()) sb.append(ALPHANUMS.charAt(c % ALPHANUMS.length()));
        return sb.toString();
    }

    private String randomString(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append(ALPHANUMS.charAt(random.nextInt(ALPHANUMS.length())));
        return sb.toString();
    }

    /** Like the apiserver's bitmap allocator: a random start, then the next free address. */
    private Ipv4 allocateClusterIp(String name) {
        int usable = (int) config.serviceCidr().size() - 2;
        int start = random.nextInt(usable);
        for (int i = 0; i < usable; i++) {
            Ipv4 ip = config.serviceCidr().address(1 + (start + i) % usable);
            if (!clusterIps.containsKey(ip)) return ip;
        }
        throw new IllegalStateException("Service \"" + name + "\": failed to allocate a serviceIP: range is full");
    }

    private int allocateNodePort(String name, List<Integer> taken) {
        int size = config.nodePortMax() - config.nodePortMin() + 1;
        int start = random.nextInt(size);
        for (int i = 0; i < size; i++) {
            int port = config.nodePortMin() + (start + i) % size;
            if (!nodePorts.containsKey(port) && !taken.contains(port)) return port;
        }
        throw new IllegalStateException("Service \"" + name + "\": failed to allocate a nodePort: range is full");
    }

    private Service withResolvedTargets(Service s) {
        List<String> targets = targetPorts.get(s.key());
        if (targets == null) return s; // the built-in kubernetes service has its target already
        List<Service.Port> ports = new ArrayList<>();
        for (int i = 0; i < s.ports().size(); i++) {
            Service.Port p = s.ports().get(i);
            ports.add(new Service.Port(p.name(), p.protocol(), p.port(), resolveTarget(s, targets.get(i)), p.nodePort()));
        }
        return new Service(s.namespace(), s.name(), s.type(), s.clusterIp(), ports, s.selector());
    }

    private int resolveTarget(Service s, String target) {
        if (!target.isEmpty() && target.chars().allMatch(Character::isDigit)) return Integer.parseInt(target);
        for (PodState p : pods.values()) {
            if (s.selector().isEmpty() || !p.pod().labels().entrySet().containsAll(s.selector().entrySet())) continue;
            Integer port = p.workload().resolve(target);
            if (port != null) return port;
        }
        return 0;
    }

    private static String targetPortText(ServicePort p) {
        IntOrString t = p.getTargetPort();
        if (t == null || (t.getIntVal() == null && t.getStrVal() == null)) return String.valueOf(p.getPort());
        return t.getIntVal() != null ? String.valueOf(t.getIntVal()) : t.getStrVal();
    }

    private String namespaceOf(HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        ns = ns == null || ns.isEmpty() ? DEFAULT_NS : ns;
        if (!namespaces.contains(ns)) throw new IllegalArgumentException("namespaces \"" + ns + "\" not found");
        return ns;
    }

    private DeploymentState requireDeployment(String namespace, String name) {
        DeploymentState d = deployments.get(namespace + "/" + name);
        if (d == null) throw new IllegalArgumentException("deployments.apps \"" + name + "\" not found in namespace " + namespace);
        return d;
    }

    private PodState requirePod(String podKey) {
        PodState s = pods.get(podKey);
        if (s == null) throw new IllegalArgumentException("pod " + podKey + " not found");
        return s;
    }

    private static IllegalArgumentException invalid(String name, String field, String value, String why) {
        return new IllegalArgumentException("Service \"" + name + "\" is invalid: " + field + ": Invalid value: " + value + ": " + why);
    }
}
