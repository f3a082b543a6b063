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
        Instant now = cluster.clock().instant();
        Duration d = Duration.between(cluster.created(key), now);
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
            List<String> r = new ArrayList<>(List.of(p.name(), running ? "1/1" : "0/1", p.phase(), String.valueOf(p.restarts()), age("pod/" + p.name())));
            if (wide) r.addAll(List.of(p.ip() == null ? "<none>" : p.ip().toString(), p.node() == null ? "<none>" : p.node(), "<none>", "<none>"));
            rows.add(r);
        }
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
