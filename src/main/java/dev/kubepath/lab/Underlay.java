package dev.kubepath.lab;

import dev.kubepath.host.linux.Netns;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;

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

    /**
     * The gateway of one underlay subnet: {@code ip} on br0 of the underlay namespace, which is the one router of the
     * lab's underlay (docs/scenario-format.md, routed underlay). It forwards between the subnets whose gateways are on
     * br0 (their connected routes) and silently drops everything else (a blackhole default route: no ICMP), so a packet
     * for an address outside the lab times out (as the seed's curl of a ClusterIP from the master did) instead of
     * failing with 'No route to host'. No ICMP redirects: the hosts of one subnet are not on-link for the other's.
     */
    public void gateway(Ipv4 ip, int prefixLength) {
        ns.exec("sysctl", "-w", "net.ipv4.ip_forward=1").orThrow();
        ns.exec("sysctl", "-w", "net.ipv4.conf.all.send_redirects=0").orThrow();
        ns.exec("sysctl", "-w", "net.ipv4.conf." + BRIDGE + ".send_redirects=0").orThrow();
        ns.ip("route", "replace", "blackhole", "default").orThrow();
        ns.ip("addr", "add", ip + "/" + prefixLength, "dev", BRIDGE).orThrow();
    }

    /** Counts VXLAN packets (UDP 8472) crossing br0: proof that cross-host traffic went through the overlay. */
    public void countVxlan() {
        ns.exec(java.util.List.of("nft", "-f", "-"), "table bridge capture {\n  chain forward {\n"
                + "    type filter hook forward priority 0; policy accept;\n    udp dport 8472 counter\n  }\n}\n").orThrow();
    }

    /** Packets counted by {@link #countVxlan()} so far. */
    public long vxlanPackets() {
        String text = ns.exec("nft", "list", "table", "bridge", "capture").orThrow().stdout();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("udp dport 8472 counter packets (\\d+)").matcher(text);
        if (!m.find()) throw new IllegalStateException("no VXLAN counter on the underlay: " + text);
        return Long.parseLong(m.group(1));
    }

    public Netns netns() {
        return ns;
    }

    /** Plugs {@code host} in: its {@code dev} gets {@code ip/prefixLength} and is brought up. */
    public void attach(Netns host, String dev, Ipv4 ip, int prefixLength) {
        attach(host, dev, ip, prefixLength, null);
    }

    /** As {@link #attach(Netns, String, Ipv4, int)}, with the NIC's MAC address fixed (null: the kernel picks). */
    public synchronized void attach(Netns host, String dev, Ipv4 ip, int prefixLength, Mac mac) {
        attach(host, dev, ip, prefixLength, mac, 0);
    }

    /** As above, the connected route at {@code metric} (0: the kernel's own), as for a host's second NIC. */
    public synchronized void attach(Netns host, String dev, Ipv4 ip, int prefixLength, Mac mac, int metric) {
        String port = "p" + (++ports);
        lab.veth(host, dev, ns, port);
        if (mac != null) host.ip("link", "set", dev, "address", mac.toString()).orThrow();
        ns.ip("link", "set", port, "master", BRIDGE, "up").orThrow();
        if (metric > 0) host.ip("addr", "add", ip + "/" + prefixLength, "dev", dev, "metric", String.valueOf(metric)).orThrow();
        else host.ip("addr", "add", ip + "/" + prefixLength, "dev", dev).orThrow();
        host.ip("link", "set", dev, "up").orThrow();
    }
}
