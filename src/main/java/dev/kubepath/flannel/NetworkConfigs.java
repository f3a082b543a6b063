package dev.kubepath.flannel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubepath.model.FlannelConfig;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

/**
 * Reads flannel's network config JSON into a {@link FlannelConfig} applying flannel's defaults and checks
 * (pkg/subnet/config.go): SubnetLen 24 for networks of /22 or shorter, else prefix+2; SubnetMin the second subnet,
 * SubnetMax the last; vxlan VNI 1 and port 8472. Error texts are flannel's, so operators recognise them.
 */
public final class NetworkConfigs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NetworkConfigs() {
    }

    public static FlannelConfig parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new FlannelConfigException("error decoding network config: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) throw new FlannelConfigException("error decoding network config: expected a JSON object");
        String network = text(root, "Network");
        if (network == null || network.isEmpty()) {
            throw new FlannelConfigException("please define a correct Network parameter in the flannel config");
        }
        Prefix net;
        try {
            net = Prefix.parse(network);
            if (!network.contains("/")) throw new IllegalArgumentException("missing /len");
        } catch (IllegalArgumentException e) {
            throw new FlannelConfigException("invalid CIDR address: " + network, e);
        }
        int subnetLen = root.path("SubnetLen").asInt(0);
        if (subnetLen > 0) {
            // room for a tunnel and a bridge address on each host
            if (subnetLen > 30) throw new FlannelConfigException("SubnetLen must be less than /31");
            // the first subnet is not used, so the network must hold more than two
            if (subnetLen < net.length() + 2) throw new FlannelConfigException("Network must be able to accommodate at least four subnets");
        } else if (net.length() > 28) {
            throw new FlannelConfigException("Network is too small. Minimum useful network prefix is /28");
        } else if (net.length() <= 22) {
            subnetLen = 24;
        } else {
            subnetLen = net.length() + 2;
        }
        int subnetSize = 1 << (32 - subnetLen);
        Ipv4 min = address(root, "SubnetMin");
        if (min == null) {
            min = net.network().plus(subnetSize);
        } else if (!net.contains(min)) {
            throw new FlannelConfigException("SubnetMin is not in the range of the Network");
        }
        Ipv4 max = address(root, "SubnetMax");
        if (max == null) {
            max = new Ipv4(net.broadcast().bits() + 1 - subnetSize);
        } else if (!net.contains(max)) {
            throw new FlannelConfigException("SubnetMax is not in the range of the Network");
        }
        int mask = Prefix.mask(subnetLen);
        if ((min.bits() & mask) != min.bits()) throw new FlannelConfigException("SubnetMin is not on a SubnetLen boundary: " + min);
        if ((max.bits() & mask) != max.bits()) throw new FlannelConfigException("SubnetMax is not on a SubnetLen boundary: " + max);

        JsonNode backend = root.get("Backend");
        String type = "udp"; // flannel's default when no Backend is given
        int vni = 1;
        int port = FlannelConfig.VXLAN_PORT;
        boolean directRouting = false;
        if (backend != null && !backend.isNull()) {
            if (!backend.isObject()) throw new FlannelConfigException("error decoding Backend property of config: expected an object");
            type = backend.path("Type").asText("");
            if (backend.has("VNI")) vni = checkedInt(backend.get("VNI"), "VNI");
            if (backend.has("Port")) port = checkedInt(backend.get("Port"), "Port");
            if (port == 0) port = FlannelConfig.VXLAN_PORT; // 0 means the kernel default, which flannel documents as 8472
            if (vni == 0) vni = 1;
            if (vni < 0 || vni > 0xFFFFFF) throw new FlannelConfigException("VNI " + vni + " is out of range 1..16777215");
            if (port < 0 || port > 65535) throw new FlannelConfigException("Port " + port + " is out of range 1..65535");
            directRouting = backend.path("DirectRouting").asBoolean(false);
        }
        return new FlannelConfig(net, subnetLen, Prefix.of(min, subnetLen), Prefix.of(max, subnetLen), type, vni, port,
                directRouting);
    }

    /** The JSON flannel reads, with only the fields that differ from the defaults left out where flannel does. */
    public static String render(FlannelConfig c) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"Network\":\"").append(c.network()).append("\",\"SubnetLen\":").append(c.subnetLen())
                .append(",\"SubnetMin\":\"").append(c.subnetMin().network()).append("\",\"SubnetMax\":\"")
                .append(c.subnetMax().network()).append("\",\"Backend\":{\"Type\":\"").append(c.backendType()).append('"');
        if ("vxlan".equals(c.backendType())) {
            sb.append(",\"VNI\":").append(c.vni()).append(",\"Port\":").append(c.port());
            if (c.directRouting()) sb.append(",\"DirectRouting\":true");
        }
        return sb.append("}}").toString();
    }

    private static int checkedInt(JsonNode n, String field) {
        if (!n.isIntegralNumber()) throw new FlannelConfigException("error decoding Backend property of config: " + field + " must be a number, got " + n);
        return n.asInt();
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw new FlannelConfigException("error decoding network config: " + field + " must be a string, got " + n);
        return n.asText();
    }

    private static Ipv4 address(JsonNode root, String field) {
        String t = text(root, field);
        if (t == null || t.isEmpty()) return null;
        try {
            return Ipv4.parse(t);
        } catch (IllegalArgumentException e) {
            throw new FlannelConfigException("error decoding network config: " + field + " '" + t + "' is not an IPv4 address", e);
        }
    }
}
