package dev.kubepath.model;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

/** An address assigned to a device, with the prefix length it was assigned with (flannel.1 holds subnet.0/32). */
public record IfAddress(String dev, Ipv4 ip, int prefixLength) {
    public Prefix prefix() {
        return Prefix.of(ip, prefixLength);
    }

    @Override
    public String toString() {
        return ip + "/" + prefixLength + " dev " + dev;
    }
}
