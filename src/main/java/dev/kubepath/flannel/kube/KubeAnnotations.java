package dev.kubepath.flannel.kube;

import dev.kubepath.model.Lease;

/**
 * The node annotations flannel's Kubernetes subnet manager writes (flannel pkg/subnet/kube, annotations.go), under
 * its default {@code --kube-annotation-prefix} {@code flannel.alpha.coreos.com}: the lease is these annotations
 * together with the node's {@code spec.podCIDR}.
 */
public final class KubeAnnotations {
    public static final String PREFIX = "flannel.alpha.coreos.com/";
    public static final String KUBE_SUBNET_MANAGER = PREFIX + "kube-subnet-manager";
    public static final String BACKEND_DATA = PREFIX + "backend-data";
    public static final String BACKEND_TYPE = PREFIX + "backend-type";
    public static final String PUBLIC_IP = PREFIX + "public-ip";
    public static final String PUBLIC_IP_OVERWRITE = PREFIX + "public-ip-overwrite";

    private KubeAnnotations() {}

    /**
     * backend-data as flannel marshals its backend's lease attributes: the vxlan backend's {@code {"VNI":1,"VtepMAC":"..."}}
     * (Go's field order, no spaces), and {@code null} for backends without data (host-gw).
     */
    public static String backendData(Lease lease, int vni) {
        if (lease.vtepMac() == null) return "null";
        return "{\"VNI\":" + vni + ",\"VtepMAC\":\"" + lease.vtepMac() + "\"}";
    }
}
