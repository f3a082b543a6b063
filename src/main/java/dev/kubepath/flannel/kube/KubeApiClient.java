package dev.kubepath.flannel.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubepath.flannel.NetworkConfigs;
import dev.kubepath.flannel.registry.LeaseEvent;
import dev.kubepath.flannel.registry.LeaseNotFoundException;
import dev.kubepath.flannel.registry.LeaseSnapshot;
import dev.kubepath.flannel.registry.RegistryUnavailableException;
import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.ingest.LeasesText;
import dev.kubepath.ingest.Parsed;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Prefix;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * flanneld with {@code --kube-subnet-mgr} talking to a Kubernetes API server over HTTP, as flannel's kube subnet
 * manager does through client-go: its node's {@code spec.podCIDR} is its subnet; acquiring the lease PATCHes the node's
 * status with a strategic merge patch of {@code metadata.annotations} (only when they differ, as flannel does); every
 * node's lease is read from {@code GET /api/v1/nodes} by the one parser of node JSON ({@link LeasesText}).
 * <p>
 * The watch is an informer's: {@code GET /api/v1/nodes?watch=true}, and on each event the node list is read again
 * and compared with the last one, so an event lost between the list and the watch is still seen. net-conf.json is
 * the file the kube-flannel DaemonSet mounts from the kube-flannel-cfg ConfigMap ({@code --net-config-path}), or, when
 * that file is not there, the ConfigMap itself read from the API server.
 */
public final class KubeApiClient implements SubnetRegistry {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String CONFIGMAP_PATH = "/api/v1/namespaces/kube-flannel/configmaps/kube-flannel-cfg";

    private final URI api;
    private final String node;
    private final Path netConfPath;
    private final HttpClient http;
    private final Duration timeout;
    private final AtomicLong revision = new AtomicLong();
    private volatile Map<Prefix, Lease> lastListed = Map.of();
    private volatile long lastListedRevision = -1;

