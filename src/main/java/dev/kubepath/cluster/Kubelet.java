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
    private final DockerRuntime runtime;

    public Kubelet(String node, ApiServer api, DockerRuntime runtime) {
        this.node = node;
        this.api = api;
        this.runtime = runtime;
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
        Set<String> keys = new HashSet<>();
        for (Pod p : bound) {
            keys.add(p.key());
            Optional<Container> c = runtime.runPod(new DockerRuntime.PodSpecOnHost(p.namespace(), p.name(), api.workload(p.key())));
            if (c.isPresent()) {
                if (!c.get().ip().equals(p.ip()) || !"Running".equals(p.phase())) api.podStarted(p.key(), c.get().ip());
            } else if (p.ip() != null) {
                api.podStopped(p.key());
            }
        }
        for (String k : runtime.podKeys()) if (!keys.contains(k)) runtime.removePod(k);
    }
}
