package dev.kubepath.model;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Protocol;

/** A listening socket; {@code ip} 0.0.0.0 listens on every local address. {@code process} is what serves it. */
public record Socket(Protocol protocol, Ipv4 ip, int port, String process) {
    public boolean accepts(Protocol p, Ipv4 dst, int dport) {
        return protocol == p && port == dport && (ip.bits() == 0 || ip.equals(dst));
    }
}
