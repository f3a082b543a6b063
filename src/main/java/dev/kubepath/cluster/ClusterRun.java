package dev.kubepath.cluster;

import dev.kubepath.cluster.ClusterFile.Command;
import dev.kubepath.model.Pod;
import dev.kubepath.net.Prefix;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a {@link ClusterFile} on a {@link SimCluster} (in memory, or the lab's namespaces): boots the hosts with
 * their first subnets, applies the manifests, then plays the timeline in simulated time. Every timeline command
 * and every daemon's log line becomes an {@link Event}.
 */
public final class ClusterRun {
    /** Something that happened: when (after the start), on which host ("-" for the cluster), what. */
    public record Event(Duration at, String host, String what) {}

    private final ClusterFile file;
    private final SimCluster cluster;
    private final Consumer<Event> events;
    private final Map<String, Command.PinPod> podPins = new LinkedHashMap<>();
    private int next;

    public ClusterRun(ClusterFile file, SimCluster cluster, Consumer<Event> events) {
        this.file = file;
        this.cluster = cluster;
        this.events = events;
        if (file.runtime() == ClusterFile.Runtime.CONTAINERD) cluster.useContainerd();
        cluster.onLog(line -> {
            int colon = line.indexOf(": ");
            String host = colon > 0 && cluster.hasHost(line.substring(0, colon)) ? line.substring(0, colon) : "-";
            events.accept(new Event(now(), host, host.equals("-") ? line : line.substring(colon + 2)));
        });
    }

    /** A cluster for {@code file} in memory, on the embedded registry (the same contract as etcd's). */
    public static ClusterRun simulated(ClusterFile file, Consumer<Event> events) {
        SimCluster c = file.registry() == ClusterFile.Registry.KUBE ? SimCluster.kube(file.spec()) : SimCluster.embedded(file.spec());
        return new ClusterRun(file, c, events);
    }


    public SimCluster cluster() {
        return cluster;
    }

    public ClusterFile file() {
        return file;
    }

    /** Simulated time since the start. */
    public Duration now() {
        return Duration.between(file.spec().start(), cluster.clock().instant());
    }

    /**
     * Boots every host (flanneld, docker, kubelet, kube-proxy), installs cluster DNS unless the file turns it off,
     * and applies the file's manifests. The kube-dns Service comes first, as kubeadm init and k3s create it before any
     * workload (its ClusterIP is the range's 10th address); the coredns Deployment after the file's manifests, so that
     * the file's pods are placed and addressed as without DNS (a file pins nothing for CoreDNS's pods).
     */
    public void boot() {
        file.firstSubnets().forEach(cluster::pinNextSubnet);
        event("-", "boot: " + String.join(", ", cluster.hostNames()));
        cluster.boot();
        List<HasMetadata> dns = file.clusterDns() ? ClusterDns.manifests(cluster.api().config().serviceCidr()) : List.of();
        List<HasMetadata> dnsService = dns.stream().filter(o -> o instanceof Service).toList();
        if (!dnsService.isEmpty()) apply(dnsService, "cluster DNS: the kube-dns Service in kube-system");
        for (ClusterFile.Manifest m : file.manifests()) apply(m.objects(), "kubectl apply -f " + m.path());
        List<HasMetadata> dnsPods = dns.stream().filter(o -> !(o instanceof Service)).toList();
        if (!dnsPods.isEmpty()) apply(dnsPods, "cluster DNS: the coredns Deployment in kube-system");
    }

    /** Plays the timeline up to and including {@code until}, then lets time run to {@code until}. */
    public void runUntil(Duration until) {
        while (next < file.timeline().size() && file.timeline().get(next).at().compareTo(until) <= 0) {
            ClusterFile.Step s = file.timeline().get(next++);
            advanceTo(s.at());
            run(s);
        }
        advanceTo(until);
    }

    /** Runs the whole timeline. */
    public void runAll() {
        runUntil(file.end());
    }

    private void advanceTo(Duration at) {
        Duration d = at.minus(now());
        if (d.isPositive()) cluster.advance(d);
    }

    private void run(ClusterFile.Step s) {
        switch (s.command()) {
            case Command.Fault f -> fault(f);
            case Command.Kubectl k when k.delete() -> {
                event("-", s.text());
                delete(k.manifest().objects());
            }
            case Command.Kubectl k -> apply(k.manifest().objects(), s.text());
            case Command.Systemctl sc -> {
                event(sc.host(), "systemctl " + sc.action() + " " + sc.unit());
                String out = cluster.systemctl(sc.host(), sc.action(), sc.unit());
                if (!out.isBlank()) event(sc.host(), out.strip());
            }
            case Command.PinSubnet p -> {
                event(p.host(), "its next lease is pinned to " + p.subnet());
                cluster.pinNextSubnet(p.host(), p.subnet());
            }
            case Command.PinService p -> {
                event("-", "service " + p.name() + " pinned to ClusterIP " + p.address().ip() + ", NodePort " + p.address().port());
                cluster.pinService(p.name(), p.address().ip(), p.address().port());
            }
            case Command.PinPod p -> {
                event("-", "deployment " + p.deployment() + " pinned to " + p.host() + ", its next pod to " + p.ip());
                podPins.put(p.deployment(), p);
            }
        }
    }

    private void fault(Command.Fault f) {
        event(f.fault().target().orElse("-"), "fault " + String.join(" ", f.words()));
        cluster.faults().inject(f.fault());
    }

    /**
     * kubectl apply: Namespaces first, so the objects of a file that also creates their namespace find it wherever the
     * Namespace is written; then Deployments, so their pods exist (scheduled, not yet started) when a pinned pod
     * address is handed to the node's docker; then the rest, with any pinned ClusterIP and NodePort.
     */
    private void apply(List<HasMetadata> objects, String what) {
        event("-", what);
        List<HasMetadata> namespaces = objects.stream().filter(o -> o instanceof Namespace).toList();
        List<HasMetadata> deployments = objects.stream().filter(o -> o instanceof Deployment).toList();
        List<HasMetadata> rest = objects.stream().filter(o -> !(o instanceof Deployment || o instanceof Namespace)).toList();
        for (String line : cluster.api().apply(copies(namespaces))) event("-", line);
        for (String line : cluster.api().apply(copies(deployments))) event("-", line);
        for (HasMetadata d : deployments) {
            Command.PinPod pin = podPins.remove(d.getMetadata().getName());
            if (pin == null) continue;
            String ns = d.getMetadata().getNamespace() != null ? d.getMetadata().getNamespace() : ApiServer.DEFAULT_NS;
            cluster.api().pinDeployment(ns, pin.deployment(), pin.host());
            cluster.api().pods().stream().filter(p -> p.name().startsWith(pin.deployment() + "-") && pin.host().equals(p.node()) && p.ip() == null)
                    .findFirst().ifPresent(p -> cluster.docker(pin.host()).pinAddress(p.key(), pin.ip()));
        }
        if (rest.isEmpty()) cluster.settle();
        else for (String line : cluster.apply(copies(rest))) event("-", line);
    }

    private void delete(List<HasMetadata> objects) {
        for (HasMetadata o : objects) {
            String ns = o.getMetadata().getNamespace() != null ? o.getMetadata().getNamespace() : ApiServer.DEFAULT_NS;
            String name = o.getMetadata().getName();
            try {
                deleteOne(o, ns, name);
            } catch (IllegalArgumentException notFound) { // kubectl goes on with the file's other objects
                event("-", "Error from server (NotFound): " + notFound.getMessage());
            }
        }
        cluster.settle();
    }

    private void deleteOne(HasMetadata o, String ns, String name) {
        switch (o) { // kubectl delete's lines
            case Deployment d -> {
                cluster.api().deleteDeployment(ns, name);
                event("-", "deployment.apps \"" + name + "\" deleted");
            }
            case Service s -> {
                cluster.api().deleteService(ns, name);
                event("-", "service \"" + name + "\" deleted");
            }
            case io.fabric8.kubernetes.api.model.Pod p -> {
                cluster.api().deletePod(ns, name);
                event("-", "pod \"" + name + "\" deleted");
            }
            default -> { }
        }
    }

    /** The API server and the pins edit the objects they are given; the file's copies stay as written. */
    private static List<HasMetadata> copies(List<HasMetadata> objects) {
        List<HasMetadata> out = new ArrayList<>();
        for (HasMetadata o : objects) {
            out.add(switch (o) {
                case Deployment d -> new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(d).build();
                case Service s -> new io.fabric8.kubernetes.api.model.ServiceBuilder(s).build();
                case io.fabric8.kubernetes.api.model.Pod p -> new io.fabric8.kubernetes.api.model.PodBuilder(p).build();
                default -> o;
            });
        }
        return out;
    }

    private void event(String host, String what) {
        events.accept(new Event(now(), host, what));
    }
}
