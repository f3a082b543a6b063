package dev.kubepath.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.kubepath.model.Lease;
import dev.kubepath.model.PublicIpAnnotation;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Leases of flannel's Kubernetes subnet manager: a node's {@code spec.podCIDR} (or the IPv4 entry of
 * {@code spec.podCIDRs}) with the annotations flanneld writes on it, under the prefix
 * {@code flannel.alpha.coreos.com/} (flannel's {@code --kube-annotation-prefix}; another {@code fqdn/} prefix is read
 * the same way): {@code public-ip}, {@code backend-type}, {@code backend-data} (JSON holding the VtepMAC, or
 * {@code null} for host-gw), {@code kube-subnet-manager: "true"}, and {@code public-ip-overwrite} when an operator set
 * one. flanneld copies public-ip-overwrite into public-ip when it starts, and its peers read public-ip; so the lease's
 * PublicIP is public-ip, and an overwrite that differs from it is reported (not yet applied).
 * <p>
 * Read from {@code kubectl get nodes -o json}, {@code -o yaml}, and from lines holding the annotations as
 * {@code kubectl describe node} ({@code key: value}, or {@code key=value} before kubectl 1.11), a {@code | grep
 * flannel} of any of these, or JSON lines ({@code "key": "value",}) print them. In that line form a node starts at
 * describe's {@code Name:} line or when an annotation repeats; its subnet comes from a {@code PodCIDR:},
 * {@code PodCIDRs:} or {@code podCIDR:} line. Annotations without a subnet are reported (the lease cannot be placed);
 * their public-ip is still kept ({@link #unplacedPublicIps}): several nodes announcing one address is a fault.
 * The other lines of a node description are not lease data and are passed over.
 */
final class NodeLeases {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final List<String> NAMES = List.of("public-ip-overwrite", "public-ipv6-overwrite", "node-public-ipv6",
            "node-public-ip", "public-ipv6", "public-ip", "backend-v6-data", "backend-data", "backend-type", "kube-subnet-manager");
    private static final Pattern ANNOTATION = Pattern.compile(
            "^\\s*(?:Annotations:\\s+)?\"?([a-z0-9][a-z0-9.-]*\\.[a-z0-9-]+/)(" + String.join("|", NAMES) + ")\"?\\s*[:=]\\s*(.*)$");
    private static final Pattern NAME = Pattern.compile("^Name:\\s+(\\S+)\\s*$");
    private static final Pattern POD_CIDR = Pattern.compile("^\\s*\"?(?:PodCIDRs?|podCIDRs?)\"?\\s*:\\s*(.*)$");
    private static final Pattern LIST_ITEM = Pattern.compile("^\\s*-\\s+\"?([0-9a-fA-F.:]+/[0-9]+)\"?\\s*$");

    private NodeLeases() {}

    static boolean isAnnotationLine(String line) {
        return ANNOTATION.matcher(line).matches();
    }

    static Parsed<List<Lease>> fromJson(String file, String text) {
        Problems problems = new Problems(file);
        JsonNode root = Json.read(problems, text);
        return fromTree(problems, root, IpRouteJson.firstLine(text));
    }

    static Parsed<List<Lease>> fromYaml(String file, String text) {
        Problems problems = new Problems(file);
        List<Transcript.Line> lines = Transcript.of(text).lines();
        int first = lines.isEmpty() ? 1 : lines.get(0).number();
        StringBuilder sb = new StringBuilder();
        for (Transcript.Line l : lines) {
            while (sb.chars().filter(c -> c == '\n').count() < l.number() - first) sb.append('\n');
            sb.append(l.text()).append('\n');
        }
        JsonNode root = null;
        try {
            root = YAML.readTree(sb.toString());
        } catch (JsonProcessingException e) {
            int line = e.getLocation() != null ? first + e.getLocation().getLineNr() - 1 : first;
            problems.add(line, "invalid YAML: " + e.getOriginalMessage());
        }
        return fromTree(problems, root, first);
    }

    private static Parsed<List<Lease>> fromTree(Problems problems, JsonNode root, int line) {
        List<Lease> out = new ArrayList<>();
        if (root == null) return problems.result(out);
        for (JsonNode n : KubectlJson.items(root)) {
            String kind = n.path("kind").asText("Node");
            String name = n.path("metadata").path("name").asText("?");
            if (!kind.equals("Node")) {
                problems.add(line, kind + " " + name + " is not a Node: no lease");
                continue;
            }
            Map<String, String> ann = new LinkedHashMap<>();
            n.path("metadata").path("annotations").properties().forEach(e -> ann.put(e.getKey(), e.getValue().asText()));
            List<String> cidrs = new ArrayList<>();
            n.path("spec").path("podCIDRs").forEach(c -> cidrs.add(c.asText()));
            if (cidrs.isEmpty() && Json.text(n.path("spec"), "podCIDR") != null) cidrs.add(Json.text(n.path("spec"), "podCIDR"));
            lease("node " + name, ann, cidrs, problems, line, out);
        }
        return problems.result(out);
    }

    /** One node's annotations as the lines of a description or a grep show them. */
    private static final class Group {
        String name;
        int line;
        final Map<String, String> annotations = new LinkedHashMap<>();
        final List<String> cidrs = new ArrayList<>();
        boolean listingCidrs;
        String publicIpKey; // the public-ip annotation's key, its line and the line as printed
        int publicIpLine;
        String publicIpText;

        boolean empty() {
            return annotations.isEmpty() && cidrs.isEmpty();
        }
    }

    static Parsed<List<Lease>> fromLines(String file, Transcript transcript) {
        Problems problems = new Problems(file);
        List<Lease> out = new ArrayList<>();
        int n = 0;
        for (Group x : groups(transcript)) {
            n++;
            lease(x.name != null ? "node " + x.name : "node #" + n + " (line " + x.line + ")", x.annotations, x.cidrs, problems, x.line, out);
        }
        return problems.result(out);
    }

    /**
     * The public-ip annotations of the nodes whose lines show no subnet: {@link #fromLines} reports each (no lease can
     * be placed) and this keeps what they still tell, the address each node announces. A node is told from the next
     * as {@link #fromLines} tells it (describe's {@code Name:}, or the same annotation again).
     */
    static List<PublicIpAnnotation> unplacedPublicIps(Transcript transcript) {
        List<PublicIpAnnotation> out = new ArrayList<>();
        for (Group x : groups(transcript)) {
            if (!x.cidrs.isEmpty() || x.publicIpLine == 0) continue;
            String ip = first(x.annotations.get(x.publicIpKey));
            if (ip == null) continue;
            try {
                out.add(new PublicIpAnnotation(x.name, Ipv4.parse(ip), x.publicIpLine, x.publicIpText));
            } catch (IllegalArgumentException e) {
                // not an address: fromLines reports it
            }
        }
        return out;
    }

    private static List<Group> groups(Transcript transcript) {
        List<Group> groups = new ArrayList<>();
        Group g = new Group();
        for (Transcript.Line l : transcript.lines()) {
            String text = l.text();
            Matcher m;
            if ((m = NAME.matcher(text)).matches()) {
                if (!g.empty() || g.name != null) groups.add(g);
                g = new Group();
                g.name = m.group(1);
                g.line = l.number();
            } else if ((m = ANNOTATION.matcher(text)).matches()) {
                String key = m.group(1) + m.group(2);
                if (g.annotations.containsKey(key)) { // the same annotation again: the next node's
                    groups.add(g);
                    g = new Group();
                }
                if (g.line == 0) g.line = l.number();
                g.annotations.put(key, unquote(m.group(3)));
                if (m.group(2).equals("public-ip") && (g.publicIpKey == null || key.equals(LeasesText.ANNOTATION + "public-ip"))) {
                    g.publicIpKey = key;
                    g.publicIpLine = l.number();
                    g.publicIpText = text.strip();
                }
                g.listingCidrs = false;
            } else if ((m = POD_CIDR.matcher(text)).matches()) {
                String v = unquote(m.group(1));
                if (!g.cidrs.isEmpty()) {
                    if (text.trim().startsWith("PodCIDRs")) continue; // describe prints PodCIDR then PodCIDRs, the same subnets
                    groups.add(g);
                    g = new Group();
                }
                if (g.line == 0) g.line = l.number();
                for (String c : v.split(",")) if (!c.isBlank()) g.cidrs.add(c.trim());
                g.listingCidrs = v.isEmpty(); // YAML podCIDRs: with its entries on the next lines
            } else if (g.listingCidrs && (m = LIST_ITEM.matcher(text)).matches()) {
                g.cidrs.add(m.group(1));
            } else {
                g.listingCidrs = false;
            }
        }
        if (!g.empty() || g.name != null) groups.add(g);
        return groups;
    }

    /** A value as kubectl printed it: JSON or YAML quoting removed, a trailing JSON comma dropped. */
    static String unquote(String v) {
        String s = v.strip();
        if (s.endsWith(",")) s = s.substring(0, s.length() - 1).strip();
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            try {
                return LeasesText.MAPPER.readTree(s).asText();
            } catch (JsonProcessingException e) {
                return s.substring(1, s.length() - 1);
            }
        }
        if (s.length() >= 2 && s.startsWith("'") && s.endsWith("'")) return s.substring(1, s.length() - 1).replace("''", "'");
        return s;
    }

    /** The lease one node's annotations and pod CIDRs give, or a problem saying what is missing. */
    private static void lease(String who, Map<String, String> ann, List<String> cidrs, Problems problems, int line, List<Lease> out) {
        String prefix = null;
        for (String k : ann.keySet()) {
            if (NAMES.contains(k.substring(k.lastIndexOf('/') + 1))) {
                String p = k.substring(0, k.lastIndexOf('/') + 1);
                if (prefix == null || p.equals(LeasesText.ANNOTATION)) prefix = p;
            }
        }
        if (prefix == null && cidrs.isEmpty()) return;
        if (prefix == null) return; // a node flannel has not registered (yet): its podCIDR alone is no lease
        try {
            String ip = first(ann.get(prefix + "public-ip"));
            if (ip == null) throw new IllegalArgumentException("has flannel's annotations but no " + prefix + "public-ip: no lease");
            Ipv4 publicIp = Ipv4.parse(ip);
            Prefix subnet = null;
            for (String c : cidrs) if (c.indexOf(':') < 0) subnet = Addresses.prefix(c);
            if (subnet == null) throw new IllegalArgumentException("has " + prefix + "public-ip " + ip + " but no IPv4 spec.podCIDR is shown: its subnet is unknown");
            String data = ann.get(prefix + "backend-data");
            Mac mac = null;
            if (data != null && !data.isBlank() && !data.strip().equals("null")) {
                JsonNode bd; // any JSON: an object with the VtepMAC for vxlan, other backends keep their own data
                try {
                    bd = LeasesText.MAPPER.readTree(firstJson(data));
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(prefix + "backend-data is not valid JSON: " + e.getOriginalMessage());
                }
                String mv = bd != null && bd.isObject() ? Json.text(bd, "VtepMAC") : null;
                if (mv != null) mac = Mac.parse(mv);
            }
            out.add(new Lease(subnet, publicIp, first(ann.get(prefix + "backend-type")), mac, null));
            String overwrite = first(ann.get(prefix + "public-ip-overwrite"));
            if (overwrite != null && !overwrite.equals(ip)) {
                problems.add(line, who + ": " + prefix + "public-ip-overwrite " + overwrite + " differs from public-ip " + ip
                        + ": flanneld on it has not applied the overwrite (it does when it starts); its peers use " + ip);
            }
        } catch (IllegalArgumentException e) {
            problems.add(line, who + ": " + e.getMessage());
        }
    }

    /** An annotation value's first word: describe lines may carry a note after it ({@code 10.0.0.5 <=====}). */
    private static String first(String v) {
        if (v == null || v.isBlank()) return null;
        return Tokens.split(v)[0];
    }

    /** backend-data's JSON object, without what follows its closing brace. */
    private static String firstJson(String v) {
        String s = v.strip();
        int close = s.lastIndexOf('}');
        return s.startsWith("{") && close > 0 ? s.substring(0, close + 1) : s;
    }
}
