package dev.kubepath.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * leases.txt: flannel's subnet leases in any of the forms an operator collects them.
 * <ul>
 * <li>an etcd v2 transcript: {@code etcdctl ls <prefix>/subnets} then {@code etcdctl get KEY} each followed by
 * its JSON value;</li>
 * <li>{@code etcdctl get --prefix <prefix>/subnets} (v3): KEY and VALUE lines in pairs;</li>
 * <li>{@code kubectl get nodes -o json}, when flannel uses the kube subnet manager: spec.podCIDR with the
 * {@code flannel.alpha.coreos.com/public-ip}, {@code backend-type} and {@code backend-data} annotations.</li>
 * </ul>
 * A key that {@code ls} lists but whose value the file does not show is reported: its owner is unknown.
 */
public final class LeasesText {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final String ANNOTATION = "flannel.alpha.coreos.com/";

    private LeasesText() {}

    public static Parsed<List<Lease>> parse(String file, String text) {
        if (Json.looksLikeJson(text)) return fromNodes(file, text);
        Problems problems = new Problems(file);
        Map<Prefix, Lease> leases = new LinkedHashMap<>();
        Map<Prefix, Integer> listed = new LinkedHashMap<>();
        java.util.Set<Prefix> shown = new java.util.HashSet<>();
        for (Transcript.Section s : Transcript.of(text).sections()) {
            String pendingKey = getKey(s.command());
            int pendingLine = s.promptLine();
            for (Transcript.Line l : s.lines()) {
                String line = l.text().trim();
                if (Transcript.isComment(line)) continue;
                try {
                    if (line.startsWith("/")) {
                        if (pendingKey != null && !pendingKey.equals(line)) listed.putIfAbsent(subnetOfKey(pendingKey), pendingLine);
                        pendingKey = line;
                        pendingLine = l.number();
                        if (!line.contains("/subnets/")) throw new IllegalArgumentException("key '" + line + "' is not under <prefix>/subnets/");
                        listed.putIfAbsent(subnetOfKey(line), l.number());
                    } else if (line.startsWith("{")) {
                        if (pendingKey == null) throw new IllegalArgumentException("lease value without a key before it");
                        Prefix subnet = subnetOfKey(pendingKey);
                        pendingKey = null;
                        shown.add(subnet); // a damaged value is reported once, not also as "not shown"
                        leases.put(subnet, lease(subnet, line));
                    } else {
                        throw new IllegalArgumentException("expected a subnet key or its JSON value, got '" + line + "'");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(l.number(), e);
                    pendingKey = null;
                }
            }
        }
        listed.forEach((subnet, line) -> {
            if (!shown.contains(subnet)) {
                problems.add(line, "subnet " + subnet + " is listed but its lease value is not shown; its owner is unknown");
            }
        });
        return problems.result(new ArrayList<>(leases.values()));
    }

    private static String getKey(String command) {
        if (command == null) return null;
        String[] t = Tokens.split(command);
        if (t.length == 3 && t[0].endsWith("etcdctl") && t[1].equals("get") && t[2].startsWith("/")) return t[2];
        return null;
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
        JsonNode v;
        try {
            v = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("lease value of " + subnet + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (v == null || !v.isObject()) throw new IllegalArgumentException("lease value of " + subnet + " is not a JSON object");
        String ip = Json.text(v, "PublicIP");
        if (ip == null) throw new IllegalArgumentException("lease of " + subnet + " has no PublicIP");
        String type = Json.text(v, "BackendType");
        String mac = Json.text(v.path("BackendData"), "VtepMAC");
        return new Lease(subnet, Ipv4.parse(ip), type, mac == null ? null : Mac.parse(mac), null);
    }

    private static Parsed<List<Lease>> fromNodes(String file, String text) {
        Problems problems = new Problems(file);
        List<Lease> out = new ArrayList<>();
        JsonNode root = Json.read(problems, text);
        if (root == null) return problems.result(out);
        int line = IpRouteJson.firstLine(text);
        for (JsonNode n : KubectlJson.items(root)) {
            String name = n.path("metadata").path("name").asText("?");
            JsonNode ann = n.path("metadata").path("annotations");
            String ip = Json.text(ann, ANNOTATION + "public-ip");
            if (ip == null) continue; // a node flannel has not registered (yet)
            try {
                String cidr = Json.text(n.path("spec"), "podCIDR");
                if (cidr == null) throw new IllegalArgumentException("node " + name + " has flannel annotations but no spec.podCIDR");
                String data = Json.text(ann, ANNOTATION + "backend-data");
                Mac mac = null;
                if (data != null && !data.isEmpty() && !data.equals("null")) {
                    mac = lease(Addresses.prefix(cidr), "{\"PublicIP\":\"" + ip + "\",\"BackendData\":" + data + "}").vtepMac();
                }
                out.add(new Lease(Addresses.prefix(cidr), Ipv4.parse(ip), Json.text(ann, ANNOTATION + "backend-type"), mac, null));
            } catch (IllegalArgumentException e) {
                problems.add(line, "node " + name + ": " + e.getMessage());
            }
        }
        return problems.result(out);
    }
}
