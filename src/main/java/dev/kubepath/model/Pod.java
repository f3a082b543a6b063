package dev.kubepath.model;

import dev.kubepath.net.Ipv4;

import java.util.List;
import java.util.Map;

/** A pod as the API server shows it; {@code ip} is null while it has none. */
public record Pod(String namespace, String name, String node, Ipv4 ip, Map<String, String> labels,
                  List<Integer> containerPorts, String phase, int restarts) {
    public Pod {
        labels = Map.copyOf(labels);
        containerPorts = List.copyOf(containerPorts);
    }

    public String key() {
        return namespace + "/" + name;
    }
}
