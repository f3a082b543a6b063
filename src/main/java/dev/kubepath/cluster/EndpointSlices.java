package dev.kubepath.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubepath.model.Endpoints;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The EndpointSlice controller's output (discovery.k8s.io/v1) and kube-proxy's reading of it. Per service with a
 * selector, one slice per address type (IPv4 here): name {@code SERVICE-xxxxx} (generateName; the suffix derived
 * from the service so that runs repeat), label {@code kubernetes.io/service-name}, managed-by
 * {@code endpointslice-controller.k8s.io}, each endpoint with its address, {@code conditions} (ready, serving,
 * terminating), {@code nodeName} and {@code targetRef}; the {@code kubernetes} service's slice is the API server's
 * own (named {@code kubernetes}, no nodeName). kube-proxy programs the ready endpoints of a service's slices
 * ({@link #endpoints}), which is what this cluster's kube-proxy reads.
 */
public final class EndpointSlices {
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EndpointSlices() {}

    /** One slice: the Endpoints of one service as the controller publishes them; {@code ready} per address. */
    public record Slice(String namespace, String name, String service, String managedBy, List<Endpoints.Address> addresses,
                        List<Boolean> ready, List<Endpoints.Port> ports) {
        public Slice {
            addresses = List.copyOf(addresses);
            ready = List.copyOf(ready);
            ports = List.copyOf(ports);
        }
    }

    /** The slices of the API server's endpoints: the ready pods it selected (not-ready pods are not published yet). */
    public static List<Slice> of(List<Endpoints> endpoints) {
        List<Slice> out = new ArrayList<>();
        for (Endpoints e : endpoints) {
            boolean apiServer = e.namespace().equals("default") && e.name().equals("kubernetes");
            String name = apiServer ? "kubernetes" : e.name() + "-" + suffix(e.namespace() + "/" + e.name());
            List<Boolean> ready = e.addresses().stream().map(a -> Boolean.TRUE).toList();
            out.add(new Slice(e.namespace(), name, e.name(), apiServer ? "endpointslice-mirroring-controller.k8s.io"
                    : "endpointslice-controller.k8s.io", e.addresses(), ready, e.ports()));
        }
        return out;
    }

    /** kube-proxy's view: per service, the ready endpoints of all its slices, with the slices' ports. */
    public static List<Endpoints> endpoints(List<Slice> slices) {
        List<Endpoints> out = new ArrayList<>();
        for (Slice s : slices) {
            List<Endpoints.Address> ready = new ArrayList<>();
            for (int i = 0; i < s.addresses().size(); i++) if (s.ready().get(i)) ready.add(s.addresses().get(i));
            out.add(new Endpoints(s.namespace(), s.service(), ready, s.ports()));
        }
        return out;
    }

    /** {@code kubectl get endpointslices -A -o json}. */
    public static String json(List<Slice> slices) {
        ObjectNode root = JSON.createObjectNode();
        root.put("apiVersion", "v1");
        ArrayNode items = root.putArray("items");
        for (Slice s : slices) {
            ObjectNode n = items.addObject();
            n.put("addressType", "IPv4");
            n.put("apiVersion", "discovery.k8s.io/v1");
            ArrayNode eps = n.putArray("endpoints");
            for (int i = 0; i < s.addresses().size(); i++) {
                Endpoints.Address a = s.addresses().get(i);
                ObjectNode ep = eps.addObject();
                ep.putArray("addresses").add(a.ip().toString());
                ObjectNode cond = ep.putObject("conditions");
                cond.put("ready", s.ready().get(i));
                cond.put("serving", s.ready().get(i));
                cond.put("terminating", false);
                if (a.node() != null) ep.put("nodeName", a.node());
                if (a.pod() != null) {
                    ObjectNode ref = ep.putObject("targetRef");
                    ref.put("kind", "Pod");
                    ref.put("name", a.pod());
                    ref.put("namespace", s.namespace());
                }
            }
            n.put("kind", "EndpointSlice");
            ObjectNode md = n.putObject("metadata");
            ObjectNode labels = md.putObject("labels");
            labels.put("endpointslice.kubernetes.io/managed-by", s.managedBy());
            labels.put(SERVICE_NAME_LABEL, s.service());
            md.put("name", s.name());
            md.put("namespace", s.namespace());
            ArrayNode ports = n.putArray("ports");
            for (Endpoints.Port p : s.ports()) {
                ObjectNode port = ports.addObject();
                port.put("name", p.name() == null ? "" : p.name());
                port.put("port", p.port());
                port.put("protocol", p.protocol() == null ? "TCP" : p.protocol().name());
            }
        }
        root.put("kind", "List");
        root.putObject("metadata").put("resourceVersion", "");
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** Five characters of generateName's alphabet (consonants and digits), from the service's key. */
    private static String suffix(String key) {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        byte[] d;
        try {
            d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++) sb.append(alphabet.charAt((d[i] & 0xFF) % alphabet.length()));
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
