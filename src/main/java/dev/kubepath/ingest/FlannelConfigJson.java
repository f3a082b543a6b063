package dev.kubepath.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubepath.model.FlannelConfig;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

/**
 * flannel's network config (net-conf.json, or etcd's {@code <prefix>/config}), the one parser for it: flannel's
 * checks and defaults (pkg/subnet/config.go): SubnetLen 24 for a network of /22 or wider (else network length + 2),
 * SubnetMin the second subnet, SubnetMax the last, Backend type udp when there is no Backend; for vxlan VNI 1 and
 * port 8472 (the kernel's default, which flannel keeps when Port is 0). Error texts are flannel's, so operators
 * recognise them.
 */
public final class FlannelConfigJson {
    private FlannelConfigJson() {}

    public static Parsed<FlannelConfig> parse(String file, String text) {
        Problems problems = new Problems(file);
        JsonNode root = Json.read(problems, text);
        int line = IpRouteJson.firstLine(text);
        if (root == null) return problems.result(null);
        try {
            return problems.result(config(root));
        } catch (IllegalArgumentException e) {
            problems.add(line, e);
            return problems.result(null);
        }
    }

    /**
     * {@code kubectl -n kube-flannel get cm kube-flannel-cfg -o json}: the network config is the ConfigMap's
     * {@code data["net-conf.json"]}, which flanneld with --kube-subnet-mgr reads from /etc/kube-flannel/net-conf.json.
     */
    public static Parsed<FlannelConfig> fromConfigMap(String file, String text) {
        Problems problems = new Problems(file);
        JsonNode root = Json.read(problems, text);
        int line = IpRouteJson.firstLine(text);
        if (root == null) return problems.result(null);
        String netConf = Json.text(root.path("data"), "net-conf.json");
        if (netConf == null) {
            problems.add(line, "ConfigMap " + root.path("metadata").path("name").asText("?") + " has no data.net-conf.json");
            return problems.result(null);
        }
        try {
            return problems.result(config(LeasesText.MAPPER.readTree(netConf)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            problems.add(line, "data.net-conf.json is not JSON: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            problems.add(line, e);
        }
        return problems.result(null);
    }

    /**
     * The net-conf.json text, checked as flanneld checks it. Throws IllegalArgumentException with flannel's own
     * error text; the bundle reader turns that into a problem at file:line, the simulator refuses the config with it.
     */
    public static FlannelConfig netConf(String json) {
        JsonNode root;
        try {
            root = LeasesText.MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("error decoding network config: " + e.getOriginalMessage(), e);
        }
        return config(root);
    }

    /** pkg/subnet/config.go ParseConfig and CheckNetworkConfig, IPv4 part; the error texts are flannel's. */
    public static FlannelConfig config(JsonNode root) {
        if (root == null || !root.isObject()) throw new IllegalArgumentException("error decoding network config: expected a JSON object");
        Prefix net = network(root);
        int subnetLen = subnetLen(root, net);
        int subnetSize = 1 << (32 - subnetLen);
        Ipv4 min = address(root, "SubnetMin");
        if (min == null) {
            min = net.network().plus(subnetSize); // flannel skips the first subnet: its address is the network's
        } else if (!net.contains(min)) {
            throw new IllegalArgumentException("SubnetMin is not in the range of the Network");
        }
        Ipv4 max = address(root, "SubnetMax");
        if (max == null) {
            max = new Ipv4(net.broadcast().bits() + 1 - subnetSize);
        } else if (!net.contains(max)) {
            throw new IllegalArgumentException("SubnetMax is not in the range of the Network");
        }
        int mask = Prefix.mask(subnetLen);
        if ((min.bits() & mask) != min.bits()) throw new IllegalArgumentException("SubnetMin is not on a SubnetLen boundary: " + min);
        if ((max.bits() & mask) != max.bits()) throw new IllegalArgumentException("SubnetMax is not on a SubnetLen boundary: " + max);
        return backend(root.get("Backend"), net, subnetLen, Prefix.of(min, subnetLen), Prefix.of(max, subnetLen));
    }

    private static Prefix network(JsonNode root) {
        String network = text(root, "Network");
        if (network == null || network.isEmpty()) {
            throw new IllegalArgumentException("please define a correct Network parameter in the flannel config");
        }
        try {
            if (!network.contains("/")) throw new IllegalArgumentException("missing /len");
            return Prefix.parse(network);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid CIDR address: " + network, e);
        }
    }

    private static int subnetLen(JsonNode root, Prefix net) {
        int subnetLen = root.path("SubnetLen").asInt(0);
        if (subnetLen > 0) {
            // room for a tunnel and a bridge address on each host
            if (subnetLen > 30) throw new IllegalArgumentException("SubnetLen must be less than /31");
            // the first subnet is not used, so the network must hold more than two
            if (subnetLen < net.length() + 2) throw new IllegalArgumentException("Network must be able to accommodate at least four subnets");
            return subnetLen;
        }
        if (net.length() > 28) throw new IllegalArgumentException("Network is too small. Minimum useful network prefix is /28");
        return net.length() <= 22 ? 24 : net.length() + 2;
    }

    /**
     * No Backend means udp (parseBackendType). The VNI and port defaults are the vxlan backend's (backend/vxlan:
     * VNI 1 when absent; Port 0 leaves the kernel's default, 8472); other backends keep what the config says.
     */
    private static FlannelConfig backend(JsonNode backend, Prefix net, int subnetLen, Prefix min, Prefix max) {
        if (backend == null || backend.isNull()) return new FlannelConfig(net, subnetLen, min, max, "udp", 0, 0, false);
        if (!backend.isObject()) throw new IllegalArgumentException("error decoding Backend property of config: expected an object");
        String type = backend.path("Type").asText("");
        boolean vxlan = "vxlan".equals(type);
        int vni = backend.has("VNI") ? checkedInt(backend.get("VNI"), "VNI") : vxlan ? 1 : 0;
        int port = backend.has("Port") ? checkedInt(backend.get("Port"), "Port") : 0;
        if (vxlan && port == 0) port = FlannelConfig.VXLAN_PORT;
        if (vni < 0 || vni > 0xFFFFFF) throw new IllegalArgumentException("VNI " + vni + " is out of range 1..16777215");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("Port " + port + " is out of range 1..65535");
        return new FlannelConfig(net, subnetLen, min, max, type, vni, port, backend.path("DirectRouting").asBoolean(false));
    }

    private static int checkedInt(JsonNode n, String field) {
        if (!n.isIntegralNumber()) throw new IllegalArgumentException("error decoding Backend property of config: " + field + " must be a number, got " + n);
        return n.asInt();
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw new IllegalArgumentException("error decoding network config: " + field + " must be a string, got " + n);
        return n.asText();
    }

    private static Ipv4 address(JsonNode root, String field) {
        String t = text(root, field);
        if (t == null || t.isEmpty()) return null;
        try {
            return Ipv4.parse(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("error decoding network config: " + field + " '" + t + "' is not an IPv4 address", e);
        }
    }
}
