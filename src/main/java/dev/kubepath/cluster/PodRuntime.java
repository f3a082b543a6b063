package dev.kubepath.cluster;

import dev.kubepath.model.Container;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the kubelet asks of a node's container runtime: docker on docker0, or containerd with flannel's CNI plugin on cni0. */
public interface PodRuntime {
    /** Starts the pod's sandbox and containers; empty while it cannot (runtime down, or the CNI ADD failed). */
    Optional<Container> runPod(DockerRuntime.PodSpecOnHost pod);

    void removePod(String podKey);

    /** The pods the runtime was asked to run (running or waiting). */
    List<String> podKeys();

    /** Running containers by pod key. */
    Map<String, Container> containers();

    /**
     * Hairpin mode on the pods' bridge ports, those running and those started later: on is what the kubelet's
     * hairpin-veth (docker) and flannel's CNI config ({@code hairpinMode: true}) set; off is the bridge's default, as
     * with kubelet {@code --hairpin-mode=none} or a conflist without hairpinMode.
     */
    void hairpin(boolean on);
}
