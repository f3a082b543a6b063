package dev.kubepath.lab;

import dev.kubepath.host.linux.Netns;
import dev.kubepath.net.Ipv4;

/**
 * The physical network the lab's hosts share: a namespace holding one bridge, with a veth per host. The host end
 * is named like a NIC (eth0) and gets its address inside the host's namespace; nothing touches the root namespace.
 */
public final class Underlay {
    public static final String BRIDGE = "br0";

    private final Lab lab;
    private final Netns ns;
    private int ports;

    public Underlay(Lab lab) {
        this.lab = lab;
        this.ns = lab.namespace("underlay");
        ns.ip("link", "add", BRIDGE, "type", "bridge").orThrow();
        ns.ip("link", "set", BRIDGE, "up").orThrow();
    }

    public Netns netns() {
        return ns;
    }

    /** Plugs {@code host} in: its {@code dev} gets {@code ip/prefixLength} and is brought up. */
    public void attach(Netns host, String dev, Ipv4 ip, int prefixLength) {
        String port = "p" + (++ports);
        lab.veth(host, dev, ns, port);
        ns.ip("link", "set", port, "master", BRIDGE, "up").orThrow();
        host.ip("addr", "add", ip + "/" + prefixLength, "dev", dev).orThrow();
        host.ip("link", "set", dev, "up").orThrow();
    }
}