    /**
     * @param api         the API server's URL ({@code --kube-api-url})
     * @param node        this node's name (flannel's {@code NODE_NAME})
     * @param netConfPath {@code --net-config-path}; null to read the ConfigMap from the API server
     */
    public KubeApiClient(URI api, String node, Path netConfPath) {
        this.api = api;
        this.node = node;
        this.netConfPath = netConfPath;
        this.timeout = Duration.ofSeconds(5);
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public Optional<Prefix> assignedSubnet() {
        String cidr = ownNode().path("spec").path("podCIDR").asText("");
        if (cidr.isEmpty()) throw new RegistryUnavailableException("node \"" + node + "\" pod cidr not assigned");
        return Optional.of(Prefix.parse(cidr));
    }

    @Override
    public Optional<String> getConfig() {
        if (netConfPath != null && Files.exists(netConfPath)) {
            try {
                return Optional.of(Files.readString(netConfPath));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        HttpResponse<String> r = send(request(CONFIGMAP_PATH).GET());
        if (r.statusCode() == 404) return Optional.empty();
        JsonNode conf = tree(r).path("data").path("net-conf.json");
        return conf.isTextual() ? Optional.of(conf.asText()) : Optional.empty();
    }

    @Override
    public void setConfig(String json) {
        throw new UnsupportedOperationException("flanneld does not write the kube-flannel-cfg ConfigMap");
    }

    @Override
    public LeaseSnapshot getLeases() {
        HttpResponse<String> r = send(request("/api/v1/nodes").GET());
        expectOk(r, "GET /api/v1/nodes");
        Parsed<List<Lease>> parsed = LeasesText.parse("GET /api/v1/nodes", r.body());
        long rv = tree(r).path("metadata").path("resourceVersion").asLong(0);
        Map<Prefix, Lease> bySubnet = new LinkedHashMap<>();
        for (Lease l : parsed.value()) bySubnet.put(l.subnet(), l);
        lastListed = bySubnet;
        lastListedRevision = rv;
        revision.accumulateAndGet(rv, Math::max);
        return new LeaseSnapshot(List.copyOf(bySubnet.values()), rv);
    }

    @Override
    public Optional<Lease> getLease(Prefix subnet) {
        return getLeases().leases().stream().filter(l -> l.subnet().equals(subnet)).findFirst();
    }

    @Override
    public Optional<Lease> createLease(Lease lease, Duration ttl) {
        return Optional.of(acquire(lease));
    }

    /** flannel's kube manager does not renew: the annotations are written again if they drifted. */
    @Override
    public Lease renewLease(Lease lease, Duration ttl) {
        return acquire(lease);
    }

    @Override
    public void deleteLease(Prefix subnet) {
        JsonNode own = ownNode();
        if (!subnet.toString().equals(own.path("spec").path("podCIDR").asText())) throw new LeaseNotFoundException(subnet);
        Map<String, String> current = annotations(own);
        Map<String, String> patch = new LinkedHashMap<>();
        for (String k : current.keySet()) if (!KubeAnnotations.withoutLease(current).containsKey(k)) patch.put(k, null);
        if (patch.isEmpty()) throw new LeaseNotFoundException(subnet);
        patchAnnotations(patch);
    }

    @Override
    public LeaseWatch watch(long afterRevision, Consumer<LeaseEvent> listener, Consumer<RuntimeException> onError) {
        Map<Prefix, Lease> known = new HashMap<>(lastListedRevision == afterRevision ? lastListed : Map.of());
        // the answer's headers must come within the timeout; the events then stream for as long as the watch lasts
        HttpRequest req = request("/api/v1/nodes?watch=true&resourceVersion=" + afterRevision).GET().build();
        AtomicBoolean closed = new AtomicBoolean();
        AtomicReference<InputStream> body = new AtomicReference<>();
        Consumer<LeaseEvent> open = e -> {
            if (!closed.get()) listener.accept(e);
        };
        Thread t = Thread.ofPlatform().daemon().name("kube-watch-" + node).start(() -> {
            try (InputStream in = http.send(req, HttpResponse.BodyHandlers.ofInputStream()).body();
                 BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                body.set(in);
                deliverChanges(known, open); // what changed between the caller's list and this watch
                String line;
                while (!closed.get() && (line = lines.readLine()) != null) {
                    if (!line.isBlank()) deliverChanges(known, open);
                }
                if (!closed.get()) onError.accept(new RegistryUnavailableException("watch of /api/v1/nodes ended"));
            } catch (Exception e) {
                // an interrupt from close() may surface as any exception here; only a failure of an open watch is one
                if (!closed.get()) {
                    onError.accept(e instanceof RuntimeException r ? r : new RegistryUnavailableException("watch of /api/v1/nodes failed: " + e, e));
                }
            }
        });
        return () -> {
            closed.set(true);
            InputStream in = body.get();
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing ends the stream either way
                }
            }
            t.interrupt();
        };
    }

    @Override
    public void close() {
        http.shutdownNow();
    }

    // ---- internals ---------------------------------------------------------------------------------------------

    /** Lists the nodes and hands the listener every lease added, changed or gone since {@code known}. */
    private void deliverChanges(Map<Prefix, Lease> known, Consumer<LeaseEvent> listener) {
        Map<Prefix, Lease> now = new HashMap<>();
        for (Lease l : getLeases().leases()) now.put(l.subnet(), l);
        for (Lease gone : List.copyOf(known.values())) {
            if (!now.containsKey(gone.subnet())) {
                known.remove(gone.subnet());
                listener.accept(new LeaseEvent.Removed(gone, revision.incrementAndGet(), LeaseEvent.Cause.DELETED));
            }
        }
        for (Lease l : now.values()) {
            if (!l.equals(known.put(l.subnet(), l))) listener.accept(new LeaseEvent.Added(l, revision.incrementAndGet()));
        }
    }

    private Lease acquire(Lease wanted) {
        JsonNode own = ownNode();
        String cidr = own.path("spec").path("podCIDR").asText("");
        if (cidr.isEmpty()) throw new RegistryUnavailableException("node \"" + node + "\" pod cidr not assigned");
        Map<String, String> current = annotations(own);
        int vni = getConfig().map(c -> NetworkConfigs.parse(c).vni()).orElse(1);
        KubeAnnotations.Written w = KubeAnnotations.acquire(Prefix.parse(cidr), current, wanted, vni);
        Map<String, String> patch = new LinkedHashMap<>();
        w.annotations().forEach((k, v) -> {
            if (!v.equals(current.get(k))) patch.put(k, v);
        });
        if (!patch.isEmpty()) patchAnnotations(patch); // flannel patches only when something differs
        return w.lease();
    }

    /** {@code PATCH /api/v1/nodes/NAME/status} with a strategic merge patch, as flannel's AcquireLease sends it. */
    private void patchAnnotations(Map<String, String> changes) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode ann = body.putObject("metadata").putObject("annotations");
        changes.forEach((k, v) -> {
            if (v == null) ann.putNull(k);
            else ann.put(k, v);
        });
        HttpResponse<String> r = send(request("/api/v1/nodes/" + node + "/status")
                .header("Content-Type", "application/strategic-merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body.toString())));
        expectOk(r, "PATCH node " + node);
    }

    private JsonNode ownNode() {
        HttpResponse<String> r = send(request("/api/v1/nodes/" + node).GET());
        if (r.statusCode() == 404) throw new RegistryUnavailableException("nodes \"" + node + "\" not found");
        expectOk(r, "GET node " + node);
        return tree(r);
    }

    private static Map<String, String> annotations(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.path("metadata").path("annotations").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(api.resolve(path)).timeout(timeout).header("Accept", "application/json");
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistryUnavailableException("API server " + api + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted talking to " + api, e);
        }
    }

    private static void expectOk(HttpResponse<String> r, String what) {
        if (r.statusCode() / 100 != 2) {
            throw new RegistryUnavailableException(what + " answered " + r.statusCode() + ": " + r.body().strip());
        }
    }

    private static JsonNode tree(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (JsonProcessingException e) {
            throw new RegistryUnavailableException("the API server's answer is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
