package dev.kubepath.flannel.kube;

import dev.kubepath.model.Lease;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

import java.util.LinkedHashMap;
import java.util.Map;

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

    /** What flanneld's AcquireLease leaves on a node: its annotations after the write, and the lease they hold. */
    public record Written(Map<String, String> annotations, Lease lease) {}

    /**
     * flannel's AcquireLease on a node with {@code podCidr} and annotations {@code current}: the subnet is the podCIDR;
     * public-ip is the public-ip-overwrite annotation when one is set, else the agent's address; backend-type,
     * backend-data and kube-subnet-manager "true" are set. Equal annotations mean flannel sends no patch.
     */
    public static Written acquire(Prefix podCidr, Map<String, String> current, Lease wanted, int vni) {
        String overwrite = current.get(PUBLIC_IP_OVERWRITE);
        Ipv4 publicIp = overwrite != null && !overwrite.isEmpty() ? Ipv4.parse(overwrite) : wanted.publicIp();
        Lease lease = new Lease(podCidr, publicIp, wanted.backendType(), wanted.vtepMac(), null);
        Map<String, String> ann = new LinkedHashMap<>(current);
        ann.put(BACKEND_DATA, backendData(lease, vni));
        ann.put(BACKEND_TYPE, lease.backendType());
        ann.put(KUBE_SUBNET_MANAGER, "true");
        ann.put(PUBLIC_IP, publicIp.toString());
        return new Written(ann, lease);
    }

    /** The annotations a deleted lease leaves: flannel's own gone, an operator's public-ip-overwrite kept. */
    public static Map<String, String> withoutLease(Map<String, String> current) {
        Map<String, String> ann = new LinkedHashMap<>(current);
        ann.keySet().removeIf(k -> k.startsWith(PREFIX) && !k.equals(PUBLIC_IP_OVERWRITE));
        return ann;
    }
}
