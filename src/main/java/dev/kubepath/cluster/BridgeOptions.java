package dev.kubepath.cluster;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

/**
 * What docker takes from flannel's subnet.env when it starts: {@code --bip} (FLANNEL_SUBNET, the bridge address
 * with its length, e.g. 172.17.98.1/24) and {@code --mtu} (FLANNEL_MTU).
 */
public record BridgeOptions(Ipv4 bip, int prefixLength, int mtu) {
    public BridgeOptions {
        if (prefixLength < 8 || prefixLength > 30) throw new IllegalArgumentException("bip /" + prefixLength + " is not within /8../30");
        if (mtu < 576 || mtu > 65535) throw new IllegalArgumentException("mtu " + mtu + " is not within 576..65535");
        if (Prefix.of(bip, prefixLength).network().equals(bip)) {
            throw new IllegalArgumentException("bip " + bip + "/" + prefixLength + " is a network address (expected e.g. 172.17.98.1/24)");
        }
    }

    /** Parses "172.17.98.1/24" as FLANNEL_SUBNET writes it. */
    public static BridgeOptions of(String bip, int mtu) {
        int slash = bip.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("'" + bip + "' has no prefix length (expected e.g. 172.17.98.1/24)");
        return new BridgeOptions(Ipv4.parse(bip.substring(0, slash)), Integer.parseInt(bip.substring(slash + 1)), mtu);
    }

    public Prefix subnet() {
        return Prefix.of(bip, prefixLength);
    }

    @Override
    public String toString() {
        return bip + "/" + prefixLength + " mtu " + mtu;
    }
}
