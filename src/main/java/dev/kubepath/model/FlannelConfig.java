package dev.kubepath.model;

import dev.kubepath.net.Prefix;

/** flannel's network config ({@code <prefix>/config}) after defaults are applied. */
public record FlannelConfig(Prefix network, int subnetLen, Prefix subnetMin, Prefix subnetMax, String backendType,
                            int vni, int port, boolean directRouting) {
    public static final int VXLAN_PORT = 8472;
}
