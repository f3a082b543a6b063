package dev.kubepath.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubepath.model.FlannelConfig;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

/**
 * flannel's {@code <prefix>/config} value, with flannel's defaults applied: SubnetLen 24 for a network of /22 or
 * wider (else network length + 2), SubnetMin the second subnet, SubnetMax the last, Backend type udp, VXLAN VNI 1
 * and port 8472 (the kernel's default, which flannel keeps when Port is 0).
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

    public static FlannelConfig config(JsonNode root) {
        if (!root.isObject()) throw new IllegalArgumentException("flannel config is not a JSON object");
        String net = Json.text(root, "Network");
        if (net == null) throw new IllegalArgumentException("flannel config has no Network");
        Prefix network = Addresses.prefix(net);
        int subnetLen = root.path("SubnetLen").asInt(0);
        if (subnetLen == 0) {
            if (network.length() > 28) throw new IllegalArgumentException("Network " + network + " is smaller than a /28");
            subnetLen = network.length() <= 22 ? 24 : network.length() + 2;
        } else if (subnetLen > 30 || subnetLen < network.length() + 2) {
            throw new IllegalArgumentException("SubnetLen " + subnetLen + " does not fit Network " + network);
        }
        long size = 1L << (32 - subnetLen);
        String min = Json.text(root, "SubnetMin");
        String max = Json.text(root, "SubnetMax");
        Prefix subnetMin = Prefix.of(min != null ? Ipv4.parse(min) : new Ipv4((int) (network.network().unsigned() + size)), subnetLen);
        Prefix subnetMax = Prefix.of(max != null ? Ipv4.parse(max) : new Ipv4((int) (network.broadcast().unsigned() + 1 - size)), subnetLen);
        if (!network.contains(subnetMin.network()) || !network.contains(subnetMax.network())) {
            throw new IllegalArgumentException("SubnetMin/SubnetMax lie outside Network " + network);
        }
        JsonNode backend = root.path("Backend");
        String type = backend.path("Type").asText("udp");
        if (type.isEmpty()) type = "udp";
        int vni = backend.path("VNI").asInt(0);
        int port = backend.path("Port").asInt(0);
        if ("vxlan".equals(type)) {
            if (vni == 0) vni = 1;
            if (port == 0) port = FlannelConfig.VXLAN_PORT;
        }
        return new FlannelConfig(network, subnetLen, subnetMin, subnetMax, type, vni, port,
                backend.path("DirectRouting").asBoolean(false));
    }
}
