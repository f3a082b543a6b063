package dev.kubepath.shell;

import dev.kubepath.cluster.SimCluster;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** kubectl's tables (column widths as kubectl's printer computes them: widest cell plus three spaces). */
final class KubectlText {
    private final SimCluster cluster;

    KubectlText(SimCluster cluster) {
        this.cluster = cluster;
    }

    /** What {@code kubectl get} was asked: the kind, an object's name, the namespace (-n, -A), -l and -o. */
    record Get(String kind, String name, String namespace, boolean allNamespaces, String selector, String output) {}

    /**
     * {@code kubectl get KIND [NAME] [-n NS | -A] [-l SELECTOR] [-o wide|json|yaml]}. Options may come before or after
     * the kind, as kubectl takes them; an unknown one is refused in kubectl's words.
     */
    static Get parseGet(List<String> args) {
        String kind = null, name = null, namespace = "default", selector = null, output = "";
        boolean all = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = a.contains("=") && a.startsWith("--") ? a.substring(a.indexOf('=') + 1) : null;
            String flag = value != null ? a.substring(0, a.indexOf('=')) : a;
            switch (flag) {
                case "-n", "--namespace" -> namespace = value != null ? value : argument(args, ++i, a);
                case "-A", "--all-namespaces" -> all = true;
                case "-l", "--selector" -> selector = value != null ? value : argument(args, ++i, a);
                case "-o", "--output" -> output = value != null ? value : argument(args, ++i, a);
                default -> {
                    if (a.startsWith("-o") && a.length() > 2) output = a.substring(2);
                    else if (a.startsWith("-n") && a.length() > 2) namespace = a.substring(2);
                    else if (a.startsWith("--")) throw new ToolError("error: unknown flag: " + flag + "\n", 1);
                    else if (a.startsWith("-") && a.length() > 1) throw new ToolError("error: unknown shorthand flag: '" + a.charAt(1) + "' in " + a + "\n", 1);
                    else if (kind == null) kind = a;
                    else if (name == null) name = a;
                }
            }
        }
        if (kind == null) {
            throw new ToolError("kubepath shell: kubectl get needs a resource type (nodes, pods, svc, ep)\n", 1);
        }
        if (!List.of("", "wide", "json", "yaml").contains(output)) {
            throw new ToolError("kubepath shell: kubectl -o " + output + " is not simulated (wide, json and yaml are)\n", 1);
        }
        return new Get(kind, name, namespace, all, selector, output);
    }

    private static String argument(List<String> args, int i, String flag) {
        if (i >= args.size()) throw new ToolError("error: flag needs an argument: " + (flag.startsWith("--") ? "--" + flag.substring(2) : "'" + flag.charAt(1) + "' in " + flag) + "\n", 1);
        return args.get(i);
    }

    String get(List<String> args) {
        Get g = parseGet(args);
        return switch (g.kind()) {
            case "nodes", "node", "no" -> show(g, nodeRows(g), cluster.api().nodes().stream().sorted(java.util.Comparator.comparing(Node::name))
                    .filter(n -> g.name() == null || n.name().equals(g.name())).map(KubectlObjects::node).toList(), false);
            case "pods", "pod", "po" -> show(g, podRows(g), pods(g).stream().map(KubectlObjects::pod).toList(), true);
            case "svc", "service", "services" -> show(g, serviceRows(g), services(g).stream().map(KubectlObjects::service).toList(), true);
            case "ep", "endpoints" -> show(g, endpointRows(g), endpoints(g).stream().map(KubectlObjects::endpoints).toList(), true);
            case "events", "ev", "event" -> events();
            case "endpointslices", "endpointslice" -> {
                if (g.output().equals("json") || g.output().equals("yaml")) {
                    throw new ToolError("kubepath shell: kubectl get endpointslices -o " + g.output() + " is not simulated (the table and -o json are)\n", 1);
                }
                yield show(g, sliceRows(g), List.of(), true);
            }
            case "cm", "configmap", "configmaps" -> show(g, configMapRows(g), configMaps(g).stream().map(KubectlObjects::configMap).toList(), true);
            case "ds", "daemonset", "daemonsets" ->
                    throw new ToolError("kubepath shell: kubectl get " + g.kind() + " is not simulated (the simulated API server holds nodes, pods, "
                            + "services, endpoints, endpoint slices and flannel's config map)\n", 1);
            default -> throw new ToolError("error: the server doesn't have a resource type \"" + g.kind() + "\"\n", 1);
        };
    }

    /** The table, or the objects as JSON or YAML; nothing found is said as kubectl says it (on standard error). */
    private String show(Get g, List<List<String>> rows, List<io.fabric8.kubernetes.api.model.HasMetadata> objects, boolean namespaced) {
        if (rows.size() == 1) { // the header alone: the same filters chose the rows and the objects
            if (g.name() != null) {
                String kind = switch (g.kind()) {
                    case "nodes", "node", "no" -> "nodes";
                    case "pods", "pod", "po" -> "pods";
                    case "svc", "service", "services" -> "services";
                    case "endpointslices", "endpointslice" -> "endpointslices.discovery.k8s.io";
                    case "cm", "configmap", "configmaps" -> "configmaps";
                    default -> "endpoints";
                };
                throw new ToolError("Error from server (NotFound): " + kind + " \"" + g.name() + "\" not found\n", 1);
            }
            if (g.output().equals("json") || g.output().equals("yaml")) return KubectlObjects.print(objects, false, g.output());
            return namespaced && !g.allNamespaces() ? "No resources found in " + g.namespace() + " namespace.\n" : "No resources found\n";
        }
        if (g.output().equals("json") || g.output().equals("yaml")) return KubectlObjects.print(objects, g.name() != null, g.output());
        if (namespaced && g.allNamespaces()) {
            for (int i = 0; i < rows.size(); i++) rows.get(i).add(0, i == 0 ? "NAMESPACE" : rowNamespace.get(i - 1));
        }
        return table(rows);
    }

    /** The namespace of each row of the table being built, for -A's first column. */
    private final List<String> rowNamespace = new ArrayList<>();

    private boolean selected(String namespace, String name, Map<String, String> labels, Get g) {
        if (!g.allNamespaces() && !namespace.equals(g.namespace())) return false;
        if (g.name() != null && !name.equals(g.name())) return false;
        return g.selector() == null || Selector.matches(g.selector(), labels);
    }

    private List<Pod> pods(Get g) {
        return java.util.stream.Stream.concat(cluster.api().pods().stream(), KubeFlannelPods.pods(cluster).stream())
                .filter(p -> selected(p.namespace(), p.name(), p.labels(), g))
                .sorted(java.util.Comparator.comparing(Pod::namespace).thenComparing(Pod::name)).toList();
    }

    /** A service's own labels are not in the model: with -l, no service is shown (kubectl would show the labelled ones). */
    private List<Service> services(Get g) {
        if (g.selector() != null) throw new ToolError("kubepath shell: services' labels are not simulated, so -l cannot select them\n", 1);
        return cluster.api().services().stream().filter(s -> selected(s.namespace(), s.name(), Map.of(), g))
                .sorted(java.util.Comparator.comparing(Service::namespace).thenComparing(Service::name)).toList();
    }

    private List<Endpoints> endpoints(Get g) {
        if (g.selector() != null) throw new ToolError("kubepath shell: endpoints' labels are not simulated, so -l cannot select them\n", 1);
        return cluster.api().endpoints().stream().filter(e -> selected(e.namespace(), e.name(), Map.of(), g))
                .sorted(java.util.Comparator.comparing(Endpoints::namespace).thenComparing(Endpoints::name)).toList();
    }

    private List<dev.kubepath.cluster.EndpointSlices.Slice> slices(Get g) {
        if (g.selector() != null) throw new ToolError("kubepath shell: endpoint slices' labels are not simulated, so -l cannot select them\n", 1);
        return dev.kubepath.cluster.EndpointSlices.of(cluster.api().endpoints()).stream()
                .filter(x -> selected(x.namespace(), x.name(), Map.of(), g))
                .sorted(java.util.Comparator.comparing(dev.kubepath.cluster.EndpointSlices.Slice::namespace)
                        .thenComparing(dev.kubepath.cluster.EndpointSlices.Slice::name)).toList();
    }

    /**
     * kubectl's EndpointSlice columns (printEndpointSlice): the address type, at most three ports and three
     * addresses (ready or not) then "+ N more...", {@code <unset>} for none; the age is the service's, whose
     * controller wrote the slice with it.
     */
    private List<List<String>> sliceRows(Get g) {
        rowNamespace.clear();
        List<List<String>> rows = new ArrayList<>();
        rows.add(new ArrayList<>(List.of("NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE")));
        for (var x : slices(g)) {
            rowNamespace.add(x.namespace());
            rows.add(new ArrayList<>(List.of(x.name(), "IPv4", atMostThree(x.ports().stream().map(p -> String.valueOf(p.port())).toList()),
                    atMostThree(x.addresses().stream().map(a -> a.ip().toString()).toList()), age("svc/" + x.service()))));
        }
        return rows;
    }

    /** listWithMoreString: three items joined by commas, then " + N more..."; {@code <unset>} when there are none. */
    private static String atMostThree(List<String> items) {
        if (items.isEmpty()) return "<unset>";
        return String.join(",", items.subList(0, Math.min(3, items.size()))) + (items.size() > 3 ? " + " + (items.size() - 3) + " more..." : "");
    }

    /** A config map the simulated API server holds: namespace, name, data (keys in order), created at. */
    record ConfigMap(String namespace, String name, java.util.SortedMap<String, String> data, Instant created) {}

    /**
     * The only config map simulated: where flanneld runs with --kube-subnet-mgr (flannel's DaemonSet manifest), its
     * kube-flannel-cfg, holding the cluster's network configuration and the manifest's CNI configuration, applied
     * when the cluster was set up. Other namespaces' config maps (kube-proxy's, CoreDNS's) are not simulated.
     */
    private List<ConfigMap> configMaps(Get g) {
        if (g.selector() != null) throw new ToolError("kubepath shell: config maps' labels are not simulated, so -l cannot select them\n", 1);
        String flannelNs = dev.kubepath.cluster.KubeObjects.FLANNEL_NAMESPACE;
        if (!g.allNamespaces() && !g.namespace().equals(flannelNs)) {
            throw new ToolError("kubepath shell: the simulation holds no config maps in namespace " + g.namespace()
                    + " (only flannel's, in " + flannelNs + ", where flannel runs as a DaemonSet)\n", 1);
        }
        List<ConfigMap> out = new ArrayList<>();
        if (cluster.registry() instanceof dev.kubepath.flannel.kube.KubeNodes k && k.getConfig().isPresent()) {
            var data = new java.util.TreeMap<String, String>(Map.of("cni-conf.json", dev.kubepath.cluster.FlannelCni.CNI_CONF,
                    "net-conf.json", k.getConfig().get()));
            out.add(new ConfigMap(flannelNs, dev.kubepath.cluster.KubeObjects.FLANNEL_CONFIGMAP, data, cluster.spec().start()));
        }
        return out.stream().filter(c -> g.name() == null || c.name().equals(g.name())).toList();
    }

    private List<List<String>> configMapRows(Get g) {
        rowNamespace.clear();
        List<List<String>> rows = new ArrayList<>();
        rows.add(new ArrayList<>(List.of("NAME", "DATA", "AGE")));
        for (ConfigMap c : configMaps(g)) {
            rowNamespace.add(c.namespace());
            rows.add(new ArrayList<>(List.of(c.name(), String.valueOf(c.data().size()), human(Duration.between(c.created(), cluster.clock().instant())))));
        }
        return rows;
    }

    String delete(String kind, String name) {
        var api = cluster.api();
        switch (kind) {
            case "svc", "service" -> {
                api.deleteService("default", name);
                return "service \"" + name + "\" deleted\n";
            }
            case "deployment", "deploy" -> {
                api.deleteDeployment("default", name);
                return "deployment.apps \"" + name + "\" deleted\n";
            }
            case "pod", "po" -> {
                api.deletePod("default", name);
                return "pod \"" + name + "\" deleted\n";
            }
            default -> {
                return "error: the server doesn't have a resource type \"" + kind + "\"\n";
            }
        }
    }

    private String age(String key) {
        return age(cluster, key);
    }

    /** The AGE column of an object: its creation (as the cluster recorded it) to the simulated now. */
    static String age(SimCluster cluster, String key) {
        return human(Duration.between(cluster.created(key), cluster.clock().instant()));
    }

    /** kubectl's short duration (HumanDuration, coarsened as kubectl's AGE column is). */
    private static String human(Duration d) {
        if (d.toDays() >= 2) return d.toDays() + "d";
        if (d.toHours() >= 2) return d.toHours() + "h";
        if (d.toMinutes() >= 2) return d.toMinutes() + "m";
        return d.toSeconds() + "s";
    }

    private List<List<String>> nodeRows(Get g) {
        boolean wide = g.output().equals("wide");
        List<List<String>> rows = new ArrayList<>();
        rows.add(wide ? List.of("NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME")
                : List.of("NAME", "STATUS", "ROLES", "AGE", "VERSION"));
        for (Node n : cluster.api().nodes().stream().sorted(java.util.Comparator.comparing(Node::name)).toList()) {
            if (g.name() != null && !n.name().equals(g.name())) continue;
            if (g.selector() != null) throw new ToolError("kubepath shell: nodes' labels are not simulated, so -l cannot select them\n", 1);
            List<String> r = new ArrayList<>(List.of(n.name(), n.ready() ? "Ready" : "NotReady", "<none>", age("node/" + n.name()), n.kubeletVersion()));
            if (wide) r.addAll(List.of(n.internalIp().toString(), "<none>", "CentOS Linux 7 (Core)", "3.10.0-693.el7.x86_64", "docker://20.10.21"));
            rows.add(r);
        }
        return rows;
    }

    private List<List<String>> podRows(Get g) {
        boolean wide = g.output().equals("wide");
        rowNamespace.clear();
        List<List<String>> rows = new ArrayList<>();
        rows.add(new ArrayList<>(wide ? List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES")
                : List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE")));
        for (Pod p : pods(g)) {
            rowNamespace.add(p.namespace());
            boolean running = "Running".equals(p.phase());
            List<String> r = new ArrayList<>(List.of(p.name(), running ? "1/1" : "0/1", status(p), String.valueOf(p.restarts()),
                    // a DaemonSet's pod is as old as its node here: the simulation starts them together
                    age(p.namespace().equals(KubeFlannelPods.NAMESPACE) ? "node/" + p.node() : "pod/" + p.name())));
            if (wide) r.addAll(List.of(p.ip() == null ? "<none>" : p.ip().toString(), p.node() == null ? "<none>" : p.node(), "<none>", "<none>"));
            rows.add(r);
        }
        return rows;
    }

    /** A scheduled pod whose sandbox is not up yet shows its container's waiting reason, as kubectl does. */
    private static String status(Pod p) {
        return "Pending".equals(p.phase()) && p.node() != null ? "ContainerCreating" : p.phase();
    }

    /** kubectl describe pod NAME: the header lines that matter here, and the kubelet's events. */
    String describePod(String name) {
        Pod p = cluster.api().pods().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
        if (p == null) return "Error from server (NotFound): pods \"" + name + "\" not found\n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(java.util.Locale.ROOT, "%-18s%s%n", "Name:", p.name()));
        sb.append(String.format(java.util.Locale.ROOT, "%-18s%s%n", "Namespace:", p.namespace()));
        String nodeIp = cluster.api().nodes().stream().filter(n -> n.name().equals(p.node())).map(n -> "/" + n.internalIp()).findFirst().orElse("");
        sb.append(String.format(java.util.Locale.ROOT, "%-18s%s%n", "Node:", p.node() == null ? "<none>" : p.node() + nodeIp));
        sb.append(String.format(java.util.Locale.ROOT, "%-18s%s%n", "Status:", p.phase()));
        sb.append(String.format(java.util.Locale.ROOT, "%-18s%s%n", "IP:", p.ip() == null ? "" : p.ip()));
        var events = cluster.podEvents().of(p.key());
        if (events.isEmpty()) return sb.append("Events:           <none>\n").toString();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("Type", "Reason", "Age", "From", "Message"));
        rows.add(List.of("----", "------", "----", "----", "-------"));
        Instant now = cluster.clock().instant();
        for (var e : events) {
            String age = human(Duration.between(e.last(), now));
            if (e.count() > 1) age += " (x" + e.count() + " over " + human(Duration.between(e.first(), now)) + ")";
            rows.add(List.of(e.type(), e.reason(), age, "kubelet", e.message()));
        }
        sb.append("Events:\n");
        for (String line : table(rows).split("\n")) sb.append("  ").append(line).append('\n');
        return sb.toString();
    }

    /** kubectl get events -A: the kubelet's Warning events, oldest first. */
    private String events() {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("NAMESPACE", "LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"));
        Instant now = cluster.clock().instant();
        for (var e : cluster.podEvents().all()) {
            int slash = e.podKey().indexOf('/');
            rows.add(List.of(e.podKey().substring(0, slash), human(Duration.between(e.last(), now)), e.type(), e.reason(),
                    "pod/" + e.podKey().substring(slash + 1), e.message()));
        }
        if (rows.size() == 1) return "No resources found\n";
        return table(rows);
    }

    private List<List<String>> serviceRows(Get g) {
        rowNamespace.clear();
        List<List<String>> rows = new ArrayList<>();
        rows.add(new ArrayList<>(List.of("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE")));
        for (Service s : services(g)) {
            rowNamespace.add(s.namespace());
            String ports = s.ports().stream().map(p -> p.port() + (p.nodePort() > 0 ? ":" + p.nodePort() : "") + "/" + p.protocol())
                    .collect(Collectors.joining(","));
            rows.add(new ArrayList<>(List.of(s.name(), s.type(), s.clusterIp() == null ? "None" : s.clusterIp().toString(), "<none>", ports,
                    age("svc/" + s.name()))));
        }
        return rows;
    }

    /**
     * kubectl's ENDPOINTS column: ip:port for each port, then each address, at most three, then "+ N more...";
     * {@code <none>} without addresses. The age is the service's (the controller writes the endpoints with it).
     */
    private List<List<String>> endpointRows(Get g) {
        rowNamespace.clear();
        List<List<String>> rows = new ArrayList<>();
        rows.add(new ArrayList<>(List.of("NAME", "ENDPOINTS", "AGE")));
        for (Endpoints e : endpoints(g)) {
            rowNamespace.add(e.namespace());
            List<String> pairs = new ArrayList<>();
            for (Endpoints.Port p : e.ports()) for (Endpoints.Address a : e.addresses()) pairs.add(a.ip() + ":" + p.port());
            String shown = pairs.isEmpty() ? "<none>" : String.join(",", pairs.subList(0, Math.min(3, pairs.size())))
                    + (pairs.size() > 3 ? " + " + (pairs.size() - 3) + " more..." : "");
            rows.add(new ArrayList<>(List.of(e.name(), shown, age("svc/" + e.name()))));
        }
        return rows;
    }

    /** kubectl's column layout: each column as wide as its widest cell, three spaces apart, no trailing space. */
    static String table(List<List<String>> rows) {
        int cols = rows.get(0).size();
        int[] w = new int[cols];
        for (List<String> r : rows) for (int i = 0; i < cols; i++) w[i] = Math.max(w[i], r.get(i).length());
        StringBuilder sb = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                line.append(r.get(i));
                if (i < cols - 1) line.append(" ".repeat(w[i] - r.get(i).length() + 3));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }
}
