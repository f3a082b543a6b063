package dev.kubepath.ingest;

import dev.kubepath.model.LinkKind;

/**
 * The kind of a device when the listing does not print it (ifconfig, {@code ip addr} without -d): decided by the
 * names docker, CNI, flannel and kube-proxy give their devices. flannel names its VXLAN device flannel.VNI, so the
 * VNI is known from the name; port, local address and underlay device stay unknown (0 / null) until
 * {@code ip -d link} is read.
 */
public final class LinkKinds {
    private LinkKinds() {}

    public static LinkKind byName(String name, String peer, boolean loopback) {
        if (loopback || name.equals("lo")) return new LinkKind.Loopback();
        if (name.equals("docker0") || name.equals("cni0") || name.startsWith("br-") || name.equals("cbr0")) return new LinkKind.Bridge();
        if (name.startsWith("flannel.")) {
            int vni = Tokens.parseIntOr(name.substring("flannel.".length()), 0);
            return new LinkKind.Vxlan(vni, 0, null, null, false);
        }
        if (name.equals("kube-ipvs0")) return new LinkKind.Dummy();
        if (name.startsWith("veth")) return new LinkKind.Veth(peer);
        return new LinkKind.Ethernet();
    }
}
