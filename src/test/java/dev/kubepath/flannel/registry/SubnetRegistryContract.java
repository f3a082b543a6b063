package dev.kubepath.flannel.registry;

import dev.kubepath.model.Lease;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link SubnetRegistry} must do; one subclass per implementation. */
public abstract class SubnetRegistryContract {
    protected static final Duration DAY = Duration.ofHours(24);
    protected SubnetRegistry registry;

    /** A fresh, empty registry (its own key prefix when the store is shared). */
    protected abstract SubnetRegistry newRegistry() throws Exception;

    /** The shortest TTL the store honours. */
    protected abstract Duration shortTtl();

    /** Lets time pass beyond {@code d} so that TTLs below it run out. */
    protected abstract void letTimePass(Duration d) throws Exception;

    @BeforeEach
    void open() throws Exception {
        registry = newRegistry();
    }

    @AfterEach
    void shut() {
        if (registry != null) registry.close();
    }

    static Lease lease(String subnet, String ip, String mac) {
        return new Lease(Prefix.parse(subnet), Ipv4.parse(ip), "vxlan", Mac.parse(mac), null);
    }

    @Test
    void configIsAbsentThenStored() {
        assertThat(registry.getConfig()).isEmpty();
        String json = "{\"Network\":\"172.17.0.0/16\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\"}}";
        registry.setConfig(json);
        assertThat(registry.getConfig()).contains(json);
    }

    @Test
    void createIsExclusiveAndLeasesAreListed() {
        Lease a = lease("172.17.9.0/24", "10.0.0.36", "2a:2c:21:3a:58:21");
        assertThat(registry.createLease(a, DAY)).hasValueSatisfying(l -> {
            assertThat(l.publicIp()).isEqualTo(a.publicIp());
            assertThat(l.expiration()).isNotNull();
        });
        assertThat(registry.createLease(lease("172.17.9.0/24", "10.0.0.35", "36:70:76:ea:39:b8"), DAY)).isEmpty();
        registry.createLease(lease("172.17.83.0/24", "10.0.0.33", "b2:83:33:7b:fd:37"), DAY);
        LeaseSnapshot snap = registry.getLeases();
        assertThat(snap.leases()).extracting(l -> l.subnet().toString() + " " + l.publicIp() + " " + l.vtepMac())
                .containsExactlyInAnyOrder("172.17.9.0/24 10.0.0.36 2a:2c:21:3a:58:21", "172.17.83.0/24 10.0.0.33 b2:83:33:7b:fd:37");
        assertThat(snap.revision()).isPositive();
        assertThat(registry.getLease(Prefix.parse("172.17.9.0/24"))).map(Lease::publicIp).contains(Ipv4.parse("10.0.0.36"));
        assertThat(registry.getLease(Prefix.parse("172.17.1.0/24"))).isEmpty();
    }

    @Test
    void renewAndDeleteOfAMissingLeaseSayNotFound() {
        Lease a = lease("172.17.9.0/24", "10.0.0.36", "2a:2c:21:3a:58:21");
        assertThatThrownBy(() -> registry.renewLease(a, DAY)).isInstanceOf(LeaseNotFoundException.class);
        assertThatThrownBy(() -> registry.deleteLease(a.subnet())).isInstanceOf(LeaseNotFoundException.class);
        registry.createLease(a, shortTtl());
        Lease renewed = registry.renewLease(a, DAY);
        assertThat(renewed.expiration()).isAfter(java.time.Instant.now().plus(Duration.ofHours(23)));
        registry.deleteLease(a.subnet());
        assertThat(registry.getLeases().leases()).isEmpty();
    }

    @Test
    void leaseExpiresAfterItsTtl() throws Exception {
        registry.createLease(lease("172.17.9.0/24", "10.0.0.36", "2a:2c:21:3a:58:21"), shortTtl());
        registry.createLease(lease("172.17.83.0/24", "10.0.0.33", "b2:83:33:7b:fd:37"), DAY);
        letTimePass(shortTtl().plusMillis(1500));
        assertThat(registry.getLeases().leases()).extracting(l -> l.subnet().toString()).containsExactly("172.17.83.0/24");
        // an expired subnet is free again
        assertThat(registry.createLease(lease("172.17.9.0/24", "10.0.0.35", "36:70:76:ea:39:b8"), DAY)).isPresent();
    }

    @Test
    void watchDeliversAddExpireAndDelete() throws Exception {
        long rev = registry.getLeases().revision();
        BlockingQueue<LeaseEvent> events = new LinkedBlockingQueue<>();
        try (var w = registry.watch(rev, events::add, e -> events.add(new LeaseEvent.Removed(null, -1, null)))) {
            Lease a = lease("172.17.9.0/24", "10.0.0.36", "2a:2c:21:3a:58:21");
            Lease b = lease("172.17.83.0/24", "10.0.0.33", "b2:83:33:7b:fd:37");
            registry.createLease(a, shortTtl());
            registry.createLease(b, DAY);
            registry.deleteLease(b.subnet());
            letTimePass(shortTtl().plusMillis(1500));
            registry.getLeases();
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                LeaseEvent e = events.poll(10, TimeUnit.SECONDS);
                assertThat(e).as("event %d after %s", i, seen).isNotNull();
                seen.add(switch (e) {
                    case LeaseEvent.Added x -> "added " + x.lease().subnet() + " " + x.lease().publicIp();
                    case LeaseEvent.Removed x -> "removed " + x.lease().subnet() + " " + x.cause();
                });
            }
            assertThat(seen).containsExactly("added 172.17.9.0/24 10.0.0.36", "added 172.17.83.0/24 10.0.0.33",
                    "removed 172.17.83.0/24 DELETED", "removed 172.17.9.0/24 EXPIRED");
        }
    }

    @Test
    void fiftyAgentsAcquiringAtOnceNeverShareASubnet() throws Exception {
        List<Prefix> candidates = new ArrayList<>();
        for (int i = 1; i <= 60; i++) candidates.add(Prefix.parse("172.17." + i + ".0/24"));
        Set<Prefix> won = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<Prefix>> results = new ArrayList<>();
            for (int agent = 0; agent < 50; agent++) {
                int n = agent;
                results.add(pool.submit(() -> {
                    List<Prefix> order = new ArrayList<>(candidates);
                    Collections.shuffle(order, new java.util.Random(n % 3)); // few orders: many collisions
                    for (Prefix p : order) {
                        var got = registry.createLease(new Lease(p, Ipv4.parse("10.1.0.0").plus(n), "vxlan",
                                Mac.parse("02:00:00:00:00:00"), null), DAY);
                        if (got.isPresent()) {
                            assertThat(won.add(p)).as("subnet %s handed out twice", p).isTrue();
                            return p;
                        }
                    }
                    throw new AssertionError("agent " + n + " got no subnet");
                }));
            }
            for (Future<Prefix> f : results) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(won).hasSize(50);
        List<Lease> stored = registry.getLeases().leases();
        assertThat(stored).hasSize(50);
        assertThat(stored.stream().map(Lease::publicIp).distinct()).hasSize(50);
    }
}
