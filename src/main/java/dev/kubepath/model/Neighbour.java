package dev.kubepath.model;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;

/** An ARP table entry; flannel writes "subnet.0 lladdr VtepMAC PERMANENT" on flannel.1 for every remote lease. */
public record Neighbour(Ipv4 ip, String dev, Mac mac, State state) {
    public enum State { PERMANENT, REACHABLE, STALE, FAILED, INCOMPLETE, NOARP }

    public String describe() {
        return ip + " dev " + dev + (mac != null ? " lladdr " + mac : "") + " " + state;
    }
}
