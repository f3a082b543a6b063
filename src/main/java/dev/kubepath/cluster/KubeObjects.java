package dev.kubepath.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubepath.flannel.kube.KubeNodes;
import dev.kubepath.model.Node;

import java.util.Optional;

/**
 * The API server's answers that flannel's Kubernetes subnet manager depends on, as kubectl prints them:
 * {@code kubectl get nodes -o json} (spec.podCIDR and the flannel annotations) and
 * {@code kubectl -n kube-flannel get cm kube-flannel-cfg -o json} (net-conf.json).
 */
public final class KubeObjects {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String FLANNEL_NAMESPACE = "kube-flannel";
    public static final String FLANNEL_CONFIGMAP = "kube-flannel-cfg";

    private KubeObjects() {}

    /** {@code kubectl get nodes -o json}: the API server's nodes, with annotations and podCIDR from {@code kube} when given. */
    public static String nodesJson(ApiServer api, KubeNodes kube) {
        return pretty(nodeList(api, kube, ""));
    }

    /** The node list as the API server answers {@code GET /api/v1/nodes}, at {@code resourceVersion}. */
    static ObjectNode nodeList(ApiServer api, KubeNodes kube, String resourceVersion) {
        ObjectNode list = JSON.createObjectNode();
        list.put("apiVersion", "v1");
        ArrayNode items = list.putArray("items");
        for (Node n : api.nodes()) items.add(node(n, kube));
        list.put("kind", "List");
        list.putObject("metadata").put("resourceVersion", resourceVersion);
        return list;
    }

    /** One Node object: kubectl's field order; annotations and podCIDR from {@code kube} when it knows the node. */
    static ObjectNode node(Node n, KubeNodes kube) {
        ObjectNode item = JSON.createObjectNode();
        item.put("apiVersion", "v1");
        item.put("kind", "Node");
        ObjectNode md = item.putObject("metadata");
        Optional<KubeNodes.NodeObject> k = kube == null ? Optional.empty() : kube.node(n.name());
        ObjectNode ann = md.putObject("annotations");
        k.ifPresent(o -> o.annotations().forEach(ann::put));
        md.put("name", n.name());
        ObjectNode spec = item.putObject("spec");
        var cidr = k.map(KubeNodes.NodeObject::podCidr).orElse(n.podCidr());
        if (cidr != null) {
            spec.put("podCIDR", cidr.toString());
            spec.putArray("podCIDRs").add(cidr.toString());
        }
        ObjectNode status = item.putObject("status");
        ArrayNode addresses = status.putArray("addresses");
        if (n.internalIp() != null) addresses.addObject().put("address", n.internalIp().toString()).put("type", "InternalIP");
        addresses.addObject().put("address", n.name()).put("type", "Hostname");
        status.putArray("conditions").addObject().put("status", n.ready() ? "True" : "False").put("type", "Ready");
        status.putObject("nodeInfo").put("kubeletVersion", n.kubeletVersion());
        return item;
    }

    /** The kube-flannel-cfg ConfigMap, holding net-conf.json and the CNI config the kube-flannel DaemonSet installs. */
    public static String flannelConfigMapJson(String netConf, String cniConf) {
        return pretty(flannelConfigMap(netConf, cniConf));
    }

    static ObjectNode flannelConfigMap(String netConf, String cniConf) {
        ObjectNode cm = JSON.createObjectNode();
        cm.put("apiVersion", "v1");
        ObjectNode data = cm.putObject("data");
        data.put("cni-conf.json", cniConf);
        data.put("net-conf.json", netConf);
        cm.put("kind", "ConfigMap");
        ObjectNode md = cm.putObject("metadata");
        md.put("name", FLANNEL_CONFIGMAP);
        md.put("namespace", FLANNEL_NAMESPACE);
        return cm;
    }

    private static String pretty(ObjectNode n) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
