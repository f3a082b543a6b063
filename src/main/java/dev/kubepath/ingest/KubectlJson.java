package dev.kubepath.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Service;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code kubectl get nodes|pods|svc|endpoints -o json}: a List (or a single object, or one watch event carrying it)
 * read as a plain JSON tree.
 * One item that cannot be read is reported (naming it) and left out; the others are kept.
 */
public final class KubectlJson {
    private KubectlJson() {}

    public static Parsed<List<Node>> nodes(String file, String text) {
        return read(file, text, KubectlJson::node);
    }

    public static Parsed<List<Pod>> pods(String file, String text) {
        return read(file, text, KubectlJson::pod);
    }

    public static Parsed<List<Service>> services(String file, String text) {
        return read(file, text, KubectlJson::service);
    }

    public static Parsed<List<Endpoints>> endpoints(String file, String text) {
        return read(file, text, KubectlJson::endpoints);
    }

    private static <T> Parsed<List<T>> read(String file, String text, Function<JsonNode, T> item) {
        Problems problems = new Problems(file);
        List<T> out = new ArrayList<>();
        JsonNode root = Json.read(problems, text);
        if (root == null) return problems.result(out);
        int line = IpRouteJson.firstLine(text);
        for (JsonNode n : items(root)) {
            try {
                if (notAResource(n) != null) throw new IllegalArgumentException(notAResource(n));
                out.add(item.apply(n));
            } catch (IllegalArgumentException e) {
                JsonNode md = metadata(n);
                problems.add(line, md.path("namespace").asText("") + (md.has("namespace") ? "/" : "")
                        + md.path("name").asText("(unnamed item)") + ": " + e.getMessage());
            }
        }
        return problems.result(out);
    }

    /**
     * The items of a List, or the object itself when it is a single resource. One watch event (the API server's
     * {@code {"type":"ADDED","object":{...}}}, as a {@code ?watch=1} request and {@code kubectl get -w -o json
     * --output-watch-events} print it) gives its object when the event says the object exists (ADDED, MODIFIED);
     * any other event is kept as it is, for {@link #notAResource} to report.
     */
    static List<JsonNode> items(JsonNode root) {
        List<JsonNode> out = new ArrayList<>();
        if (root.has("items") && root.get("items").isArray()) root.get("items").forEach(out::add);
        else if (root.isArray()) root.forEach(out::add);
        else if (isWatchEvent(root) && CURRENT_EVENTS.contains(root.get("type").asText())) out.add(root.get("object"));
        else if (root.isObject()) out.add(root);
        return out;
    }

    /** Watch events whose object is the resource as it now is; DELETED's object is gone, BOOKMARK's is a marker. */
    private static final java.util.Set<String> CURRENT_EVENTS = java.util.Set.of("ADDED", "MODIFIED");

    /** A watch event has exactly a type and an object, never a resource's kind or metadata. */
    private static boolean isWatchEvent(JsonNode n) {
        return n.isObject() && n.path("type").isTextual() && n.path("object").isObject() && !n.has("kind") && !n.has("metadata");
    }

    /** An item's metadata; a watch event's is its object's, which names the resource the event is about. */
    private static JsonNode metadata(JsonNode n) {
        return (isWatchEvent(n) ? n.get("object") : n).path("metadata");
    }

    /** Why an item of {@link #items} is no resource (a watch event it did not unwrap), or null when it may be one. */
    static String notAResource(JsonNode n) {
        if (!isWatchEvent(n)) return null;
        return "a " + n.get("type").asText() + " watch event: its object is not read as a current "
                + n.get("object").path("kind").asText("resource") + " (only ADDED and MODIFIED events are)";
    }

    private static String required(JsonNode n, String path) {
        JsonNode cur = n;
        for (String p : path.split("\\.")) cur = cur.path(p);
        if (cur.isMissingNode() || cur.isNull() || cur.asText().isEmpty()) throw new IllegalArgumentException("missing " + path);
        return cur.asText();
    }

