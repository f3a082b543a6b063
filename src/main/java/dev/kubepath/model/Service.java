package dev.kubepath.model;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Protocol;

import java.util.List;
import java.util.Map;

/** A Kubernetes Service; {@code clusterIp} is null for a headless service ("None"). */
public record Service(String namespace, String name, String type, Ipv4 clusterIp, List<Port> ports,
                      Map<String, String> selector) {
    public Service {
        ports = List.copyOf(ports);
        selector = Map.copyOf(selector);
    }

    /** One service port; {@code nodePort} is 0 when the service has none. {@code targetPort} is numeric here. */
    public record Port(String name, Protocol protocol, int port, int targetPort, int nodePort) {}

    public String key() {
        return namespace + "/" + name;
    }

    public boolean headless() {
        return clusterIp == null;
    }
}
