package dev.kubepath.model;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Protocol;

import java.util.List;

/** The ready addresses behind a service and the ports they serve on. */
public record Endpoints(String namespace, String name, List<Address> addresses, List<Port> ports) {
    public Endpoints {
        addresses = List.copyOf(addresses);
        ports = List.copyOf(ports);
    }

    public record Address(Ipv4 ip, String node, String pod) {}

    public record Port(String name, Protocol protocol, int port) {}

    public String key() {
        return namespace + "/" + name;
    }
}