    static Node node(JsonNode n) {
        String name = required(n, "metadata.name");
        Ipv4 internal = null;
        for (JsonNode a : n.path("status").path("addresses")) {
            if ("InternalIP".equals(a.path("type").asText()) && a.path("address").asText().indexOf(':') < 0) {
                internal = Ipv4.parse(a.path("address").asText());
                break;
            }
        }
        boolean ready = false;
        for (JsonNode c : n.path("status").path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) ready = "True".equals(c.path("status").asText());
        }
        String cidr = Json.text(n.path("spec"), "podCIDR");
        return new Node(name, internal, ready, cidr == null ? null : Addresses.prefix(cidr),
                Json.text(n.path("status").path("nodeInfo"), "kubeletVersion"));
    }

    static Pod pod(JsonNode n) {
        JsonNode md = n.path("metadata");
        String ns = md.path("namespace").asText("default");
        String name = required(n, "metadata.name");
        String ip = Json.text(n.path("status"), "podIP");
        List<Integer> ports = new ArrayList<>();
        for (JsonNode c : n.path("spec").path("containers")) {
            for (JsonNode p : c.path("ports")) {
                if (!p.path("containerPort").canConvertToInt()) throw new IllegalArgumentException("containerPort is not a number");
                ports.add(p.path("containerPort").asInt());
            }
        }
        int restarts = 0;
        for (JsonNode cs : n.path("status").path("containerStatuses")) restarts += cs.path("restartCount").asInt(0);
        return new Pod(ns, name, Json.text(n.path("spec"), "nodeName"), ip == null || ip.isEmpty() ? null : Ipv4.parse(ip),
                strings(md.path("labels")), ports, Json.text(n.path("status"), "phase"), restarts);
    }

    static Service service(JsonNode n) {
        JsonNode md = n.path("metadata");
        String ns = md.path("namespace").asText("default");
        String name = required(n, "metadata.name");
        JsonNode spec = n.path("spec");
        String cip = Json.text(spec, "clusterIP");
        Ipv4 clusterIp = cip == null || cip.isEmpty() || cip.equals("None") ? null : Ipv4.parse(cip);
        List<Service.Port> ports = new ArrayList<>();
        for (JsonNode p : spec.path("ports")) {
            if (!p.path("port").canConvertToInt()) throw new IllegalArgumentException("service port without a numeric port");
            int port = p.path("port").asInt();
            JsonNode tp = p.get("targetPort");
            int target;
            if (tp == null || tp.isNull()) target = port; // the API server defaults targetPort to port
            else if (tp.canConvertToInt()) target = tp.asInt();
            else if (tp.isTextual() && !tp.asText().isEmpty() && tp.asText().chars().allMatch(Character::isDigit)) target = Integer.parseInt(tp.asText());
            else target = 0; // a port name: unknown here, resolved through the service's endpoints (TargetPorts)
            ports.add(new Service.Port(Json.text(p, "name"), protocol(p.path("protocol").asText("TCP")), port, target,
                    p.path("nodePort").asInt(0)));
        }
        return new Service(ns, name, spec.path("type").asText("ClusterIP"), clusterIp, ports, strings(spec.path("selector")));
    }

    static Endpoints endpoints(JsonNode n) {
        JsonNode md = n.path("metadata");
        String ns = md.path("namespace").asText("default");
        String name = required(n, "metadata.name");
        List<Endpoints.Address> addresses = new ArrayList<>();
        List<Endpoints.Port> ports = new ArrayList<>();
        for (JsonNode s : n.path("subsets")) {
            for (JsonNode a : s.path("addresses")) {
                String ip = required(a, "ip");
                if (ip.indexOf(':') >= 0) continue;
                addresses.add(new Endpoints.Address(Ipv4.parse(ip), Json.text(a, "nodeName"), Json.text(a.path("targetRef"), "name")));
            }
            for (JsonNode p : s.path("ports")) {
                if (!p.path("port").canConvertToInt()) throw new IllegalArgumentException("endpoint port is not a number");
                Endpoints.Port port = new Endpoints.Port(Json.text(p, "name"), protocol(p.path("protocol").asText("TCP")), p.path("port").asInt());
                if (!ports.contains(port)) ports.add(port);
            }
        }
        return new Endpoints(ns, name, addresses, ports);
    }

    /**
     * {@code kubectl get endpointslices -A -o json} (discovery.k8s.io/v1, and v1beta1 whose fields read the same):
     * the slices of one service (label {@code kubernetes.io/service-name}) become one {@link Endpoints}, with the
     * IPv4 addresses of endpoints whose {@code conditions.ready} is true or absent (absent is "unknown, treat as
     * ready", as kube-proxy does). Slices of other address types are passed over. Slices of one service whose port
     * lists differ are reported: one Endpoints pairs every address with every port.
     */
    public static Parsed<List<Endpoints>> endpointSlices(String file, String text) {
        Problems problems = new Problems(file);
        List<Endpoints> out = new ArrayList<>();
        JsonNode root = Json.read(problems, text);
        if (root == null) return problems.result(out);
        int line = IpRouteJson.firstLine(text);
        Map<String, Endpoints> byService = new LinkedHashMap<>();
        for (JsonNode n : items(root)) {
            JsonNode md = metadata(n);
            String ns = md.path("namespace").asText("default");
            String sliceName = md.path("name").asText("(unnamed slice)");
            try {
                if (notAResource(n) != null) throw new IllegalArgumentException(notAResource(n));
                if (!n.path("kind").asText("EndpointSlice").equals("EndpointSlice")) throw new IllegalArgumentException("is a " + n.path("kind").asText() + ", not an EndpointSlice");
                String svc = Json.text(md.path("labels"), "kubernetes.io/service-name");
                if (svc == null) throw new IllegalArgumentException("has no kubernetes.io/service-name label: its service is unknown");
                if (!n.path("addressType").asText("IPv4").equals("IPv4")) continue; // IPv6 and FQDN slices: outside the model
                List<Endpoints.Address> addresses = new ArrayList<>();
                for (JsonNode e : n.path("endpoints")) {
                    JsonNode ready = e.path("conditions").path("ready");
                    if (ready.isBoolean() && !ready.asBoolean()) continue;
                    for (JsonNode a : e.path("addresses")) {
                        addresses.add(new Endpoints.Address(Ipv4.parse(a.asText()), Json.text(e, "nodeName"), Json.text(e.path("targetRef"), "name")));
                    }
                }
                List<Endpoints.Port> ports = new ArrayList<>();
                for (JsonNode p : n.path("ports")) {
                    if (!p.path("port").canConvertToInt()) throw new IllegalArgumentException("port without a number");
                    ports.add(new Endpoints.Port(Json.text(p, "name"), protocol(p.path("protocol").asText("TCP")), p.path("port").asInt()));
                }
                Endpoints prev = byService.get(ns + "/" + svc);
                if (prev == null) {
                    byService.put(ns + "/" + svc, new Endpoints(ns, svc, addresses, ports));
                } else {
                    if (!addresses.isEmpty() && !prev.addresses().isEmpty() && !new java.util.HashSet<>(prev.ports()).equals(new java.util.HashSet<>(ports))) {
                        problems.add(line, ns + "/" + sliceName + ": its ports differ from another slice of " + ns + "/" + svc
                                + "; every address is paired with every port of the service's slices");
                    }
                    List<Endpoints.Address> all = new ArrayList<>(prev.addresses());
                    all.addAll(addresses);
                    List<Endpoints.Port> allPorts = new ArrayList<>(prev.ports());
                    for (Endpoints.Port p : ports) if (!allPorts.contains(p)) allPorts.add(p);
                    byService.put(ns + "/" + svc, new Endpoints(ns, svc, all, allPorts));
                }
            } catch (IllegalArgumentException e) {
                problems.add(line, ns + "/" + sliceName + ": " + e.getMessage());
            }
        }
        out.addAll(byService.values());
        return problems.result(out);
    }

    /** Named targetPorts seen by {@link #services}: "namespace/name port" -> the port name, for the report. */
    static Map<String, String> namedTargetPorts(JsonNode root) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode n : items(root)) {
            for (JsonNode p : n.path("spec").path("ports")) {
                JsonNode tp = p.get("targetPort");
                if (tp != null && tp.isTextual() && !tp.asText().chars().allMatch(Character::isDigit)) {
                    out.put(n.path("metadata").path("namespace").asText("default") + "/" + n.path("metadata").path("name").asText()
                            + " " + p.path("port").asInt(), tp.asText());
                }
            }
        }
        return out;
    }

    static Protocol protocol(String p) {
        return switch (p) {
            case "TCP" -> Protocol.TCP;
            case "UDP" -> Protocol.UDP;
            default -> throw new IllegalArgumentException("protocol '" + p + "' is not modelled (expected TCP or UDP)");
        };
    }

    private static Map<String, String> strings(JsonNode obj) {
        Map<String, String> m = new LinkedHashMap<>();
        obj.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}
