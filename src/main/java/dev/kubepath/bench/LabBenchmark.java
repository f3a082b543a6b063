package dev.kubepath.bench;

import dev.kubepath.lab.LabCluster;
import dev.kubepath.lab.LabScenario;
import dev.kubepath.lab.ScaleScenario;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.host.linux.CommandResult;
import dev.kubepath.model.Container;
import dev.kubepath.model.Lease;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Locale;

/**
 * {@code kubepath bench lab-up [HOSTS [PODS]]}: wall time to bring up the seed lab (ready for curl: booted, broken
 * like the seed, deployed), and a lab of HOSTS nodes (20) with PODS pods (60); then convergence: a host's lease
 * is written back to the registry (as flanneld does on start) and the clock runs until every other host's curl of
 * that host's pod answers. Needs root.
 */
public final class LabBenchmark implements Benchmark {
    @Override
    public String name() {
        return "lab-up";
    }

    @Override
    public String description() {
        return "lab up time (seed; HOSTS=20 nodes with PODS=60 pods) and lease-to-curl convergence on real namespaces (root)";
    }

    @Override
    public void run(PrintStream out, String... args) throws Exception {
        int hosts = Benchmark.intArg(args, 0, 20);
        int pods = Benchmark.intArg(args, 1, 60);
        LabCluster.RegistryKind registry = LabCluster.RegistryKind.defaultKind();
        out.printf(Locale.ROOT, "registry: %s; cores: %d%n", registry, Runtime.getRuntime().availableProcessors());

        long t0 = System.nanoTime();
        try (LabCluster seed = LabScenario.up("seed", registry)) {
            out.printf(Locale.ROOT, "%-44s %8.1f s%n", "lab up seed (boot, break like the seed, deploy)", secs(t0));
        }

        t0 = System.nanoTime();
        try (LabCluster lab = LabCluster.create(ScaleScenario.spec(hosts), registry)) {
            SimCluster c = lab.cluster();
            c.boot();
            double booted = secs(t0);
            ScaleScenario.deploy(c, pods);
            out.printf(Locale.ROOT, "%-44s %8.1f s (boot %.1f s)%n", "lab up " + hosts + " hosts, " + pods + " pods", secs(t0), booted);
            convergence(out, lab);
        }
    }

    private static void convergence(PrintStream out, LabCluster lab) throws Exception {
        SimCluster c = lab.cluster();
        String target = c.hostNames().getLast();
        Container pod = lab.host(target).readKernel().containers().getFirst();
        Lease lease = c.registry().getLeases().leases().stream().filter(l -> l.publicIp().equals(c.hostSpec(target).ip())).findFirst().orElseThrow();
        c.faults().hangFlanneld(target);
        c.faults().deleteLease(lease.subnet());
        long start = System.nanoTime();
        c.registry().createLease(new Lease(lease.subnet(), lease.publicIp(), lease.backendType(), lease.vtepMac(), null), Duration.ofHours(24));
        // every other host's flanneld reacts to the watch event; the other daemons are not involved in a lease
        settledOnEveryHost(c, lease);
        double settled = secs(start);
        List<String> others = c.hostNames().stream().filter(h -> !h.equals(target)).toList();
        List<Future<Boolean>> curls = new ArrayList<>();
        // one thread per host: each curl is a process to wait for, and the common pool has one thread on two cores
        try (ExecutorService pool = Executors.newFixedThreadPool(others.size())) {
            for (String from : others) {
                curls.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        CommandResult r = lab.exec(from, List.of("curl", "-s", "-o", "/dev/null", "-I", "--max-time", "1", "http://" + pod.ip() + ":8080"));
                        if (r.ok()) return true;
                    }
                    return false;
                }));
            }
        }
        long ok = 0;
        for (Future<Boolean> f : curls) if (f.get()) ok++;
        out.printf(Locale.ROOT, "%-44s %8.2f s (routes on every host after %.2f s; %d/%d hosts' curl answered)%n",
                "convergence: lease -> curl from every host", secs(start), settled, ok, curls.size());
    }

    /**
     * Runs the agents until every other host routes to the lease (a real etcd delivers the event on its own thread).
     * The check looks at what each host's agents see ({@link SimCluster#host}: the lab host's cached view, carried over
     * the agents' route changes), not a fresh read of every kernel, which would cost more than the convergence itself;
     * the curls that follow are the check on the kernel.
     */
    private static void settledOnEveryHost(SimCluster c, Lease lease) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            c.settleOverlay();
            boolean all = c.hostNames().stream().filter(h -> !c.hostSpec(h).ip().equals(lease.publicIp()))
                    .allMatch(h -> c.host(h).routes().stream().anyMatch(r -> r.dst().equals(lease.subnet())));
            if (all) return;
            Thread.sleep(5);
        }
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
