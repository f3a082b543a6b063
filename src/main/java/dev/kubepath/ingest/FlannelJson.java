package dev.kubepath.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubepath.model.FlannelConfig;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;


/**
 * flannel's two JSON documents as etcdctl prints them: the network config and a lease value.
 * Both are wire formats, so these are written and read byte-compatible with flannel.
 */
public final class FlannelJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FlannelJson() {}

    /** {@code {"Network":"172.17.0.0/16","SubnetLen":24,"Backend":{"Type":"vxlan"}}} with flannel's defaults. */
    public static FlannelConfig config(String json) {
        JsonNode n = tree(json, "a flannel network config");
        if (!n.hasNonNull("Network")) throw new IllegalArgumentException("flannel config has no \"Network\"");
        Prefix network = Prefix.parse(n.get("Network").asText());
        int subnetLen = n.hasNonNull("SubnetLen") ? n.get("SubnetLen").asInt() : network.length() <= 22 ? 24 : network.length() + 2;
        if (subnetLen <= network.length() || subnetLen > 30) {
            throw new IllegalArgumentException("SubnetLen " + subnetLen + " does not fit inside Network " + network);
        }
        Prefix min = n.hasNonNull("SubnetMin") ? Prefix.of(Ipv4.parse(n.get("SubnetMin").asText()), subnetLen)
                : Prefix.of(network.network().plus(1 << (32 - subnetLen)), subnetLen);
        Prefix max = n.hasNonNull("SubnetMax") ? Prefix.of(Ipv4.parse(n.get("SubnetMax").asText()), subnetLen)
                : Prefix.of(new Ipv4(network.broadcast().bits() - ((1 << (32 - subnetLen)) - 1)), subnetLen);
        JsonNode backend = n.path("Backend");
        String type = backend.path("Type").asText("udp");
        int vni = backend.path("VNI").asInt(1);
        int port = backend.path("Port").asInt(FlannelConfig.VXLAN_PORT);
        boolean direct = backend.path("DirectRouting").asBoolean(false);
        return new FlannelConfig(network, subnetLen, min, max, type, vni, port, direct);
    }

    /** A lease from its etcd key ({@code .../subnets/172.17.9.0-24}) and value ({@code {"PublicIP":...}}). */
    public static Lease lease(String key, String value) {
        String last = key.substring(key.lastIndexOf('/') + 1);
        Prefix subnet = Prefix.parse(last);
        JsonNode n = tree(value, "a flannel lease value");
        if (!n.hasNonNull("PublicIP")) throw new IllegalArgumentException("lease " + last + " has no \"PublicIP\"");
        Ipv4 ip = Ipv4.parse(n.get("PublicIP").asText());
        String type = n.path("BackendType").asText("");
        JsonNode mac = n.path("BackendData").path("VtepMAC");
        return new Lease(subnet, ip, type, mac.isTextual() ? Mac.parse(mac.asText()) : null, null);
    }

    /** The lease value exactly as flannel's v2 registry writes it. */
    public static String leaseValue(Lease l) {
        String data = l.vtepMac() == null ? "null" : "{\"VtepMAC\":\"" + l.vtepMac() + "\"}";
        return "{\"PublicIP\":\"" + l.publicIp() + "\",\"BackendType\":\"" + l.backendType() + "\",\"BackendData\":" + data + "}";
    }

    private static JsonNode tree(String json, String what) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) throw new IllegalArgumentException("expected " + what + " as a JSON object");
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON for " + what + ": " + e.getOriginalMessage());
        }
    }
}
