package dev.kubepath.ingest;

import dev.kubepath.model.Cluster;
import dev.kubepath.model.Daemon;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Facet;
import dev.kubepath.model.FlannelConfig;
import dev.kubepath.model.Host;
import dev.kubepath.model.HostBuilder;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Service;
import dev.kubepath.model.Snapshot;
import dev.kubepath.model.Socket;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a snapshot written by hand (docs/scenario-format.md): hosts with their links, addresses, routes,
 * neighbours, FDB, IPVS rules and pods, and the cluster with its leases, nodes, services and pods. Every value is
 * written in the form the real tool prints, and every mistake is reported with its file and line.
 */
public final class SnapshotFile {
    private static final Set<String> TOP = Set.of("kind", "name", "description", "cluster", "hosts");
    private static final Set<String> CLUSTER = Set.of("flannel", "serviceCidr", "leases", "nodes", "services", "pods", "endpoints");
    private static final Set<String> HOST = Set.of("daemons", "sysctls", "links", "addresses", "routes", "neighbours", "fdb",
            "ipvs", "iptables", "nftables", "sockets", "pods");

    private SnapshotFile() {}

    public static Snapshot read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InputException(file.toString(), 0, "cannot read: " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    public static Snapshot parse(String fileName, String text) {
        YamlNode root = YamlNode.parse(fileName, text);
        Map<String, YamlNode> top = root.map(TOP);
        if (top.containsKey("kind") && !top.get("kind").text().equals("Snapshot")) {
            throw top.get("kind").error("kind '" + top.get("kind").text() + "' is not a snapshot (expected kind: Snapshot)");
        }
        String name = top.containsKey("name") ? top.get("name").text() : Path.of(fileName).getFileName().toString();
        Cluster cluster = top.containsKey("cluster") ? cluster(top.get("cluster")) : Cluster.EMPTY;
        List<Host> hosts = new ArrayList<>();
        if (!top.containsKey("hosts")) throw root.error("no 'hosts:' section (expected at least one host)");
        for (Map.Entry<String, YamlNode> e : top.get("hosts").map().entrySet()) hosts.add(host(e.getKey(), e.getValue()));
        return new Snapshot(name, hosts, cluster);
    }

    private static Host host(String name, YamlNode node) {
        Map<String, YamlNode> m = node.map(HOST);
        HostBuilder b = Host.builder(name);
        lines(m, "links", StateLines::link).forEach(b::link);
        lines(m, "addresses", StateLines::address).forEach(b::address);
        lines(m, "routes", IpRouteText::parseLine).forEach(b::route);
        lines(m, "neighbours", IpNeighText::parseLine).forEach(b::neighbour);
        lines(m, "fdb", BridgeFdbText::parseLine).forEach(b::fdb);
        lines(m, "pods", StateLines::pod).forEach(b::container);
        for (String f : List.of("links", "addresses", "routes", "neighbours", "fdb", "pods")) {
            if (m.containsKey(f)) b.know(facetOf(f));
        }
        if (m.containsKey("ipvs")) {
            List<YamlNode> items = m.get("ipvs").list();
            List<String> texts = items.stream().map(YamlNode::text).toList();
            StateLines.ipvs(texts, i -> items.get(i).error("bad ipvsadm -S line")).forEach(b::virtualServer);
            b.know(Facet.IPVS);
        }
        if (m.containsKey("iptables")) {
            YamlNode n = m.get("iptables");
            Parsed<List<dev.kubepath.model.Chain>> chains = IptablesSave.parse(n.file(), n.text());
            if (!chains.problems().isEmpty()) {
                ParseProblem p = chains.problems().get(0);
                // the block starts on the line after "iptables: |"
                throw new InputException(n.file(), n.line() + p.line(), p.message());
            }
            chains.value().forEach(b::chain);
            b.know(Facet.IPTABLES);
        }
        if (m.containsKey("nftables")) { // nft list ruleset; kube-proxy's table is what the data plane evaluates
            YamlNode n = m.get("nftables");
            Parsed<List<Nftables.Table>> tables = NftText.parse(n.file(), n.text());
            Problems problems = new Problems(n.file());
            for (Nftables.Table t : tables.value()) if (NftModel.isKubeProxy(t)) b.nftTable(NftModel.of(t, problems));
            List<ParseProblem> all = new java.util.ArrayList<>(tables.problems());
            all.addAll(problems.list());
            if (!all.isEmpty()) throw new InputException(n.file(), n.line() + all.get(0).line(), all.get(0).message());
            b.know(Facet.NFTABLES);
        }
        if (m.containsKey("sockets")) {
            for (YamlNode s : m.get("sockets").list()) b.socket(s.as(SnapshotFile::socket));
            b.know(Facet.SOCKETS);
        }
        if (m.containsKey("daemons")) {
            for (Map.Entry<String, YamlNode> e : m.get("daemons").map().entrySet()) {
                Daemon d = e.getValue().as(x -> Daemon.fromUnit(e.getKey()));
                b.daemon(d, e.getValue().as(Daemon.State::fromWord));
            }
        }
        if (m.containsKey("sysctls")) {
            for (Map.Entry<String, YamlNode> e : m.get("sysctls").map().entrySet()) b.sysctl(e.getKey(), e.getValue().text());
        }
        return b.build();
    }

    private static Facet facetOf(String section) {
        return switch (section) {
            case "links" -> Facet.LINKS;
            case "addresses" -> Facet.ADDRESSES;
            case "routes" -> Facet.ROUTES;
            case "neighbours" -> Facet.NEIGHBOURS;
            case "fdb" -> Facet.FDB;
            default -> Facet.CONTAINERS;
        };
    }

    /** {@code tcp 0.0.0.0:22 sshd}: a listening socket and the process that owns it. */
    private static Socket socket(String line) {
        String[] p = line.trim().split("\\s+");
        if (p.length < 2) throw new IllegalArgumentException("'" + line + "' is not PROTO ADDR:PORT PROCESS (e.g. tcp 0.0.0.0:22 sshd)");
        var addr = dev.kubepath.net.SocketAddress.parse(p[1]);
        return new Socket(Protocol.parse(p[0]), addr.ip(), addr.port(), p.length > 2 ? p[2] : "?");
    }

    private static <T> List<T> lines(Map<String, YamlNode> m, String key, Function<String, T> parse) {
        if (!m.containsKey(key)) return List.of();
        List<T> out = new ArrayList<>();
        for (YamlNode n : m.get(key).list()) out.add(n.as(parse));
        return out;
    }

    private static Cluster cluster(YamlNode node) {
        Map<String, YamlNode> m = node.map(CLUSTER);
        FlannelConfig flannel = m.containsKey("flannel") ? m.get("flannel").as(SnapshotFile::flannelConfig) : null;
        Prefix serviceCidr = m.containsKey("serviceCidr") ? m.get("serviceCidr").as(Prefix::parse) : null;
        List<Lease> leases = null;
        if (m.containsKey("leases")) {
            leases = new ArrayList<>();
            YamlNode ln = m.get("leases");
            if (!(ln.isScalar() && ln.text().isEmpty())) {
                for (Map.Entry<String, YamlNode> e : ln.map().entrySet()) {
                    leases.add(e.getValue().as(v -> LeasesText.lease(LeasesText.subnetOfKey(e.getKey()), v)));
                }
            }
        }
        List<Node> nodes = new ArrayList<>();
        for (YamlNode n : list(m, "nodes")) {
            Map<String, YamlNode> f = n.map(Set.of("name", "internalIP", "podCIDR", "ready", "version"));
            nodes.add(new Node(req(n, f, "name").text(), req(n, f, "internalIP").as(Ipv4::parse),
                    !f.containsKey("ready") || Boolean.parseBoolean(f.get("ready").text()),
                    f.containsKey("podCIDR") ? f.get("podCIDR").as(Prefix::parse) : null,
                    f.containsKey("version") ? f.get("version").text() : null));
        }
        List<Pod> pods = new ArrayList<>();
        for (YamlNode n : list(m, "pods")) {
            Map<String, YamlNode> f = n.map(Set.of("namespace", "name", "node", "ip", "labels", "ports", "phase"));
            pods.add(new Pod(opt(f, "namespace", "default"), req(n, f, "name").text(), opt(f, "node", null),
                    f.containsKey("ip") ? f.get("ip").as(Ipv4::parse) : null, stringMap(f.get("labels")),
                    f.containsKey("ports") ? f.get("ports").list().stream().map(YamlNode::integer).toList() : List.of(),
                    opt(f, "phase", "Running"), 0));
        }
        List<Service> services = new ArrayList<>();
        for (YamlNode n : list(m, "services")) {
            Map<String, YamlNode> f = n.map(Set.of("namespace", "name", "type", "clusterIP", "ports", "selector"));
            String ip = opt(f, "clusterIP", "None");
            List<Service.Port> ports = new ArrayList<>();
            if (f.containsKey("ports")) for (YamlNode p : f.get("ports").list()) ports.add(p.as(SnapshotFile::servicePort));
            services.add(new Service(opt(f, "namespace", "default"), req(n, f, "name").text(), opt(f, "type", "ClusterIP"),
                    ip.equals("None") ? null : f.get("clusterIP").as(Ipv4::parse), ports, stringMap(f.get("selector"))));
        }
        List<Endpoints> endpoints = m.containsKey("endpoints") ? List.of() : derivedEndpoints(services, pods);
        return new Cluster(nodes, pods, services, endpoints, flannel, leases, serviceCidr);
    }

    /** The {@code <prefix>/config} value as etcdctl prints it, with flannel's defaults. */
    private static FlannelConfig flannelConfig(String json) {
        try {
            return FlannelConfigJson.config(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON for the flannel config: " + e.getOriginalMessage());
        }
    }

    /** {@code [NAME ]PORT[:NODEPORT]/PROTO[ -> TARGET]}, kubectl's PORT(S) column plus the target port. */
    private static Service.Port servicePort(String text) {
        String s = text.trim();
        String name = "";
        int sp = s.indexOf(' ');
        if (sp > 0 && !s.substring(0, sp).matches("\\d.*")) {
            name = s.substring(0, sp);
            s = s.substring(sp + 1).trim();
        }
        int target = -1;
        int arrow = s.indexOf("->");
        if (arrow >= 0) {
            target = Integer.parseInt(s.substring(arrow + 2).trim());
            s = s.substring(0, arrow).trim();
        }
        String[] protoSplit = s.split("/");
        if (protoSplit.length != 2) throw new IllegalArgumentException("'" + text + "' is not PORT[:NODEPORT]/PROTO[ -> TARGET] (e.g. 2024:41527/TCP -> 20000)");
        String[] ports = protoSplit[0].split(":");
        try {
            int port = Integer.parseInt(ports[0]);
            int nodePort = ports.length > 1 ? Integer.parseInt(ports[1]) : 0;
            return new Service.Port(name, Protocol.parse(protoSplit[1]), port, target < 0 ? port : target, nodePort);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has a port that is not a number (e.g. 2024:41527/TCP -> 20000)");
        }
    }

    /** What the endpoints controller would write: running pods with an address whose labels match the selector. */
    public static List<Endpoints> derivedEndpoints(List<Service> services, List<Pod> pods) {
        List<Endpoints> out = new ArrayList<>();
        for (Service s : services) {
            if (s.selector().isEmpty()) continue;
            List<Endpoints.Address> addrs = new ArrayList<>();
            for (Pod p : pods) {
                if (p.ip() != null && p.namespace().equals(s.namespace()) && "Running".equals(p.phase())
                        && p.labels().entrySet().containsAll(s.selector().entrySet())) {
                    addrs.add(new Endpoints.Address(p.ip(), p.node(), p.name()));
                }
            }
            List<Endpoints.Port> ports = s.ports().stream().map(p -> new Endpoints.Port(p.name(), p.protocol(), p.targetPort())).toList();
            out.add(new Endpoints(s.namespace(), s.name(), addrs, ports));
        }
        return out;
    }

    private static List<YamlNode> list(Map<String, YamlNode> m, String key) {
        return m.containsKey(key) ? m.get(key).list() : List.of();
    }

    private static YamlNode req(YamlNode parent, Map<String, YamlNode> f, String key) {
        YamlNode n = f.get(key);
        if (n == null) throw parent.error("missing '" + key + "'");
        return n;
    }

    private static String opt(Map<String, YamlNode> f, String key, String dflt) {
        return f.containsKey(key) ? f.get(key).text() : dflt;
    }

    private static Map<String, String> stringMap(YamlNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n != null) for (Map.Entry<String, YamlNode> e : n.map().entrySet()) out.put(e.getKey(), e.getValue().text());
        return out;
    }
}
