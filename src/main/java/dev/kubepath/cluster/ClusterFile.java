package dev.kubepath.cluster;

import dev.kubepath.flannel.FlannelConfigException;
import dev.kubepath.flannel.NetworkConfigs;
import dev.kubepath.ingest.InputException;
import dev.kubepath.ingest.YamlNode;
import dev.kubepath.model.FlannelConfig;
import dev.kubepath.model.IfAddress;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.SocketAddress;
import dev.kubepath.proxy.ProxyMode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster to run (docs/scenario-format.md, {@code kind: Cluster}): its hosts and their roles, flannel's network
 * config and registry, the container runtime, kube-proxy per host, the manifests applied once the cluster is up, and
 * a timeline of what happens to it. The simulator ({@link ClusterRun}), the operator's shell and the lab run the same
 * file. Every mistake is one {@link InputException} naming the file and line; a Service that selects no pod of the
 * file's manifests is a warning (it is legal, and real clusters have them), kept in {@link #warnings()}.
 */
public record ClusterFile(String file, SimCluster.Spec spec, Registry registry, Map<String, Prefix> firstSubnets,
                          List<Manifest> manifests, List<Step> timeline, List<String> warnings, Runtime runtime, boolean clusterDns) {

    /** The container runtime of every node: docker (docker0 from subnet.env) or containerd with flannel's CNI plugin (cni0). */
    public enum Runtime { DOCKER, CONTAINERD }

    /**
     * Where flannel keeps its leases: etcd's v2 or v3 key space, the simulator's own registry, or node annotations
     * on the API server (flanneld --kube-subnet-mgr, docs/scenario-format.md).
     */
    public enum Registry { ETCD_V2, ETCD_V3, EMBEDDED, KUBE }

    /** A manifest file as {@code kubectl apply -f} takes it, and the line of the cluster file that names it. */
    public record Manifest(String path, int line, List<HasMetadata> objects) {}

    /** One timeline entry: at {@code at} after the start, {@code command}, written on {@code line}. */
    public record Step(Duration at, int line, String text, Command command) {}

    /** What a timeline line does. */
    public sealed interface Command {
        /** {@code fault KIND ARGS}: the faults of docs/simulation.md. */
        record Fault(dev.kubepath.cluster.Fault fault, List<String> words) implements Command {}

        /** {@code kubectl apply -f FILE} or {@code kubectl delete -f FILE}. */
        record Kubectl(boolean delete, Manifest manifest) implements Command {}

        /** {@code on HOST: systemctl ACTION UNIT}. */
        record Systemctl(String host, String action, String unit) implements Command {}

        /** {@code pin subnet HOST PREFIX}: the next lease HOST's flanneld takes (to follow a real cluster's numbers). */
        record PinSubnet(String host, Prefix subnet) implements Command {}

        /** {@code pin service NAME IP:NODEPORT}: the next Service of that name gets this ClusterIP and NodePort. */
        record PinService(String name, SocketAddress address) implements Command {}

        /**
         * {@code pin pod DEPLOYMENT HOST IP}: the Deployment's pods run on HOST (as a nodeName would put them), and the
         * next one gets this address from docker, as a real cluster's pod once did.
         */
        record PinPod(String deployment, String host, Ipv4 ip) implements Command {}
    }

    public static final Instant DEFAULT_START = Instant.parse("2024-06-03T14:00:00Z");
    private static final Set<String> TOP = Set.of("kind", "name", "description", "start", "seed", "serviceCidr", "nodePortRange", "apiServer",
            "flannel", "runtime", "kubeProxy", "hosts", "manifests", "timeline", "dns");
    private static final Set<String> HOST = Set.of("address", "gateway", "roles", "mac", "vtepMac", "bridgeMac", "subnet", "kubeProxy", "eth1", "iface");
    private static final Set<String> ROLES = Set.of("etcd", "master", "node");
    private static final Pattern DURATION = Pattern.compile("(\\d+)([dhms])");

    public static boolean isClusterFile(Path path) {
        if (!Files.isRegularFile(path)) return false;
        try {
            YamlNode root = YamlNode.parse(path.toString(), Files.readString(path));
            return root.isMap() && root.map().containsKey("kind") && root.map().get("kind").isScalar()
                    && root.map().get("kind").text().equals("Cluster");
        } catch (IOException | InputException e) {
            return false;
        }
    }

    public static ClusterFile load(Path path) {
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            throw new InputException(path.toString(), 0, "cannot read: " + e.getMessage());
        }
        return parse(path.toString(), text, path.toAbsolutePath().getParent());
    }

    /** Parses {@code text}; manifest files are read relative to {@code dir}. */
    public static ClusterFile parse(String file, String text, Path dir) {
        YamlNode root = YamlNode.parse(file, text);
        Map<String, YamlNode> top = root.map(TOP);
        if (!top.containsKey("kind") || !top.get("kind").text().equals("Cluster")) {
            throw (top.containsKey("kind") ? top.get("kind") : root).error("not a cluster file (expected kind: Cluster)");
        }
        String name = top.containsKey("name") ? top.get("name").text() : Path.of(file).getFileName().toString().replaceFirst("\\.ya?ml$", "");
        Instant start = top.containsKey("start") ? top.get("start").as(ClusterFile::instant) : DEFAULT_START;
        long seed = top.containsKey("seed") ? top.get("seed").integer() : 1;
        Runtime runtime = top.containsKey("runtime") ? runtime(top.get("runtime")) : Runtime.DOCKER;
        YamlNode flannelNode = req(root, top, "flannel");
        Map<String, YamlNode> fl = flannelNode.map(Set.of("config", "registry"));
        String configJson = req(flannelNode, fl, "config").text();
        FlannelConfig flannel = flannelConfig(fl.get("config"));
        Registry registry = fl.containsKey("registry") ? registry(fl.get("registry")) : Registry.EMBEDDED;

        Prefix serviceCidr = top.containsKey("serviceCidr") ? top.get("serviceCidr").as(Prefix::parse) : Prefix.parse("10.96.0.0/12");
        if (serviceCidr.overlaps(flannel.network())) {
            throw top.get("serviceCidr").error("serviceCidr " + serviceCidr + " overlaps flannel's Network " + flannel.network() + " (expected disjoint ranges)");
        }
        int[] nodePorts = top.containsKey("nodePortRange") ? top.get("nodePortRange").as(ClusterFile::portRange) : new int[] {30000, 32767};
        ApiServer.Config api;
        try {
            SocketAddress apiServer = top.containsKey("apiServer") ? top.get("apiServer").as(SocketAddress::parse) : null;
            api = new ApiServer.Config(serviceCidr, nodePorts[0], nodePorts[1], seed, apiServer);
        } catch (IllegalArgumentException e) {
            throw (top.containsKey("nodePortRange") ? top.get("nodePortRange") : root).error(e.getMessage());
        }

        Defaults defaults = top.containsKey("kubeProxy") ? kubeProxy(top.get("kubeProxy"), new Defaults(ProxyMode.IPVS, flannel.network()))
                : new Defaults(ProxyMode.IPVS, flannel.network());
        Map<String, Prefix> firstSubnets = new LinkedHashMap<>();
        List<SimCluster.HostSpec> hosts = hosts(req(root, top, "hosts"), flannel, defaults, firstSubnets);
        // flanneld's etcd is one of the file's hosts: the format describes no etcd outside the cluster, and the faults
        // (fault etcd down, systemctl stop etcd) act on the host that runs it
        if ((registry == Registry.ETCD_V2 || registry == Registry.ETCD_V3) && hosts.stream().noneMatch(SimCluster.HostSpec::etcd)) {
            throw fl.get("registry").error("registry " + fl.get("registry").text() + " but no host has the etcd role (expected a host with"
                    + " roles: [etcd, ...], or registry embedded)");
        }
        long subnets = leasable(flannel);
        if (registry != Registry.KUBE && subnets < hosts.size()) { // the kube subnet manager's podCIDRs ignore SubnetMin/Max
            throw fl.get("config").error("SubnetMin " + flannel.subnetMin().network() + " .. SubnetMax " + flannel.subnetMax().network() + " holds " + subnets
                    + " subnet(s) of /" + flannel.subnetLen() + " for " + hosts.size() + " hosts (expected one lease per host's flanneld)");
        }

        Set<String> hostNames = new java.util.LinkedHashSet<>();
        for (SimCluster.HostSpec h : hosts) hostNames.add(h.name());
        List<Manifest> manifests = new ArrayList<>();
        if (top.containsKey("manifests")) for (YamlNode m : top.get("manifests").list()) manifests.add(manifest(m, dir));
        List<Step> timeline = top.containsKey("timeline") ? timeline(top.get("timeline"), hostNames, dir) : List.of();

        namespaces(file, manifests, timeline);
        if (registry == Registry.KUBE && !firstSubnets.isEmpty()) {
            throw fl.get("registry").error("with registry kube the controller manager allocates each node's podCIDR: remove the hosts' 'subnet' keys");
        }
        SimCluster.Spec spec = new SimCluster.Spec(name, seed, start, configJson, api, defaults.mode(), hosts);
        boolean dns = !top.containsKey("dns") || dns(top.get("dns"));
        return new ClusterFile(file, spec, registry, Map.copyOf(firstSubnets), List.copyOf(manifests), List.copyOf(timeline),
                warnings(file, manifests, timeline), runtime, dns);
    }

    /** How long the timeline runs: its last entry's time. */
    public Duration end() {
        return timeline.isEmpty() ? Duration.ZERO : timeline.getLast().at();
    }

    private record Defaults(ProxyMode mode, Prefix clusterCidr) {}

    /** {@code dns: true} (the default: CoreDNS and the kube-dns Service, as kubeadm and k3s install them) or {@code false}. */
    private static boolean dns(YamlNode n) {
        return switch (n.text()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw n.error("dns is '" + n.text() + "' (expected true or false)");
        };
    }

    private static Runtime runtime(YamlNode n) {
        return switch (n.text()) {
            case "docker" -> Runtime.DOCKER;
            case "containerd" -> Runtime.CONTAINERD;
            default -> throw n.error("unknown runtime '" + n.text() + "' (expected docker or containerd)");
        };
    }

    private static FlannelConfig flannelConfig(YamlNode n) {
        FlannelConfig c;
        try {
            c = NetworkConfigs.parse(n.text());
        } catch (FlannelConfigException | IllegalArgumentException e) {
            throw n.error("flannel config: " + e.getMessage());
        }
        if (!c.backendType().equals("vxlan") && !c.backendType().equals("host-gw")) {
            throw n.error("flannel backend '" + c.backendType() + "' is not simulated (expected Backend {\"Type\":\"vxlan\"} or {\"Type\":\"host-gw\"}; udp is not modelled)");
        }
        return c;
    }

    /** How many subnets flanneld may lease: SubnetMin to SubnetMax, both included (none when Min is above Max). */
    private static long leasable(FlannelConfig c) {
        long min = c.subnetMin().network().unsigned();
        long max = c.subnetMax().network().unsigned();
        return max < min ? 0 : (max - min) / (1L << (32 - c.subnetLen())) + 1;
    }

    private static Registry registry(YamlNode n) {
        return switch (n.text()) {
            case "etcd-v2", "etcd" -> Registry.ETCD_V2;
            case "etcd-v3" -> Registry.ETCD_V3;
            case "embedded" -> Registry.EMBEDDED;
            case "kube" -> Registry.KUBE;
            default -> throw n.error("unknown registry '" + n.text() + "' (expected etcd-v2, etcd-v3, embedded or kube)");
        };
    }

    private static Defaults kubeProxy(YamlNode n, Defaults base) {
        if (n.isScalar()) {
            ProxyMode mode = proxyMode(n);
            if (mode == null) throw n.error("kube-proxy 'none' is for a host; the cluster's kubeProxy names a mode (ipvs or iptables)");
            return new Defaults(mode, base.clusterCidr());
        }
        Map<String, YamlNode> m = n.map(Set.of("mode", "masqueradeAll", "clusterCidr"));
        ProxyMode mode = m.containsKey("mode") ? proxyMode(m.get("mode")) : base.mode();
        if (mode == null) throw m.get("mode").error("kube-proxy 'none' takes no flags (write kubeProxy: none)");
        if (m.containsKey("masqueradeAll") && Boolean.parseBoolean(m.get("masqueradeAll").text())) {
            throw m.get("masqueradeAll").error("--masquerade-all is not simulated (expected false or no key)");
        }
        Prefix cidr = base.clusterCidr();
        if (m.containsKey("clusterCidr")) {
            YamlNode c = m.get("clusterCidr");
            cidr = c.text().isEmpty() || c.text().equals("none") ? null : c.as(Prefix::parse);
        }
        return new Defaults(mode, cidr);
    }

    /** ipvs, iptables, nftables, or null for none. */
    private static ProxyMode proxyMode(YamlNode n) {
        return switch (n.text()) {
            case "ipvs" -> ProxyMode.IPVS;
            case "iptables" -> ProxyMode.IPTABLES;
            case "nftables" -> ProxyMode.NFTABLES;
            case "none" -> null;
            default -> throw n.error("unknown kube-proxy mode '" + n.text() + "' (expected ipvs, iptables, nftables or none)");
        };
    }

    private static List<SimCluster.HostSpec> hosts(YamlNode node, FlannelConfig flannel, Defaults defaults, Map<String, Prefix> firstSubnets) {
        List<SimCluster.HostSpec> out = new ArrayList<>();
        Map<Ipv4, String> addresses = new LinkedHashMap<>();
        Map<Prefix, String> subnets = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> e : node.map().entrySet()) {
            String name = e.getKey();
            YamlNode hn = e.getValue();
            Map<String, YamlNode> h = hn.map(HOST);
            YamlNode addrNode = req(hn, h, "address");
            int slash = addrNode.text().indexOf('/');
            if (slash < 0) throw addrNode.error("'" + addrNode.text() + "' has no prefix length (expected e.g. 10.0.0.33/24)");
            Ipv4 ip = addrNode.as(t -> Ipv4.parse(t.substring(0, slash)));
            int len = addrNode.as(t -> Prefix.parse(t).length());
            if (addresses.containsKey(ip)) throw addrNode.error("address " + ip + " is also " + addresses.get(ip) + "'s");
            addresses.put(ip, name);
            if (flannel.network().overlaps(Prefix.of(ip, len))) {
                throw addrNode.error("underlay " + Prefix.of(ip, len) + " overlaps flannel's Network " + flannel.network());
            }
            Ipv4 gateway = h.containsKey("gateway") ? h.get("gateway").as(Ipv4::parse) : null;
            List<String> roles = h.containsKey("roles") ? h.get("roles").list().stream().map(r -> role(r)).toList() : List.of("node");
            boolean isNode = roles.contains("node");
            Defaults proxy = isNode ? defaults : null;
            if (h.containsKey("kubeProxy")) {
                YamlNode kp = h.get("kubeProxy");
                proxy = kp.isScalar() && kp.text().equals("none") ? null : kubeProxy(kp, defaults);
            }
            if (h.containsKey("subnet")) {
                YamlNode sn = h.get("subnet");
                Prefix p = sn.as(Prefix::parse);
                if (!flannel.network().contains(p) || p.length() != flannel.subnetLen()) {
                    throw sn.error("subnet " + p + " is not a /" + flannel.subnetLen() + " of flannel's Network " + flannel.network());
                }
                for (Map.Entry<Prefix, String> other : subnets.entrySet()) {
                    if (other.getKey().overlaps(p)) throw sn.error("subnet " + p + " overlaps " + other.getValue() + "'s " + other.getKey());
                }
                subnets.put(p, name);
                firstSubnets.put(name, p);
            }
            IfAddress eth1 = null;
            if (h.containsKey("eth1")) {
                YamlNode n1 = h.get("eth1");
                if (!n1.text().contains("/")) throw n1.error("'" + n1.text() + "' has no prefix length (expected e.g. 10.0.0.135/24)");
                Ipv4 ip1 = n1.as(t -> Ipv4.parse(t.substring(0, t.indexOf('/'))));
                int len1 = n1.as(t -> Prefix.parse(t).length());
                if (addresses.containsKey(ip1)) throw n1.error("address " + ip1 + " is also " + addresses.get(ip1) + "'s");
                if (flannel.network().overlaps(Prefix.of(ip1, len1))) throw n1.error("underlay " + Prefix.of(ip1, len1) + " overlaps flannel's Network " + flannel.network());
                addresses.put(ip1, name);
                eth1 = new IfAddress("eth1", ip1, len1);
            }
            String iface = "eth0";
            if (h.containsKey("iface")) {
                YamlNode in = h.get("iface");
                iface = in.text();
                if (!iface.equals("eth0") && !(iface.equals("eth1") && eth1 != null)) {
                    throw in.error("flanneld --iface '" + iface + "' is not a NIC of " + name + " (expected eth0" + (eth1 != null ? " or eth1" : "") + ")");
                }
            }
            out.add(new SimCluster.HostSpec(name, ip, len, gateway, isNode, proxy != null, roles.contains("etcd"),
                    mac(h, "mac"), mac(h, "vtepMac"), mac(h, "bridgeMac"),
                    proxy == null ? null : new SimCluster.ProxySettings(proxy.mode(), proxy.clusterCidr()), eth1, iface));
        }
        if (out.isEmpty()) throw node.error("no hosts (expected at least one)");
        return out;
    }

    private static String role(YamlNode r) {
        if (!ROLES.contains(r.text())) throw r.error("unknown role '" + r.text() + "' (expected etcd, master or node)");
        return r.text();
    }

    private static Mac mac(Map<String, YamlNode> h, String key) {
        return h.containsKey(key) ? h.get(key).as(Mac::parse) : null;
    }

    private static Manifest manifest(YamlNode n, Path dir) {
        return manifest(n, n.text(), dir);
    }

    private static Manifest manifest(YamlNode n, String path, Path dir) {
        Path p = dir.resolve(path);
        if (!Files.isReadable(p)) throw n.error("manifest " + path + " not found (paths are relative to the cluster file)");
        List<HasMetadata> objects;
        try {
            objects = Manifests.load(p);
        } catch (ManifestException e) {
            throw n.error(e.getMessage());
        }
        for (HasMetadata o : objects) {
            // kube-proxy's Local policy (no SNAT, only local endpoints) is not in the model: refused rather than run as Cluster
            if (o instanceof Service s && s.getSpec() != null && "Local".equals(s.getSpec().getExternalTrafficPolicy())) {
                throw n.error(path + ": Service " + s.getMetadata().getName() + ": externalTrafficPolicy: Local is not simulated (expected Cluster or no key)");
            }
        }
        return new Manifest(path, n.line(), objects);
    }

    private static List<Step> timeline(YamlNode node, Set<String> hosts, Path dir) {
        List<Step> out = new ArrayList<>();
        Duration last = Duration.ZERO;
        for (YamlNode entry : node.list()) {
            Map<String, YamlNode> e = entry.map(Set.of("at", "do"));
            Duration at = req(entry, e, "at").as(ClusterFile::duration);
            if (at.compareTo(last) < 0) throw e.get("at").error("at " + e.get("at").text() + " comes before the previous entry's time (expected times in order)");
            last = at;
            YamlNode dos = req(entry, e, "do");
            for (YamlNode line : dos.isScalar() ? List.of(dos) : dos.list()) {
                String text = lineText(line);
                out.add(new Step(at, line.line(), text, command(line, text, hosts, dir)));
            }
        }
        return out;
    }

    /** A line as written: YAML reads an unquoted {@code - on HOST: systemctl ...} as a one-key mapping. */
    private static String lineText(YamlNode n) {
        if (n.isMap() && n.map().size() == 1) {
            var e = n.map().entrySet().iterator().next();
            if (e.getKey().startsWith("on ") && e.getValue().isScalar()) return e.getKey() + ": " + e.getValue().text();
        }
        return n.text();
    }

    private static Command command(YamlNode n, String line, Set<String> hosts, Path dir) {
        String text = line.strip();
        String[] w = text.split("\\s+");
        switch (w[0]) {
            case "on" -> {
                Matcher m = Pattern.compile("on\\s+(\\S+?):\\s*systemctl\\s+(start|stop|restart)\\s+(\\S+)").matcher(text);
                if (!m.matches()) throw n.error("'" + text + "' is not 'on HOST: systemctl start|stop|restart UNIT'");
                host(n, m.group(1), hosts);
                try {
                    dev.kubepath.model.Daemon.fromUnit(m.group(3));
                } catch (IllegalArgumentException e) {
                    throw n.error(e.getMessage());
                }
                return new Command.Systemctl(m.group(1), m.group(2), m.group(3));
            }
            case "fault" -> {
                List<String> words = List.of(w).subList(1, w.length);
                dev.kubepath.cluster.Fault f;
                try {
                    f = dev.kubepath.cluster.Fault.parse(words);
                } catch (IllegalArgumentException e) {
                    throw n.error("'" + text + "': " + e.getMessage());
                }
                f.hosts().forEach(h -> host(n, h, hosts));
                return new Command.Fault(f, words);
            }
            case "kubectl" -> {
                if (w.length != 4 || !(w[1].equals("apply") || w[1].equals("delete")) || !w[2].equals("-f")) {
                    throw n.error("'" + text + "' is not 'kubectl apply -f FILE' or 'kubectl delete -f FILE'");
                }
                return new Command.Kubectl(w[1].equals("delete"), manifest(n, w[3], dir));
            }
            case "pin" -> {
                String form = "'pin subnet HOST PREFIX', 'pin service NAME IP:NODEPORT' or 'pin pod DEPLOYMENT HOST IP'";
                if (w.length < 4 || w.length != (w[1].equals("pod") ? 5 : 4)) throw n.error("'" + text + "' is not " + form);
                return switch (w[1]) {
                    case "subnet" -> {
                        host(n, w[2], hosts);
                        yield new Command.PinSubnet(w[2], n.as(x -> Prefix.parse(w[3])));
                    }
                    case "service" -> new Command.PinService(w[2], n.as(x -> SocketAddress.parse(w[3])));
                    case "pod" -> {
                        host(n, w[3], hosts);
                        yield new Command.PinPod(w[2], w[3], n.as(x -> Ipv4.parse(w[4])));
                    }
                    default -> throw n.error("unknown pin '" + w[1] + "' (expected " + form + ")");
                };
            }
            default -> throw n.error("unknown timeline command '" + w[0] + "' (expected fault, kubectl, on HOST: systemctl, or pin)");
        }
    }

    private static void host(YamlNode n, String host, Set<String> hosts) {
        if (!hosts.contains(host)) throw n.error("unknown host '" + host + "' (hosts: " + String.join(", ", hosts) + ")");
    }

    /**
     * Every object's namespace exists when it is applied: default, kube-system, or a Namespace of this or an earlier
     * manifest (the API server answers 'namespaces "NAME" not found' otherwise, and the run could not go on).
     */
    private static void namespaces(String file, List<Manifest> boot, List<Step> timeline) {
        List<Manifest> all = new ArrayList<>(boot);
        for (Step s : timeline) if (s.command() instanceof Command.Kubectl k && !k.delete()) all.add(k.manifest());
        Set<String> known = new java.util.HashSet<>(List.of(ApiServer.DEFAULT_NS, "kube-system"));
        for (Manifest m : all) {
            for (HasMetadata o : m.objects()) if (o instanceof Namespace ns) known.add(ns.getMetadata().getName());
            for (HasMetadata o : m.objects()) {
                String ns = o.getMetadata().getNamespace();
                if (o instanceof Namespace || ns == null || ns.isEmpty() || known.contains(ns)) continue;
                throw new InputException(file, m.line(), o.getKind() + " " + o.getMetadata().getName() + " (in " + m.path() + "): namespaces \"" + ns
                        + "\" not found (expected a Namespace " + ns + " in the manifests, or namespace default or kube-system)");
            }
        }
    }

    /** Services whose selector matches no pod template of the file's manifests: legal, but nothing will answer. */
    private static List<String> warnings(String file, List<Manifest> boot, List<Step> timeline) {
        List<Manifest> all = new ArrayList<>(boot);
        for (Step s : timeline) if (s.command() instanceof Command.Kubectl k && !k.delete()) all.add(k.manifest());
        List<Map<String, String>> labels = new ArrayList<>();
        for (Manifest m : all) {
            for (HasMetadata o : m.objects()) {
                if (o instanceof Deployment d && d.getSpec().getTemplate().getMetadata() != null) {
                    labels.add(orEmpty(d.getSpec().getTemplate().getMetadata().getLabels()));
                } else if (o instanceof io.fabric8.kubernetes.api.model.Pod p) {
                    labels.add(orEmpty(p.getMetadata().getLabels()));
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (Manifest m : all) {
            for (HasMetadata o : m.objects()) {
                if (!(o instanceof Service s) || s.getSpec() == null || s.getSpec().getSelector() == null || s.getSpec().getSelector().isEmpty()) continue;
                Map<String, String> sel = s.getSpec().getSelector();
                if (labels.stream().noneMatch(l -> l.entrySet().containsAll(sel.entrySet()))) {
                    out.add(file + ":" + m.line() + ": Service " + s.getMetadata().getName() + " (in " + m.path() + ") selects no pod of this file's manifests (selector "
                            + sel + "); it will have no endpoints");
                }
            }
        }
        return List.copyOf(out);
    }

    private static Map<String, String> orEmpty(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }

    private static YamlNode req(YamlNode parent, Map<String, YamlNode> m, String key) {
        YamlNode n = m.get(key);
        if (n == null) throw parent.error("missing '" + key + "'");
        return n;
    }

    private static Instant instant(String t) {
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + t + "' is not a UTC time (expected e.g. 2024-06-03T14:00:00Z)");
        }
    }

    private static int[] portRange(String t) {
        String[] p = t.split("-");
        try {
            if (p.length == 2) return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("'" + t + "' is not a port range (expected e.g. 30000-32767)");
    }

    /** {@code 25h}, {@code 1d2h}, {@code 90m}, {@code 30s}, {@code 0}: simulated time after the start. */
    public static Duration duration(String t) {
        String s = t.strip().toLowerCase(Locale.ROOT);
        if (s.equals("0")) return Duration.ZERO;
        Matcher m = DURATION.matcher(s);
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            end = m.end();
        }
        if (end != s.length() || s.isEmpty()) throw new IllegalArgumentException("'" + t + "' is not a duration (expected e.g. 25h, 90m, 1d2h)");
        return d;
    }
}
