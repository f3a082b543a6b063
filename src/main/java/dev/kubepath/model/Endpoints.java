package dev.kubepath.model;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Protocol;

import java.util.List;

/**
 * The ready addresses behind a service and the ports they serve on. {@code notShown} counts address:port pairs that
 * exist but were not shown ({@code kubectl get ep} prints three and "+ N more..."): 0 when the list is complete.
 */
public record Endpoints(String namespace, String name, List<Address> addresses, List<Port> ports, int notShown) {
    public Endpoints {
        addresses = List.copyOf(addresses);
        ports = List.copyOf(ports);
    }

    public Endpoints(String namespace, String name, List<Address> addresses, List<Port> ports) {
        this(namespace, name, addresses, ports, 0);
    }

    /** False when some addresses were not shown: a missing one may be among them. */
    public boolean complete() {
        return notShown == 0;
    }

    public record Address(Ipv4 ip, String node, String pod) {}

    /** {@code protocol} is null when the output did not show it (kubectl get ep). */
    public record Port(String name, Protocol protocol, int port) {}

    public String key() {
        return namespace + "/" + name;
    }
}
