package dev.kubepath.flannel;

import dev.kubepath.ingest.FlannelConfigJson;
import dev.kubepath.model.FlannelConfig;

/**
 * flannel's network config as the simulated flanneld takes it: parsed by {@link FlannelConfigJson} (the one parser
 * of the format), a bad config refused with flannel's error text; and rendered back to the JSON flannel reads.
 */
public final class NetworkConfigs {
    private NetworkConfigs() {
    }

    /** Refuses a bad config with flannel's own error text, as flanneld does. */
    public static FlannelConfig parse(String json) {
        try {
            return FlannelConfigJson.netConf(json);
        } catch (IllegalArgumentException e) {
            throw new FlannelConfigException(e.getMessage(), e);
        }
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
}
