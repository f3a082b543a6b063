package dev.kubepath.cluster;

/**
 * flannel's CNI plugin as containerd runs it: /etc/cni/net.d/10-flannel.conflist (installed by the kube-flannel
 * DaemonSet's install-cni container, or written by k3s) names the {@code flannel} plugin, which reads
 * /run/flannel/subnet.env on every pod ADD and delegates to the {@code bridge} plugin: bridge {@code cni0} with
 * the subnet's .1 as gateway, hairpin mode, host-local IPAM over FLANNEL_SUBNET.
 */
public final class FlannelCni {
    public static final String CONFLIST_PATH = "/etc/cni/net.d/10-flannel.conflist";
    public static final String BRIDGE = "cni0";

    /** The conflist (the ConfigMap's cni-conf.json), as kube-flannel.yml ships it. */
    public static final String CNI_CONF = """
            {
              "name": "cbr0",
              "cniVersion": "0.3.1",
              "plugins": [
                {
                  "type": "flannel",
                  "delegate": {
                    "hairpinMode": true,
                    "isDefaultGateway": true
                  }
                },
                {
                  "type": "portmap",
                  "capabilities": {
                    "portMappings": true
                  }
                }
              ]
            }
            """;

    private FlannelCni() {}
}
