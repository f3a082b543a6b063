package dev.kubepath.doctor;

import dev.kubepath.dataplane.Probe;

/**
 * One flow the doctor traces: from a host to a service frontend (ClusterIP:port or address:nodePort, {@code service}
 * names it) or to another host's bridge address (ping, {@code service} null).
 */
public record Flow(String from, Probe probe, String service) {
    public String target() {
        return probe instanceof Probe.Ping ? "ping " + probe : probe.toString();
    }

    public String label() {
        return from + " -> " + target() + (service != null ? " (" + service + ")" : "");
    }
}
