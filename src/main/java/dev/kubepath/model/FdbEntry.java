package dev.kubepath.model;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;

/** A forwarding database entry; on a VXLAN device {@code dst} is the remote VTEP ("VtepMAC dst PublicIP self permanent"). */
public record FdbEntry(Mac mac, String dev, Ipv4 dst, boolean permanent) {
    public String describe() {
        return mac + " dev " + dev + (dst != null ? " dst " + dst : "") + " self" + (permanent ? " permanent" : "");
    }
}
