package dev.kubepath.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubepath.model.Lease;
import dev.kubepath.model.PublicIpAnnotation;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.util.List;
import java.util.regex.Pattern;

/**
 * leases.txt: flannel's subnet leases in any of the forms an operator collects them. The form is decided by the
 * file's content as a whole, never by its first line:
 * <ul>
 * <li>one JSON document with {@code kvs}: {@code etcdctl get --prefix -w json} ({@link EtcdctlJson});</li>
 * <li>one JSON document of Kubernetes objects, or YAML with {@code apiVersion:}/{@code kind:}/{@code items:}:
 * {@code kubectl get nodes -o json|yaml} with the kube subnet manager's annotations ({@link NodeLeases});</li>
 * <li>lines holding flannel's node annotations ({@code kubectl describe node}, {@code | grep flannel})
 * ({@link NodeLeases#fromLines});</li>
 * <li>anything else is read as etcdctl's text output, v2 or v3 ({@link EtcdctlText}).</li>
 * </ul>
 * A file in which none of these finds a key, a lease value or a node is reported and gives no leases, so the
 * registry stays unknown rather than known and empty.
 */
public final class LeasesText {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final String ANNOTATION = "flannel.alpha.coreos.com/";
    private static final Pattern YAML_TOP = Pattern.compile("^(apiVersion|kind|items|metadata):(\\s.*)?$");

    private LeasesText() {}

    /** The forms leases.txt may take. */
    enum Form { ETCDCTL_JSON, NODES_JSON, NODES_YAML, NODE_ANNOTATIONS, ETCDCTL_TEXT }

    public static Parsed<List<Lease>> parse(String file, String text) {
        Transcript t = Transcript.of(text);
        return switch (form(t)) {
            case ETCDCTL_JSON -> EtcdctlJson.parse(file, text);
            case NODES_JSON -> NodeLeases.fromJson(file, text);
            case NODES_YAML -> NodeLeases.fromYaml(file, text);
            case NODE_ANNOTATIONS -> NodeLeases.fromLines(file, t);
            case ETCDCTL_TEXT -> EtcdctlText.parse(file, t);
        };
    }

    /**
     * The public-ip annotations leases.txt shows without their node's subnet (lines of a {@code | grep public-ip}),
     * which {@link #parse} reports as no lease: what they still tell is which address each node announces.
     */
    public static List<PublicIpAnnotation> unplacedPublicIps(String text) {
        Transcript t = Transcript.of(text);
        return form(t) == Form.NODE_ANNOTATIONS ? NodeLeases.unplacedPublicIps(t) : List.of();
    }

    /** Which form the output lines are in (prompts and comments already dropped by the transcript). */
    static Form form(Transcript t) {
        List<Transcript.Line> lines = t.lines();
        if (lines.isEmpty()) return Form.ETCDCTL_TEXT;
        String first = lines.get(0).text().stripLeading();
        if (first.startsWith("{") || first.startsWith("[")) {
            StringBuilder sb = new StringBuilder();
            for (Transcript.Line l : lines) sb.append(l.text()).append('\n');
            String all = sb.toString();
            try {
                JsonNode root = MAPPER.readTree(all);
                if (root != null && root.has("kvs")) return Form.ETCDCTL_JSON;
                if (root != null && (root.isArray() || root.has("items") || root.has("metadata") || root.has("kind"))) return Form.NODES_JSON;
            } catch (JsonProcessingException e) {
                // several documents (etcdctl's values one per line) or a damaged one: told apart by what it names
                if (all.contains("\"kvs\"")) return Form.ETCDCTL_JSON;
                if (all.contains("\"apiVersion\"") || all.contains("\"metadata\"")) return Form.NODES_JSON;
            }
        }
        for (Transcript.Line l : lines) if (YAML_TOP.matcher(l.text()).matches()) return Form.NODES_YAML;
        for (Transcript.Line l : lines) if (NodeLeases.isAnnotationLine(l.text())) return Form.NODE_ANNOTATIONS;
        return Form.ETCDCTL_TEXT;
    }

    /** {@code /coreos.com/network/subnets/172.17.9.0-24} -> 172.17.9.0/24. */
    public static Prefix subnetOfKey(String key) {
        int slash = key.lastIndexOf('/');
        String last = key.substring(slash + 1);
        int dash = last.lastIndexOf('-');
        if (dash < 0) throw new IllegalArgumentException("key '" + key + "' does not end in a subnet such as 172.17.9.0-24");
        return Addresses.prefix(last.substring(0, dash) + "/" + last.substring(dash + 1));
    }

    /** A lease value: {@code {"PublicIP":"10.0.0.36","BackendType":"vxlan","BackendData":{"VtepMAC":"2a:..."}}}. */
    public static Lease lease(Prefix subnet, String json) {
        JsonNode v = value(json, "lease value of " + subnet);
        String ip = Json.text(v, "PublicIP");
        if (ip == null) throw new IllegalArgumentException("lease of " + subnet + " has no PublicIP");
        String type = Json.text(v, "BackendType");
        String mac = Json.text(v.path("BackendData"), "VtepMAC");
        return new Lease(subnet, Ipv4.parse(ip), type, mac == null ? null : Mac.parse(mac), null);
    }

    /** A lease value as a JSON object; {@code what} names it in the complaint. */
    static JsonNode value(String json, String what) {
        JsonNode v;
        try {
            v = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (v == null || !v.isObject()) throw new IllegalArgumentException(what + " is not a JSON object");
        return v;
    }
}
