package dev.kubepath.ingest;

import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;

import java.util.List;

/** Devices and their IPv4 addresses, as one {@code ip addr}, {@code ip link} or {@code ifconfig} listing shows them. */
public record Interfaces(List<Link> links, List<IfAddress> addresses) {
    public Interfaces {
        links = List.copyOf(links);
        addresses = List.copyOf(addresses);
    }
}
