package dev.kubepath.flannel.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubepath.flannel.registry.LeaseEvent;
import dev.kubepath.flannel.registry.LeaseJson;
import dev.kubepath.flannel.registry.LeaseNotFoundException;
import dev.kubepath.flannel.registry.LeaseSnapshot;
import dev.kubepath.flannel.registry.RegistryUnavailableException;
import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Prefix;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The registry flannel used in the seed: etcd's v2 keys API over HTTP. Keys are {@code <prefix>/config} and
 * {@code <prefix>/subnets/172.17.9.0-24}; leases carry a TTL; creation uses {@code prevExist=false}; the watch is
 * a long poll with {@code wait=true&recursive=true&waitIndex=N}. Several endpoints may be given: a request that
 * cannot connect tries the next one.
 */
public final class EtcdV2Registry implements SubnetRegistry {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEY_NOT_FOUND = 100;
    private static final int KEY_EXISTS = 105;
    private static final int INDEX_CLEARED = 401;

    private final List<URI> endpoints;
    private final String prefix;
    private final HttpClient http;
    private final Duration timeout;
    private volatile int preferred;

    public EtcdV2Registry(List<URI> endpoints, String prefix, Duration timeout) {
        if (endpoints.isEmpty()) throw new IllegalArgumentException("no etcd endpoint given");
        this.endpoints = List.copyOf(endpoints);
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    public EtcdV2Registry(List<URI> endpoints) {
        this(endpoints, "/coreos.com/network", Duration.ofSeconds(2));
    }

    private record Reply(int status, long index, JsonNode body) {
        int errorCode() {
            return body.path("errorCode").asInt(0);
        }
    }

    @Override
    public Optional<String> getConfig() {
        Reply r = call("GET", prefix + "/config", null, null);
        if (r.status() == 404) return Optional.empty();
        ok(r, "get config");
        return Optional.of(r.body().path("node").path("value").asText());
    }

    @Override
    public void setConfig(String json) {
        ok(call("PUT", prefix + "/config", null, "value=" + enc(json)), "set config");
    }

    @Override
    public LeaseSnapshot getLeases() {
        Reply r = call("GET", prefix + "/subnets", "recursive=true&sorted=true", null);
        if (r.status() == 404 && r.errorCode() == KEY_NOT_FOUND) {
            return new LeaseSnapshot(List.of(), r.body().path("index").asLong(r.index()));
        }
        ok(r, "list leases");
        List<Lease> out = new ArrayList<>();
        for (JsonNode n : r.body().path("node").path("nodes")) {
            Prefix subnet = LeaseJson.subnetOfKey(n.path("key").asText());
            if (subnet != null && n.has("value")) out.add(lease(subnet, n));
        }
        return new LeaseSnapshot(out, r.index());
    }

    @Override
    public Optional<Lease> getLease(Prefix subnet) {
        Reply r = call("GET", key(subnet), null, null);
        if (r.status() == 404) return Optional.empty();
        ok(r, "get lease " + subnet);
        return Optional.of(lease(subnet, r.body().path("node")));
    }

    @Override
    public Optional<Lease> createLease(Lease lease, Duration ttl) {
        Reply r = call("PUT", key(lease.subnet()), null,
                "value=" + enc(LeaseJson.render(lease)) + "&ttl=" + ttl.toSeconds() + "&prevExist=false");
        if (r.status() == 412 && r.errorCode() == KEY_EXISTS) return Optional.empty();
        ok(r, "create lease " + lease.subnet());
        return Optional.of(lease(lease.subnet(), r.body().path("node")));
    }

    @Override
    public Lease renewLease(Lease lease, Duration ttl) {
        Reply r = call("PUT", key(lease.subnet()), null,
                "value=" + enc(LeaseJson.render(lease)) + "&ttl=" + ttl.toSeconds() + "&prevExist=true");
        if (r.status() == 404 && r.errorCode() == KEY_NOT_FOUND) throw new LeaseNotFoundException(lease.subnet());
        ok(r, "renew lease " + lease.subnet());
        return lease(lease.subnet(), r.body().path("node"));
    }

    @Override
    public void deleteLease(Prefix subnet) {
        Reply r = call("DELETE", key(subnet), null, null);
        if (r.status() == 404 && r.errorCode() == KEY_NOT_FOUND) throw new LeaseNotFoundException(subnet);
        ok(r, "delete lease " + subnet);
    }

    @Override
    public LeaseWatch watch(long afterRevision, Consumer<LeaseEvent> listener, Consumer<RuntimeException> onError) {
        var loop = new WatchLoop(afterRevision + 1, listener, onError);
        loop.poll();
        return loop::close;
    }

    /**
     * The long poll as a chain of async requests: each answer is handled on the HTTP client's thread and the next
     * request is sent from there, so an event reaches the listener without a hop through a thread of our own.
     */
    private final class WatchLoop {
        private final URI base = endpoints.get(preferred);
        private final Consumer<LeaseEvent> listener;
        private final Consumer<RuntimeException> onError;
        private volatile long waitIndex;
        private volatile boolean closed;
        private volatile CompletableFuture<HttpResponse<String>> pending;

        WatchLoop(long waitIndex, Consumer<LeaseEvent> listener, Consumer<RuntimeException> onError) {
            this.waitIndex = waitIndex;
            this.listener = listener;
            this.onError = onError;
        }

        void poll() {
            if (closed) return;
            URI uri = base.resolve("/v2/keys" + prefix + "/subnets?wait=true&recursive=true&waitIndex=" + waitIndex);
            CompletableFuture<HttpResponse<String>> f = http.sendAsync(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            pending = f;
            f.whenComplete((resp, err) -> {
                if (closed) return;
                if (err != null) {
                    fail(new RegistryUnavailableException("etcd watch on " + base + " failed: " + err, err));
                    return;
                }
                try {
                    JsonNode body = JSON.readTree(resp.body());
                    if (body.path("errorCode").asInt(0) == INDEX_CLEARED) {
                        throw new RegistryUnavailableException("etcd: " + body.path("message").asText() + " (waitIndex " + waitIndex + ")");
                    }
                    if (resp.statusCode() != 200) {
                        throw new RegistryUnavailableException("etcd watch answered " + resp.statusCode() + ": " + resp.body());
                    }
                    JsonNode node = body.path("node");
                    long index = node.path("modifiedIndex").asLong(waitIndex);
                    waitIndex = index + 1;
                    LeaseEvent e = event(body.path("action").asText(), node, body.path("prevNode"), index);
                    if (e != null) listener.accept(e);
                } catch (IOException | RuntimeException e) {
                    fail(e instanceof RuntimeException r ? r : new RegistryUnavailableException("etcd watch answer unreadable: " + e, e));
                    return;
                }
                poll();
            });
        }

        private void fail(RuntimeException e) {
            if (closed) return;
            closed = true;
            onError.accept(e);
        }

        void close() {
            closed = true;
            CompletableFuture<?> f = pending;
            if (f != null) f.cancel(true);
        }
    }

    private LeaseEvent event(String action, JsonNode node, JsonNode prev, long index) {
        Prefix subnet = LeaseJson.subnetOfKey(node.path("key").asText());
        if (subnet == null) return null;
        return switch (action) {
            case "create", "set", "update", "compareAndSwap" -> new LeaseEvent.Added(lease(subnet, node), index);
            case "delete", "compareAndDelete", "expire" -> {
                JsonNode old = prev.has("value") ? prev : node;
                Lease l = old.has("value") ? LeaseJson.parse(subnet, old.path("value").asText(), null)
                        : new Lease(subnet, null, null, null, null);
                yield new LeaseEvent.Removed(l, index, action.equals("expire") ? LeaseEvent.Cause.EXPIRED : LeaseEvent.Cause.DELETED);
            }
            default -> null;
        };
    }

    private static Lease lease(Prefix subnet, JsonNode node) {
        Instant exp = node.hasNonNull("expiration") ? Instant.parse(node.path("expiration").asText()) : null;
        return LeaseJson.parse(subnet, node.path("value").asText(), exp);
    }

    private String key(Prefix subnet) {
        return prefix + LeaseJson.SUBNETS + subnet.keyForm();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void ok(Reply r, String what) {
        if (r.status() / 100 != 2) {
            throw new RegistryUnavailableException("etcd " + what + " answered " + r.status() + ": " + r.body());
        }
    }

    /** Sends one request, trying each endpoint from the last one that answered; no answer anywhere = unavailable. */
    private Reply call(String method, String path, String query, String form) {
        RuntimeException last = null;
        int start = preferred;
        for (int i = 0; i < endpoints.size(); i++) {
            int idx = (start + i) % endpoints.size();
            URI uri = endpoints.get(idx).resolve("/v2/keys" + path + (query != null ? "?" + query : ""));
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
            if (form != null) {
                b.header("Content-Type", "application/x-www-form-urlencoded")
                        .method(method, HttpRequest.BodyPublishers.ofString(form));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            try {
                HttpResponse<String> resp = http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
                        .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
                if (resp.statusCode() >= 500) {
                    last = new RegistryUnavailableException("etcd " + uri + " answered " + resp.statusCode() + ": " + resp.body());
                    continue;
                }
                preferred = idx;
                long index = resp.headers().firstValueAsLong("X-Etcd-Index").orElse(0);
                JsonNode body = resp.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(resp.body());
                return new Reply(resp.statusCode(), index, body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("interrupted while calling etcd " + uri, e);
            } catch (ExecutionException | TimeoutException | IOException e) {
                last = new RegistryUnavailableException("etcd " + uri + " unreachable: " + (e.getCause() != null ? e.getCause() : e), e);
            }
        }
        throw last;
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
