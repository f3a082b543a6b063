package dev.kubepath.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kubepath.flannel.kube.KubeApiClient;
import dev.kubepath.flannel.kube.KubeNodes;
import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.model.Node;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The part of the Kubernetes API that flanneld with {@code --kube-subnet-mgr} uses, served over HTTP on a loopback
 * port from the cluster's {@link ApiServer} and {@link KubeNodes}, so that an agent outside the process
 * ({@code kubepath flanneld --kube-subnet-mgr}) or the lab's agents talk to it as flanneld talks to a real API server:
 * <ul>
 * <li>{@code GET /api/v1/nodes} (a NodeList) and {@code GET /api/v1/nodes/NAME};</li>
 * <li>{@code GET /api/v1/nodes?watch=true}: one JSON event a line ({@code {"type":"MODIFIED","object":{...}}}) for each
 * node whose lease annotations or podCIDR changed;</li>
 * <li>{@code PATCH /api/v1/nodes/NAME} and {@code .../status} with a strategic merge or JSON merge patch of
 * {@code metadata.annotations} (the only field flannel patches; any other is refused with 422);</li>
 * <li>{@code GET /api/v1/namespaces/kube-flannel/configmaps/kube-flannel-cfg}.</li>
 * </ul>
 * No authentication, no TLS: it listens on 127.0.0.1 only. Not served: other resources, label selectors, field
 * selectors, watch bookmarks.
 */
