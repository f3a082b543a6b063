package dev.kubepath.flannel.etcd;

import dev.kubepath.flannel.registry.LeaseEvent;
import dev.kubepath.flannel.registry.LeaseJson;
import dev.kubepath.flannel.registry.LeaseNotFoundException;
import dev.kubepath.flannel.registry.LeaseSnapshot;
import dev.kubepath.flannel.registry.RegistryUnavailableException;
import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Prefix;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * flannel's etcd v3 registry through jetcd: a lease is a key attached to an etcd lease granted with the TTL,
 * created in a txn only when the key's version is 0, and watched by prefix. Values are written in the form
 * flannel v3 writes ({@code "PublicIPv6":null} and {@code "VNI"} in BackendData). The v3 key space is separate
 * from v2's: the seed cluster's v2 leases are not visible here.
 */
public final class EtcdV3Registry implements SubnetRegistry {
    private final Client client;
    private final String prefix;
    private final Duration timeout;
    private final int vni;

    public EtcdV3Registry(List<URI> endpoints, String prefix, Duration timeout, int vni) {
        this.client = Client.builder().endpoints(endpoints).connectTimeout(timeout).build();
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        this.timeout = timeout;
        this.vni = vni;
    }

    /**
     * The first request also opens the gRPC channel (and loads its classes): on a busy machine that alone has taken
     * over 2 s, so the default leaves room for it.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public EtcdV3Registry(List<URI> endpoints) {
        this(endpoints, "/coreos.com/network", DEFAULT_TIMEOUT, 1);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private <T> T await(CompletableFuture<T> f, String what) {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted: " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            f.cancel(true);
            throw new RegistryUnavailableException("etcd v3 " + what + " failed: " + (e.getCause() != null ? e.getCause() : e), e);
        }
    }

    private String key(Prefix subnet) {
        return prefix + LeaseJson.SUBNETS + subnet.keyForm();
    }

    @Override
    public Optional<String> getConfig() {
        GetResponse r = await(client.getKVClient().get(bytes(prefix + "/config")), "get config");
        return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(r.getKvs().getFirst().getValue().toString(StandardCharsets.UTF_8));
    }

    @Override
    public void setConfig(String json) {
        await(client.getKVClient().put(bytes(prefix + "/config"), bytes(json)), "set config");
    }

    @Override
    public LeaseSnapshot getLeases() {
        GetResponse r = await(client.getKVClient().get(bytes(prefix + LeaseJson.SUBNETS),
                GetOption.builder().isPrefix(true).build()), "list leases");
        // Each key's etcd lease tells its expiration; the TTL requests go out together, one round trip in all.
        Instant now = Instant.now();
        List<java.util.concurrent.CompletableFuture<io.etcd.jetcd.lease.LeaseTimeToLiveResponse>> ttls = new ArrayList<>();
        for (KeyValue kv : r.getKvs()) {
            ttls.add(kv.getLease() == 0 ? null : client.getLeaseClient().timeToLive(kv.getLease(), LeaseOption.DEFAULT));
        }
        List<Lease> out = new ArrayList<>();
        for (int i = 0; i < r.getKvs().size(); i++) {
            KeyValue kv = r.getKvs().get(i);
            Prefix subnet = LeaseJson.subnetOfKey(kv.getKey().toString(StandardCharsets.UTF_8));
            if (subnet == null) continue;
            Instant exp = null;
            if (ttls.get(i) != null) {
                long ttl = await(ttls.get(i), "lease ttl").getTTL();
                if (ttl >= 0) exp = now.plusSeconds(ttl);
            }
            out.add(LeaseJson.parse(subnet, kv.getValue().toString(StandardCharsets.UTF_8), exp));
        }
        return new LeaseSnapshot(out, r.getHeader().getRevision());
    }

    @Override
    public Optional<Lease> getLease(Prefix subnet) {
        GetResponse r = await(client.getKVClient().get(bytes(key(subnet))), "get lease " + subnet);
        if (r.getKvs().isEmpty()) return Optional.empty();
        KeyValue kv = r.getKvs().getFirst();
        Instant exp = null;
        if (kv.getLease() != 0) {
            long ttl = await(client.getLeaseClient().timeToLive(kv.getLease(), LeaseOption.DEFAULT), "lease ttl").getTTL();
            if (ttl >= 0) exp = Instant.now().plusSeconds(ttl);
        }
        return Optional.of(LeaseJson.parse(subnet, kv.getValue().toString(StandardCharsets.UTF_8), exp));
    }

    @Override
    public Optional<Lease> createLease(Lease lease, Duration ttl) {
        return put(lease, ttl, 0, Cmp.Op.EQUAL);
    }

    @Override
    public Lease renewLease(Lease lease, Duration ttl) {
        return put(lease, ttl, 0, Cmp.Op.GREATER).orElseThrow(() -> new LeaseNotFoundException(lease.subnet()));
    }

    /** Grants an etcd lease and puts the key in a txn guarded by the key's version compared with 0. */
    private Optional<Lease> put(Lease lease, Duration ttl, long version, Cmp.Op op) {
        Instant now = Instant.now();
        long id = await(client.getLeaseClient().grant(ttl.toSeconds()), "grant lease").getID();
        ByteSequence k = bytes(key(lease.subnet()));
        TxnResponse r = await(client.getKVClient().txn()
                .If(new Cmp(k, op, CmpTarget.version(version)))
                .Then(Op.put(k, bytes(LeaseJson.renderV3(lease, vni)), PutOption.builder().withLeaseId(id).build()))
                .commit(), "put lease " + lease.subnet());
        if (!r.isSucceeded()) {
            client.getLeaseClient().revoke(id); // nothing is attached to it; let it go now
            return Optional.empty();
        }
        return Optional.of(lease.withExpiration(now.plus(ttl)));
    }

