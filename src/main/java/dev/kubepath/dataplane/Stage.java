package dev.kubepath.dataplane;

import java.util.Locale;

/** Where in the kernel (or the wire) a trace step was decided. */
public enum Stage {
    ORIGIN, CONNTRACK, NAT, IPVS, ROUTE, FILTER, FORWARD, SNAT, BRIDGE, NEIGHBOUR, FDB, ENCAP, UNDERLAY, DECAP, LOCAL,
    SOCKET, POD, REPLY, DROP;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
