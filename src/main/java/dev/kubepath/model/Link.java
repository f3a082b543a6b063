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

    /** One line in iproute2's words ({@code ip -d link}'s), for diffs and messages: never the record's field dump. */
    public String describe() {
        StringBuilder s = new StringBuilder(name).append(' ').append(kind.typeName());
        if (kind instanceof LinkKind.Vxlan x) {
            s.append(" id ").append(x.vni());
            if (x.port() != 0) s.append(" dstport ").append(x.port()); // 0: the listing did not show it
            if (x.local() != null) s.append(" local ").append(x.local());
            if (x.underlayDev() != null) s.append(" dev ").append(x.underlayDev());
            s.append(x.learning() ? " learning" : " nolearning");
        }
        if (kind instanceof LinkKind.Veth v && v.peer() != null) s.append(" peer ").append(v.peer());
        if (mtu != MTU_UNKNOWN) s.append(" mtu ").append(mtu);
        if (mac != null) s.append(" link/ether ").append(mac);
        if (master != null) s.append(" master ").append(master);
        return s.append(up ? " up" : " down").toString();
    }
}
