package dev.kubepath.model;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.time.Instant;

/**
 * A flannel subnet lease: the subnet, the owner's PublicIP and, for the vxlan backend, its VTEP MAC.
 * {@code expiration} is null when unknown (a lease read from a transcript shows no TTL).
 */
public record Lease(Prefix subnet, Ipv4 publicIp, String backendType, Mac vtepMac, Instant expiration) {
    public Lease withExpiration(Instant e) {
        return new Lease(subnet, publicIp, backendType, vtepMac, e);
    }
}