public final class KubeApiHttp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NODES = "/api/v1/nodes";

    private final ApiServer api;
    private final KubeNodes kube;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().name("kube-api-http").unstarted(r));
    private volatile boolean closed;

    private KubeApiHttp(ApiServer api, KubeNodes kube) throws IOException {
        this.api = api;
        this.kube = kube;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Serves the cluster's API (flannel's kube subnet manager must be its registry) on a free loopback port. */
    public static KubeApiHttp serve(SimCluster cluster) {
        if (!(cluster.registry() instanceof KubeNodes kube)) {
            throw new IllegalArgumentException("the cluster's flannel does not use the kube subnet manager (registry: kube)");
        }
        return serve(cluster.api(), kube);
    }

    public static KubeApiHttp serve(ApiServer api, KubeNodes kube) {
        try {
            return new KubeApiHttp(api, kube);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on loopback for the API server", e);
        }
    }

    /** The URL to give flanneld's {@code --kube-api-url}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** A client for the flanneld of {@code node}, reading net-conf.json from the ConfigMap. */
    public SubnetRegistry clientFor(String node) {
        return new KubeApiClient(url(), node, null);
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        threads.shutdownNow();
    }

    // ---- requests ----------------------------------------------------------------------------------------------

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            String query = Optional.ofNullable(x.getRequestURI().getQuery()).orElse("");
            String method = x.getRequestMethod();
            if (path.equals(NODES) && method.equals("GET")) {
                if (query.contains("watch=true") || query.contains("watch=1")) watch(x);
                else answer(x, 200, nodeList());
            } else if (path.startsWith(NODES + "/") && method.equals("GET") && !path.endsWith("/status")) {
                String name = path.substring(NODES.length() + 1);
                Optional<ObjectNode> n = node(name);
                if (n.isPresent()) answer(x, 200, n.get());
                else answer(x, 404, status(404, "NotFound", "nodes \"" + name + "\" not found"));
            } else if (path.startsWith(NODES + "/") && method.equals("PATCH")) {
                patch(x, path.substring(NODES.length() + 1).replaceFirst("/status$", ""));
            } else if (path.equals(KubeApiClient.CONFIGMAP_PATH) && method.equals("GET")) {
                Optional<String> conf = kube.getConfig();
                if (conf.isPresent()) answer(x, 200, KubeObjects.flannelConfigMap(conf.get(), FlannelCni.CNI_CONF));
                else answer(x, 404, status(404, "NotFound", "configmaps \"" + KubeObjects.FLANNEL_CONFIGMAP + "\" not found"));
            } else {
                answer(x, 404, status(404, "NotFound", "the server could not find the requested resource (" + method + " " + path + ")"));
            }
        }
    }

    private ObjectNode nodeList() {
        ObjectNode list = KubeObjects.nodeList(api, kube, Long.toString(kube.revision()));
        list.put("kind", "NodeList");
        return list;
    }

    private Optional<ObjectNode> node(String name) {
        return api.nodes().stream().filter(n -> n.name().equals(name)).findFirst().map(n -> KubeObjects.node(n, kube));
    }

    private void patch(HttpExchange x, String name) throws IOException {
        String type = Optional.ofNullable(x.getRequestHeaders().getFirst("Content-Type")).orElse("");
        if (!type.startsWith("application/strategic-merge-patch+json") && !type.startsWith("application/merge-patch+json")) {
            answer(x, 415, status(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json"));
            return;
        }
        if (node(name).isEmpty() || kube.node(name).isEmpty()) {
            answer(x, 404, status(404, "NotFound", "nodes \"" + name + "\" not found"));
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(x.getRequestBody().readAllBytes());
        } catch (JsonProcessingException e) {
            answer(x, 400, status(400, "BadRequest", "error decoding patch: " + e.getOriginalMessage()));
            return;
        }
        Map<String, String> changes = annotationPatch(body);
        if (changes == null) {
            answer(x, 422, status(422, "Invalid", "kubepath's API server applies patches of metadata.annotations only"));
            return;
        }
        kube.patchAnnotations(name, changes);
        answer(x, 200, node(name).orElseThrow());
    }

    /** The annotations a patch sets (value) or removes (null); null when it patches anything else. */
    private static Map<String, String> annotationPatch(JsonNode body) {
        if (!body.isObject() || body.size() != 1 || !body.path("metadata").isObject() || body.path("metadata").size() != 1) return null;
        JsonNode ann = body.path("metadata").path("annotations");
        if (!ann.isObject()) return null;
        Map<String, String> changes = new LinkedHashMap<>();
        for (var e : ann.properties()) {
            if (e.getValue().isNull()) changes.put(e.getKey(), null);
            else if (e.getValue().isTextual()) changes.put(e.getKey(), e.getValue().asText());
            else return null;
        }
        return changes;
    }

    /**
     * A watch: after each lease change (the node store's own watch) every node whose object changed since the last
     * event is sent as MODIFIED (ADDED when new). It ends when the client goes or the server closes.
     */
    private void watch(HttpExchange x) throws IOException {
        Semaphore changed = new Semaphore(0);
        Map<String, String> sent = new HashMap<>();
        for (Node n : api.nodes()) sent.put(n.name(), KubeObjects.node(n, kube).toString());
        SubnetRegistry.LeaseWatch w = kube.watch(kube.revision(), e -> changed.release(), e -> changed.release());
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(200, 0);
        try (w; OutputStream out = x.getResponseBody()) {
            out.flush(); // the headers now: the client lists again once they arrive, and must not wait for a first change
            while (!closed) {
                if (!changed.tryAcquire(1, TimeUnit.SECONDS)) continue;
                changed.drainPermits();
                for (Node n : api.nodes()) {
                    String object = KubeObjects.node(n, kube).toString();
                    String before = sent.put(n.name(), object);
                    if (object.equals(before)) continue;
                    String line = "{\"type\":\"" + (before == null ? "ADDED" : "MODIFIED") + "\",\"object\":" + object + "}\n";
                    out.write(line.getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException gone) {
            // the client closed its watch
        }
    }

    private static void answer(HttpExchange x, int code, ObjectNode body) throws IOException {
        byte[] bytes = (body.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static ObjectNode status(int code, String reason, String message) {
        ObjectNode s = JSON.createObjectNode();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Failure");
        s.put("message", message);
        s.put("reason", reason);
        s.put("code", code);
        return s;
    }
}
