package dev.kubepath.model;

import dev.kubepath.net.Ipv4;

/** What kind of device a link is; the VXLAN kind carries the parameters that decide decapsulation. */
public sealed interface LinkKind {
    record Ethernet() implements LinkKind {}

    record Loopback() implements LinkKind {}

    record Bridge() implements LinkKind {}

    /** One end of a veth pair; {@code peer} names the other end ("ns/ifname" when it lives elsewhere). */
    record Veth(String peer) implements LinkKind {}

    /** A VXLAN device as {@code ip -d link} shows it: flannel makes VNI 1, dstport 8472, nolearning. */
    record Vxlan(int vni, int port, Ipv4 local, String underlayDev, boolean learning) implements LinkKind {}

    /** kube-proxy's IPVS dummy device holding every ClusterIP. */
    record Dummy() implements LinkKind {}

    default String typeName() {
        return switch (this) {
            case Ethernet e -> "ether";
            case Loopback l -> "loopback";
            case Bridge b -> "bridge";
            case Veth v -> "veth";
            case Vxlan x -> "vxlan";
            case Dummy d -> "dummy";
        };
    }
}
