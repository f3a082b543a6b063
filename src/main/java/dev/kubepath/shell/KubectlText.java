package dev.kubepath.shell;

import dev.kubepath.cluster.SimCluster;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** kubectl's tables (column widths as kubectl's printer computes them: widest cell plus three spaces). */
final class KubectlText {
    private final SimCluster cluster;

    KubectlText(SimCluster cluster) {
        this.cluster = cluster;
    }

    String get(String what, boolean wide) {
        return switch (what) {
            case "nodes", "node", "no" -> nodes(wide);
            case "pods", "pod", "po" -> pods(wide);
            case "svc", "service", "services" -> services();
            case "events", "event", "ev" -> events();
            default -> "error: the server doesn't have a resource type \"" + what + "\"\n";
        };
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
        return human(Duration.between(cluster.created(key), cluster.clock().instant()));
    }

    /** kubectl's short duration (HumanDuration, coarsened as kubectl's AGE column is). */
    private static String human(Duration d) {
        if (d.toDays() >= 2) return d.toDays() + "d";
        if (d.toHours() >= 2) return d.toHours() + "h";
        if (d.toMinutes() >= 2) return d.toMinutes() + "m";
        return d.toSeconds() + "s";
    }

    private String nodes(boolean wide) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(wide ? List.of("NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME")
                : List.of("NAME", "STATUS", "ROLES", "AGE", "VERSION"));
        for (Node n : cluster.api().nodes().stream().sorted(java.util.Comparator.comparing(Node::name)).toList()) {
            List<String> r = new ArrayList<>(List.of(n.name(), n.ready() ? "Ready" : "NotReady", "<none>", age("node/" + n.name()), n.kubeletVersion()));
            if (wide) r.addAll(List.of(n.internalIp().toString(), "<none>", "CentOS Linux 7 (Core)", "3.10.0-693.el7.x86_64", "docker://20.10.21"));
            rows.add(r);
        }
        return table(rows);
    }

    private String pods(boolean wide) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(wide ? List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES")
                : List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE"));
        for (Pod p : cluster.api().pods().stream().sorted(java.util.Comparator.comparing(Pod::name)).toList()) {
            boolean running = "Running".equals(p.phase());
            List<String> r = new ArrayList<>(List.of(p.name(), running ? "1/1" : "0/1", status(p), String.valueOf(p.restarts()), age("pod/" + p.name())));
            if (wide) r.addAll(List.of(p.ip() == null ? "<none>" : p.ip().toString(), p.node() == null ? "<none>" : p.node(), "<none>", "<none>"));
            rows.add(r);
        }
        return table(rows);
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

    private String services() {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"));
        for (Service s : cluster.api().services().stream().sorted(java.util.Comparator.comparing(Service::name)).toList()) {
            String ports = s.ports().stream().map(p -> p.port() + (p.nodePort() > 0 ? ":" + p.nodePort() : "") + "/" + p.protocol())
                    .collect(Collectors.joining(","));
            rows.add(List.of(s.name(), s.type(), s.clusterIp() == null ? "None" : s.clusterIp().toString(), "<none>", ports, age("svc/" + s.name())));
        }
        return table(rows);
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