    @Override
    public void deleteLease(Prefix subnet) {
        long deleted = await(client.getKVClient().delete(bytes(key(subnet)), DeleteOption.DEFAULT), "delete lease " + subnet).getDeleted();
        if (deleted == 0) throw new LeaseNotFoundException(subnet);
    }

    @Override
    public LeaseWatch watch(long afterRevision, Consumer<LeaseEvent> listener, Consumer<RuntimeException> onError) {
        // one thread per watch keeps events in order while asking etcd whether a removed key's lease expired
        ExecutorService order = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("etcd-v3-watch").unstarted(r));
        WatchOption opt = WatchOption.builder().isPrefix(true).withPrevKV(true).withRevision(afterRevision + 1).build();
        var watcher = client.getWatchClient().watch(bytes(prefix + LeaseJson.SUBNETS), opt,
                resp -> {
                    for (WatchEvent e : resp.getEvents()) order.execute(() -> {
                        LeaseEvent le = event(e);
                        if (le != null) listener.accept(le);
                    });
                },
                err -> order.execute(() -> onError.accept(new RegistryUnavailableException("etcd v3 watch failed: " + err, err))));
        return () -> {
            watcher.close();
            order.shutdownNow();
        };
    }

    private LeaseEvent event(WatchEvent e) {
        KeyValue kv = e.getKeyValue();
        Prefix subnet = LeaseJson.subnetOfKey(kv.getKey().toString(StandardCharsets.UTF_8));
        if (subnet == null) return null;
        long rev = kv.getModRevision();
        return switch (e.getEventType()) {
            case PUT -> new LeaseEvent.Added(LeaseJson.parse(subnet, kv.getValue().toString(StandardCharsets.UTF_8), null), rev);
            case DELETE -> {
                KeyValue prev = e.getPrevKV();
                Lease l = prev != null && !prev.getValue().isEmpty()
                        ? LeaseJson.parse(subnet, prev.getValue().toString(StandardCharsets.UTF_8), null)
                        : new Lease(subnet, null, null, null, null);
                yield new LeaseEvent.Removed(l, rev, expired(prev) ? LeaseEvent.Cause.EXPIRED : LeaseEvent.Cause.DELETED);
            }
            default -> null;
        };
    }

    /** A key removed because its etcd lease ran out has a lease that no longer exists (TTL -1). */
    private boolean expired(KeyValue prev) {
        if (prev == null || prev.getLease() == 0) return false;
        try {
            return await(client.getLeaseClient().timeToLive(prev.getLease(), LeaseOption.DEFAULT), "lease ttl").getTTL() < 0;
        } catch (RegistryUnavailableException e) {
            return false;
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
