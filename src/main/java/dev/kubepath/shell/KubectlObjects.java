package dev.kubepath.shell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Service;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simulated API objects as kubectl's {@code -o json} and {@code -o yaml} print them: built with fabric8's model,
 * turned into a tree by Jackson, printed with kubectl's layout (keys in byte order, as Go marshals the maps kubectl
 * holds; JSON indented by four spaces; YAML with sequences at their key's indent). Only what the simulation knows is
 * in an object: no uid, resourceVersion or timestamps. Checked against kubectl by KubectlGoldenTest.
 */
final class KubectlObjects {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE) // a multi-line value as go-yaml writes it, after "|"
            .disable(YAMLGenerator.Feature.SPLIT_LINES) // go-yaml, as kubectl uses it, does not fold long lines
            .build());

    private KubectlObjects() {}

    static HasMetadata service(Service s) {
        List<io.fabric8.kubernetes.api.model.ServicePort> ports = new ArrayList<>();
        for (Service.Port p : s.ports()) {
            ServicePortBuilder b = new ServicePortBuilder().withName(p.name() == null || p.name().isEmpty() ? null : p.name())
                    .withProtocol(p.protocol().name()).withPort(p.port()).withTargetPort(new IntOrString(p.targetPort()));
            if (p.nodePort() > 0) b.withNodePort(p.nodePort());
            ports.add(b.build());
        }
        return new ServiceBuilder().withNewMetadata().withName(s.name()).withNamespace(s.namespace()).endMetadata()
                .withNewSpec().withClusterIP(s.clusterIp() == null ? "None" : s.clusterIp().toString()).withPorts(ports)
                .withSelector(s.selector().isEmpty() ? null : new TreeMap<>(s.selector())).withType(s.type()).endSpec()
                .withNewStatus().withNewLoadBalancer().endLoadBalancer().endStatus().build();
    }

    static HasMetadata endpoints(Endpoints e) {
        EndpointsBuilder b = new EndpointsBuilder().withNewMetadata().withName(e.name()).withNamespace(e.namespace()).endMetadata();
        if (!e.addresses().isEmpty()) {
            EndpointSubsetBuilder subset = new EndpointSubsetBuilder();
            for (Endpoints.Address a : e.addresses()) {
                EndpointAddressBuilder ab = new EndpointAddressBuilder().withIp(a.ip().toString()).withNodeName(a.node());
                if (a.pod() != null) ab.withNewTargetRef().withKind("Pod").withName(a.pod()).withNamespace(e.namespace()).endTargetRef();
                subset.addToAddresses(ab.build());
            }
            for (Endpoints.Port p : e.ports()) {
                subset.addToPorts(new EndpointPortBuilder().withName(p.name() == null || p.name().isEmpty() ? null : p.name())
                        .withPort(p.port()).withProtocol(p.protocol() == null ? null : p.protocol().name()).build());
            }
            b.withSubsets(subset.build());
        }
        return b.build();
    }

    static HasMetadata pod(Pod p) {
        return new PodBuilder().withNewMetadata().withName(p.name()).withNamespace(p.namespace())
                .withLabels(p.labels().isEmpty() ? null : new TreeMap<>(p.labels())).endMetadata()
                .withNewSpec().withNodeName(p.node()).endSpec()
                .withNewStatus().withPhase(p.phase()).withPodIP(p.ip() == null ? null : p.ip().toString()).endStatus().build();
    }

    static HasMetadata node(Node n) {
        return new NodeBuilder().withNewMetadata().withName(n.name()).endMetadata()
                .withNewSpec().withPodCIDR(n.podCidr() == null ? null : n.podCidr().toString()).endSpec()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress(n.internalIp().toString()).endAddress()
                .addNewCondition().withType("Ready").withStatus(n.ready() ? "True" : "False").endCondition()
                .withNewNodeInfo().withKubeletVersion(n.kubeletVersion()).endNodeInfo().endStatus().build();
    }

    static HasMetadata configMap(KubectlText.ConfigMap c) {
        return new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName(c.name()).withNamespace(c.namespace())
                .endMetadata().withData(c.data()).build();
    }

    /** One object, or a {@code kind: List} of them (as {@code kubectl get KIND -o json} wraps a listing). */
    static String print(List<HasMetadata> objects, boolean single, String format) {
        JsonNode tree;
        if (single) {
            tree = sorted(JSON.valueToTree(objects.get(0)));
        } else {
            ObjectNode list = JsonNodeFactory.instance.objectNode();
            list.put("apiVersion", "v1");
            ArrayNode items = list.putArray("items");
            for (HasMetadata o : objects) items.add(sorted(JSON.valueToTree(o)));
            list.put("kind", "List");
            list.putObject("metadata").put("resourceVersion", "");
            tree = list;
        }
        if (format.equals("json")) {
            StringBuilder sb = new StringBuilder();
            json(tree, 0, sb);
            return sb.append('\n').toString();
        }
        try {
            return singleQuoted(YAML.writeValueAsString(tree));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("YAML of a tree Jackson built itself", e);
        }
    }

    private static final java.util.regex.Pattern DOUBLE_QUOTED = java.util.regex.Pattern.compile("(?m)^( *(?:- )?[^\"\\n]*: )\"((?:[^\"\\\\]|\\\\\")*)\"$");

    /**
     * go-yaml quotes a string that reads as text but cannot be plain (a JSON text opening with '{' or '[', as
     * flannel's net-conf.json) in single quotes, where Jackson uses double ones; strings that would read as a number
     * or a boolean stay double-quoted in both, and so does any with an escape other than \".
     */
    private static String singleQuoted(String yaml) {
        return DOUBLE_QUOTED.matcher(yaml).replaceAll(m -> {
            String text = m.group(2).replace("\\\"", "\"");
            if (text.isEmpty() || "{[&*!|>%@`".indexOf(text.charAt(0)) < 0) return java.util.regex.Matcher.quoteReplacement(m.group());
            return java.util.regex.Matcher.quoteReplacement(m.group(1) + "'" + text.replace("'", "''") + "'");
        });
    }

    /** Keys in byte order at every level, as Go's encoder orders a map's keys. */
    private static JsonNode sorted(JsonNode n) {
        if (n.isObject()) {
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                fields.put(e.getKey(), sorted(e.getValue()));
            }
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            fields.forEach(o::set);
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            n.forEach(x -> a.add(sorted(x)));
            return a;
        }
        return n;
    }

    /** Go's json.MarshalIndent(v, "", "    "): empty objects and arrays as {} and []. */
    private static void json(JsonNode n, int depth, StringBuilder sb) {
        String pad = "    ".repeat(depth + 1), end = "    ".repeat(depth);
        if (n.isObject()) {
            if (n.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append("{\n");
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                sb.append(pad).append(quote(e.getKey())).append(": ");
                json(e.getValue(), depth + 1, sb);
                sb.append(it.hasNext() ? ",\n" : "\n");
            }
            sb.append(end).append('}');
        } else if (n.isArray()) {
            if (n.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append("[\n");
            for (int i = 0; i < n.size(); i++) {
                sb.append(pad);
                json(n.get(i), depth + 1, sb);
                sb.append(i < n.size() - 1 ? ",\n" : "\n");
            }
            sb.append(end).append(']');
        } else if (n.isTextual()) {
            sb.append(quote(n.asText()));
        } else {
            sb.append(n.toString());
        }
    }

    /** Go's string encoding, which also escapes <, > and & for HTML. */
    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                case '<', '>', '&' -> sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
