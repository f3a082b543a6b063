package dev.kubepath.flannel;

import dev.kubepath.Prerequisites;
import dev.kubepath.flannel.etcd.EtcdProcess;
import dev.kubepath.flannel.etcd.EtcdV2Registry;
import dev.kubepath.flannel.subnet.SubnetEnv;
import dev.kubepath.host.SimulatedHost;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lease soak (issue #15): with a real etcd and three agents running, a host's lease is deleted by hand 200
 * times; half the time the operator writes it back at once (a restore from a backup, racing the owner noticing),
 * half the time not. Each time the owner's flanneld is restarted if it stopped, as the operator does. Every round
 * ends with every agent running with a lease, the others routing to it, and at no moment two agents holding one
 * subnet.
 */
class LeaseSoakTest {
    static final int ROUNDS = 200;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    private OverlayAgent agent(EtcdV2Registry registry, SimulatedHost host, Optional<SubnetEnv> previous, AtomicReference<SubnetEnv> env) {
        OverlayAgent a = new OverlayAgent(registry, host,
                OverlayAgent.Settings.flannel("eth0").withBackoff(Duration.ofMillis(20), Duration.ofMillis(200)),
                Clock.systemUTC(), new Random(host.name().hashCode()), previous, env::set, l -> log.add(host.name() + ": " + l));
        a.startBackground();
        return a;
    }

    @Test
    void leasesDeletedAndRestored200TimesWhileAgentsRun() throws Exception {
        Prerequisites.etcd();
        try (EtcdProcess etcd = EtcdProcess.start();
             EtcdV2Registry registry = new EtcdV2Registry(etcd.clientUrls(), "/coreos.com/network", Duration.ofMillis(500))) {
            registry.setConfig(SeedCluster.CONFIG);
            List<SimulatedHost> hosts = List.of(SeedCluster.host03(), SeedCluster.host05(), SeedCluster.host06());
            List<AtomicReference<SubnetEnv>> envs = new ArrayList<>();
            OverlayAgent[] agents = new OverlayAgent[hosts.size()];
            for (int i = 0; i < hosts.size(); i++) {
                envs.add(new AtomicReference<>());
                agents[i] = agent(registry, hosts.get(i), Optional.empty(), envs.get(i));
            }
            try {
                await("start", () -> converged("start", registry, hosts, agents));
                Random random = new Random(15);
                for (int round = 0; round < ROUNDS; round++) {
                    int i = random.nextInt(hosts.size());
                    Lease own = agents[i].lease().orElseThrow();
                    registry.deleteLease(own.subnet());
                    if (round % 2 == 1) registry.createLease(own, Duration.ofHours(24));
                    awaitQuiet(agents[i], round);
                    // the owner noticed (revoked, stopped) or not, now or a moment later: the operator restarts a
                    // stopped flanneld (systemctl restart flanneld: its subnet.env carries over) until all run
                    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                    while (!converged("round " + round, registry, hosts, agents)) {
                        for (int k = 0; k < agents.length; k++) {
                            if (agents[k].state() != OverlayAgent.State.STOPPED) continue;
                            agents[k].close();
                            agents[k] = agent(registry, hosts.get(k), Optional.ofNullable(envs.get(k).get()), envs.get(k));
                        }
                        if (System.nanoTime() > deadline) {
                            throw new AssertionError("not converged at round " + round + "\n" + logTail(40));
                        }
                        Thread.sleep(10);
                    }
                }
            } finally {
                for (OverlayAgent a : agents) a.close();
            }
        }
    }

    /** The agents' last log lines: copied under the list's lock, since the agents' threads keep adding to it. */
    private String logTail(int lines) {
        synchronized (log) {
            return String.join("\n", log.subList(Math.max(0, log.size() - lines), log.size()));
        }
    }

    /** Lets the owner's agent react to the deletion: it stops (revoked) or keeps running with its lease. */
    private static void awaitQuiet(OverlayAgent a, int round) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofMillis(round % 2 == 0 ? 2000 : 150).toNanos();
        while (System.nanoTime() < until && a.state() != OverlayAgent.State.STOPPED) Thread.sleep(5);
    }

    /**
     * Every agent running with its own lease in etcd, no subnet held twice (checked at every poll, not only at the
     * end), and every host routing to every other host's subnet through flannel.1.
     */
    private boolean converged(String when, EtcdV2Registry registry, List<SimulatedHost> hosts, OverlayAgent[] agents) {
        {
            Set<Prefix> held = new HashSet<>();
            for (OverlayAgent a : agents) {
                Optional<Lease> l = a.lease();
                if (l.isPresent() && a.state() != OverlayAgent.State.STOPPED) {
                    assertThat(held.add(l.get().subnet())).as(() -> when + ": two agents hold " + l.get().subnet() + "\n" + logTail(Integer.MAX_VALUE)).isTrue();
                }
            }
            if (held.size() != agents.length) return false;
            for (OverlayAgent a : agents) if (a.state() != OverlayAgent.State.RUNNING) return false;
            List<Lease> inEtcd = registry.getLeases().leases();
            for (OverlayAgent a : agents) if (!inEtcd.contains(a.lease().orElseThrow())) return false;
            for (int i = 0; i < hosts.size(); i++) {
                var routes = hosts.get(i).read().routes();
                for (int j = 0; j < hosts.size(); j++) {
                    if (i == j) continue;
                    Prefix other = agents[j].lease().orElseThrow().subnet();
                    if (routes.stream().noneMatch(r -> r.dst().equals(other) && "flannel.1".equals(r.dev()))) return false;
                }
            }
            return true;
        }
    }

    private void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not converged at " + what + "\n" + logTail(40));
            }
            Thread.sleep(10);
        }
    }
}
