package dev.kubepath.cluster;

import dev.kubepath.model.Container;
import dev.kubepath.model.Pod;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The node agent between the API server and the runtime: runs the pods bound to its node, removes the ones that
 * are gone, and reports each pod's address (or its absence while docker is down) back to the API server, which is
 * what moves the endpoints when docker re-creates a pod with a new address.
 */
public final class Kubelet {
    private final String node;
    private final ApiServer api;
    private final PodRuntime runtime;
    private final PodEvents events;
    /** When each pod's last sandbox failed: the kubelet tries again after {@link #RETRY}, not on every sync. */
    private final java.util.Map<String, java.time.Instant> lastFailure = new java.util.HashMap<>();
    private static final java.time.Duration RETRY = java.time.Duration.ofSeconds(10);
    private final java.util.function.Supplier<java.time.Instant> now;

    public Kubelet(String node, ApiServer api, PodRuntime runtime) {
        this(node, api, runtime, new PodEvents(), java.time.Instant::now);
    }

    /** A kubelet that records its sandbox failures as pod events and journal lines. */
    public Kubelet(String node, ApiServer api, PodRuntime runtime, PodEvents events, java.util.function.Supplier<java.time.Instant> now) {
        this.node = node;
        this.api = api;
        this.runtime = runtime;
        this.events = events;
        this.now = now;
    }

    public String node() {
        return node;
    }

    /** One sync pass; call after anything changed (pods scheduled, docker restarted). */
    public void sync() {
        sync(api.podsOn(node));
    }

    /** One sync pass over the pods the API server binds to this node (read once for every kubelet of a cluster). */
    public void sync(List<Pod> bound) {
        // pods, containers and sandboxes as the last pass left them: nothing to do (a quiet hour of 1,000 nodes)
        var containers = runtime.containers();
        var podKeys = runtime.podKeys();
        if (lastFailure.isEmpty() && bound.equals(lastBound) && containers.equals(lastContainers) && podKeys.equals(lastPodKeys)) return;
        syncPods(bound);
        lastBound = List.copyOf(bound);
        lastContainers = runtime.containers();
        lastPodKeys = runtime.podKeys();
    }

    private List<Pod> lastBound;
    private java.util.Map<String, Container> lastContainers;
    private List<String> lastPodKeys;

    private void syncPods(List<Pod> bound) {
        Set<String> keys = new HashSet<>();
        for (Pod p : bound) {
            keys.add(p.key());
            java.time.Instant failedAt = lastFailure.get(p.key());
            if (failedAt != null && now.get().isBefore(failedAt.plus(RETRY))) continue; // back off after a failed sandbox
            Optional<Container> c = runtime.runPod(new DockerRuntime.PodSpecOnHost(p.namespace(), p.name(), api.workload(p.key())));
            if (c.isPresent()) {
                if (!c.get().ip().equals(p.ip()) || !"Running".equals(p.phase())) api.podStarted(p.key(), c.get().ip());
            } else if (p.ip() != null) {
                api.podStopped(p.key());
            } else if (runtime instanceof CniRuntime cni && cni.failure(p.key()).isPresent()) {
                sandboxFailed(p, cni.failure(p.key()).get());
                lastFailure.put(p.key(), now.get());
                continue;
            }
            lastFailure.remove(p.key());
        }
        for (String k : runtime.podKeys()) if (!keys.contains(k)) runtime.removePod(k);
    }

    /**
     * The pod stays in ContainerCreating: the kubelet's event (kubectl describe pod) and its journal line, in the
     * forms kubelet 1.2x prints them (kuberuntime_manager.go's "CreatePodSandbox for pod failed").
     */
    private void sandboxFailed(Pod p, String error) {
        String rpc = "rpc error: code = Unknown desc = " + error;
        events.warning(p.key(), node, "FailedCreatePodSandBox", "Failed to create pod sandbox: " + rpc, now.get());
        String quoted = rpc.replace("\\", "\\\\").replace("\"", "\\\"");
        java.time.ZonedDateTime t = now.get().atZone(java.time.ZoneOffset.UTC);
        events.journal(node, String.format(java.util.Locale.ROOT, "E%02d%02d %02d:%02d:%02d.%06d %7d kuberuntime_manager.go:772] "
                        + "\"CreatePodSandbox for pod failed\" err=\"%s\" pod=\"%s\"",
                t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1000, 1234, quoted, p.key()));
    }
}
