package dev.kubepath.model;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;

import java.util.List;

/**
 * A pod's network namespace as seen from its host: one interface (eth0 in the pod, a veth on {@code bridge}
 * on the host), its address, and what listens inside. The pod's default route is the bridge address.
 * {@code server} is the HTTP server line the pod answers with (e.g. SimpleHTTP/0.6 Python/2.7.18), or null.
 * {@code hairpin} is the bridge port's hairpin mode (/sys/class/net/VETH/brport/hairpin_mode): whether the bridge may
 * send a frame back out of the port it came in by; null when not known.
 */
public record Container(String pod, Ipv4 ip, int prefixLength, Mac mac, String bridge, List<Socket> listeners,
                        String server, Boolean hairpin) {
    public Container {
        listeners = List.copyOf(listeners);
    }

    /** A pod whose bridge port's hairpin mode is not known. */
    public Container(String pod, Ipv4 ip, int prefixLength, Mac mac, String bridge, List<Socket> listeners, String server) {
        this(pod, ip, prefixLength, mac, bridge, listeners, server, null);
    }

    public Container withHairpin(Boolean value) {
        return new Container(pod, ip, prefixLength, mac, bridge, listeners, server, value);
    }
}
