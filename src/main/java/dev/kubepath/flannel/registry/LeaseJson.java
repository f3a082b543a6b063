package dev.kubepath.flannel.registry;

import dev.kubepath.ingest.LeasesText;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Prefix;

import java.time.Instant;

/**
 * flannel's lease value, byte for byte: {@code {"PublicIP":"10.0.0.36","BackendType":"vxlan","BackendData":{"VtepMAC":"2a:2c:21:3a:58:21"}}}.
 * flannel v3 may add {@code "VNI":1} and {@code "PublicIPv6":null}; we read both forms.
 */
public final class LeaseJson {
    public static final String SUBNETS = "/subnets/";

    private LeaseJson() {
    }

    /** The v2 form, as flannel v0.x wrote it and the seed's etcdctl shows it. */
    public static String render(Lease lease) {
        StringBuilder sb = new StringBuilder(96);
        sb.append("{\"PublicIP\":\"").append(lease.publicIp()).append("\",\"BackendType\":\"").append(lease.backendType())
                .append("\",\"BackendData\":");
        if (lease.vtepMac() != null) sb.append("{\"VtepMAC\":\"").append(lease.vtepMac()).append("\"}");
        else sb.append("null");
        return sb.append('}').toString();
    }

    /** The form recent flannel writes through the v3 API. */
    public static String renderV3(Lease lease, int vni) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("{\"PublicIP\":\"").append(lease.publicIp()).append("\",\"PublicIPv6\":null,\"BackendType\":\"")
                .append(lease.backendType()).append("\",\"BackendData\":");
        if (lease.vtepMac() != null) sb.append("{\"VNI\":").append(vni).append(",\"VtepMAC\":\"").append(lease.vtepMac()).append("\"}");
        else sb.append("null");
        return sb.append('}').toString();
    }

    /** A lease value read by the bundle's lease parser (one parser per format), with the key's expiration. */
    public static Lease parse(Prefix subnet, String value, Instant expiration) {
        try {
            Lease l = LeasesText.lease(subnet, value);
            return new Lease(subnet, l.publicIp(), l.backendType() == null ? "" : l.backendType(), l.vtepMac(), expiration);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("lease value for " + subnet + " is not flannel's lease JSON: " + value, e);
        }
    }

    /** "172.17.9.0-24" -> 172.17.9.0/24, or null for keys that are not subnet leases. */
    public static Prefix subnetOfKey(String key) {
        String tail = key.substring(key.lastIndexOf('/') + 1);
        if (tail.indexOf('-') < 0) return null;
        try {
            return LeasesText.subnetOfKey(key);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
