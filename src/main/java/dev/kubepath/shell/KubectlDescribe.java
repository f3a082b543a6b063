package dev.kubepath.shell;

import dev.kubepath.cluster.SimCluster;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Service;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code kubectl describe svc|node NAME} as kubectl 1.15 (the seed's version) writes them: its describers' lines
 * through Go's tabwriter. Only what the simulation holds is shown; what it does not keep is said in docs/shell.md.
 */
final class KubectlDescribe {
    /** Go's time.RFC1123Z, which describe uses for timestamps. */
    private static final DateTimeFormatter RFC1123Z = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final SimCluster cluster;

    KubectlDescribe(SimCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * describeService: the model keeps no labels, annotations, session affinity or traffic policy, so they are the
     * API server's defaults (none, None, Cluster); events about services are not simulated.
     */
    String service(String namespace, String name) {
        Service s = cluster.api().services().stream().filter(x -> x.namespace().equals(namespace) && x.name().equals(name))
                .findFirst().orElseThrow(() -> new ToolError("Error from server (NotFound): services \"" + name + "\" not found\n", 1));
        Endpoints ep = cluster.api().endpoints().stream().filter(e -> e.key().equals(s.key())).findFirst().orElse(null);
        StringBuilder w = new StringBuilder();
        w.append("Name:\t").append(s.name()).append('\n');
        w.append("Namespace:\t").append(s.namespace()).append('\n');
        w.append("Labels:\t<none>\n");
        w.append("Annotations:\t<none>\n");
        String selector = new TreeMap<>(s.selector()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        w.append("Selector:\t").append(selector.isEmpty() ? "<none>" : selector).append('\n');
        w.append("Type:\t").append(s.type()).append('\n');
        w.append("IP:\t").append(s.headless() ? "None" : s.clusterIp().toString()).append('\n');
        for (Service.Port p : s.ports()) {
            String portName = p.name() == null || p.name().isEmpty() ? "<unset>" : p.name();
            w.append(String.format(Locale.ROOT, "Port:\t%s\t%d/%s%n", portName, p.port(), p.protocol()));
            w.append(String.format(Locale.ROOT, "TargetPort:\t%d/%s%n", p.targetPort(), p.protocol()));
            if (p.nodePort() != 0) w.append(String.format(Locale.ROOT, "NodePort:\t%s\t%d/%s%n", portName, p.nodePort(), p.protocol()));
            w.append("Endpoints:\t").append(endpoints(ep, p.name())).append('\n');
        }
        w.append("Session Affinity:\tNone\n");
        if (s.type().equals("NodePort") || s.type().equals("LoadBalancer")) w.append("External Traffic Policy:\tCluster\n");
        w.append("Events:\t<none>\n");
        return new TabWriter().write(w.toString()).flush();
    }

    /** formatEndpoints: ip:port of the endpoint port named as the service port, three at most, then "+ N more...". */
    private static String endpoints(Endpoints ep, String portName) {
        if (ep == null) return "<none>";
        List<String> pairs = new ArrayList<>();
        for (Endpoints.Port p : ep.ports()) {
            if (!(p.name() == null ? "" : p.name()).equals(portName == null ? "" : portName)) continue;
            for (Endpoints.Address a : ep.addresses()) pairs.add(a.ip() + ":" + p.port());
        }
        if (pairs.isEmpty()) return "<none>";
        return String.join(",", pairs.subList(0, Math.min(3, pairs.size()))) + (pairs.size() > 3 ? " + " + (pairs.size() - 3) + " more..." : "");
    }

    /**
     * describeNode. The kubelet registers its node with the os/arch/hostname labels, which the model leaves out;
     * the Ready condition is the only one kept and the simulation records no heartbeat, so both of its times are the
     * node's registration. Capacity, Allocatable and resource requests are not simulated: those sections are left out.
     */
    String node(String name) {
        Node n = cluster.api().nodes().stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new ToolError("Error from server (NotFound): nodes \"" + name + "\" not found\n", 1));
        var kube = cluster.registry() instanceof dev.kubepath.flannel.kube.KubeNodes k ? k.node(name) : java.util.Optional.<dev.kubepath.flannel.kube.KubeNodes.NodeObject>empty();
        String created = RFC1123Z.format(cluster.created("node/" + name));
        StringBuilder w = new StringBuilder();
        w.append("Name:\t").append(n.name()).append('\n');
        w.append("Roles:\t<none>\n");
        Map<String, String> labels = new TreeMap<>(Map.of("beta.kubernetes.io/arch", "amd64", "beta.kubernetes.io/os", "linux",
                "kubernetes.io/arch", "amd64", "kubernetes.io/hostname", n.name(), "kubernetes.io/os", "linux"));
        multiline(w, "Labels", labels, "=");
        multiline(w, "Annotations", new TreeMap<>(kube.map(o -> o.annotations()).orElse(Map.of())), ": ");
        w.append("CreationTimestamp:\t").append(created).append('\n');
        w.append("Taints:\t<none>\n");
        w.append("Unschedulable:\tfalse\n");
        w.append("Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
        w.append("  ----\t------\t-----------------\t------------------\t------\t-------\n");
        w.append(String.format(Locale.ROOT, "  Ready \t%s \t%s \t%s \t%s \t%s%n", n.ready() ? "True" : "False", created, created,
                n.ready() ? "KubeletReady" : "KubeletNotReady", n.ready() ? "kubelet is posting ready status" : "kubelet stopped posting node status."));
        w.append("Addresses:\n");
        if (n.internalIp() != null) w.append("  InternalIP:\t").append(n.internalIp()).append('\n');
        w.append("  Hostname:\t").append(n.name()).append('\n');
        // the same host facts kubectl get nodes -o wide shows for the seed's CentOS 7 hosts
        w.append("System Info:\n Machine ID:\t\n System UUID:\t\n Boot ID:\t\n Kernel Version:\t3.10.0-693.el7.x86_64\n")
                .append(" OS Image:\tCentOS Linux 7 (Core)\n Operating System:\tlinux\n Architecture:\tamd64\n")
                .append(" Container Runtime Version:\tdocker://20.10.21\n")
                .append(" Kubelet Version:\t").append(n.kubeletVersion()).append('\n')
                .append(" Kube-Proxy Version:\t").append(n.kubeletVersion()).append('\n');
        var cidr = kube.map(dev.kubepath.flannel.kube.KubeNodes.NodeObject::podCidr).orElse(n.podCidr());
        if (cidr != null) w.append("PodCIDR:\t").append(cidr).append('\n');
        List<Pod> pods = cluster.api().pods().stream().filter(p -> name.equals(p.node()))
                .sorted(java.util.Comparator.comparing(Pod::namespace).thenComparing(Pod::name)).toList();
        w.append("Non-terminated Pods:\t(").append(pods.size()).append(" in total)\n");
        w.append("  Namespace\tName\tAGE\n  ---------\t----\t---\n");
        for (Pod p : pods) w.append("  ").append(p.namespace()).append('\t').append(p.name()).append('\t').append(KubectlText.age(cluster, "pod/" + p.name())).append('\n');
        w.append("Events:\t<none>\n");
        return new TabWriter().write(w.toString()).flush();
    }

    /** printLabelsMultiline / printAnnotationsMultiline: the first pair after the title, the others under it. */
    private static void multiline(StringBuilder w, String title, Map<String, String> pairs, String sep) {
        w.append(title).append(":\t");
        if (pairs.isEmpty()) {
            w.append("<none>\n");
            return;
        }
        boolean first = true;
        for (var e : pairs.entrySet()) {
            if (!first) w.append('\t');
            w.append(e.getKey()).append(sep).append(e.getValue()).append('\n');
            first = false;
        }
    }
}
