package dev.kubepath.model;

import dev.kubepath.net.Mac;

/**
 * A network device. {@code master} names the bridge a port is enslaved to (null when none);
 * {@code up} is the administrative and operational state together, as the kernel decides whether a device passes
 * packets (IFF_RUNNING): set up, and operationally UP or UNKNOWN (a driver without carrier detection: loopback,
 * VXLAN); a veth whose far end is down (LOWERLAYERDOWN) or a bridge without a working port (NO-CARRIER) is not up.
 * Every listing format is read by this one rule (KernelLinkStatesTest). A route through a link that is not up is unusable.
 * {@code mtu} is {@link #MTU_UNKNOWN} when the listing did not show it ({@code ip -br link}).
 */
public record Link(String name, LinkKind kind, int mtu, Mac mac, boolean up, String master) {
    public static final int MTU_UNKNOWN = 0;

    public Link withUp(boolean value) {
        return new Link(name, kind, mtu, mac, value, master);
    }

    public Link withMtu(int value) {
        return new Link(name, kind, value, mac, up, master);
    }

    public boolean isVxlan() {
        return kind instanceof LinkKind.Vxlan;
    }
}
