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
 * like the seed, deployed), and a lab of HOSTS nodes (20) with PODS pods (60); then convergence, twice: a host's
 * lease is written back to the registry (as flanneld does on start) and the clock runs until every other host's HTTP
 * request to that host's pod is answered, sent by a probe already running in each host (the figure), then by a curl
 * started per host. Needs root.
 */
public final class LabBenchmark implements Benchmark {
    @Override
    public String name() {
        return "lab-up";
    }

    @Override
    public String description() {
        return "lab up time (seed; HOSTS=20 nodes with PODS=60 pods) and lease-to-HTTP convergence (a running probe, then curl) on real namespaces (root)";
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
            // a lease each round whose host carries a pod to probe, the last hosts first
            List<String> targets = c.hostNames().reversed().stream().filter(h -> !lab.host(h).readKernel().containers().isEmpty()).limit(2).toList();
            if (hosts < 3 || targets.size() < 2) {
                out.println("convergence: not measured (it needs 3 hosts or more, two of them with a pod)");
                return;
            }
            convergence(out, lab, targets.get(0), false);
            // the first round's host still has its flanneld hung: it keeps the route it had, and its curl counts too
            convergence(out, lab, targets.get(1), true);
        }
    }

    /**
     * How a host checks that it reaches the pod: the time it answers, in seconds since {@code t0}, or NaN. {@link
     * #close()} ends what it started.
     */
    private interface Probe extends AutoCloseable {
        double answered(String from, long t0) throws Exception;

        @Override
        default void close() {}
    }

    /** A curl per try, started once the host's route is in (as the operator would). */
    private static Probe curl(LabCluster lab, Container pod) {
        return (from, t0) -> {
            for (int i = 0; i < 50; i++) {
                CommandResult r = lab.exec(from, List.of("curl", "-s", "-o", "/dev/null", "-I", "--max-time", "1", "http://" + pod.ip() + ":8080"));
                if (r.ok()) return secs(t0);
            }
            return Double.NaN;
        };
    }

    /**
     * The same HTTP HEAD from a shell started in each host's namespace before the lease is written (a monitoring
     * probe already running), which sends it once that host's route is in: bash's /dev/tcp, no process started on
     * the clock. curl's own start (about 13 ms of CPU, 49 of them at once on 2 cores) is no part of the lab's
     * convergence, yet it was a third of the time measured with it.
     */
    private static Probe preStarted(LabCluster lab, List<String> hosts, Container pod) throws java.io.IOException {
        String script = "while read -r go; do { printf 'HEAD / HTTP/1.0\\r\\n\\r\\n' >&3; IFS= read -r -t 2 line <&3; echo \"${line:-none}\"; } "
                + "3<>/dev/tcp/" + pod.ip() + "/8080 2>/dev/null || echo fail; done";
        java.util.Map<String, Process> shells = new java.util.HashMap<>();
        for (String h : hosts) {
            shells.put(h, new ProcessBuilder(lab.netns(h).command(List.of("bash", "-c", script)))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start());
        }
        return new Probe() {
            @Override
            public double answered(String from, long t0) throws Exception {
                Process p = shells.get(from);
                var in = p.inputReader();
                var go = p.outputWriter();
                for (int i = 0; i < 50; i++) {
                    go.write("go\n");
                    go.flush();
                    String line = in.readLine();
                    if (line == null) return Double.NaN;
                    if (line.startsWith("HTTP/1.") && line.contains(" 200 ")) return secs(t0);
                    Thread.sleep(10);
                }
                return Double.NaN;
            }

            @Override
            public void close() {
                shells.values().forEach(Process::destroyForcibly);
            }
        };
    }

    /**
     * A host's lease is deleted and written back to the registry (as flanneld does on start) while that host's
     * flanneld hangs; each other host's agent is run on a thread of its own, as each host's flanneld reacts to the
     * watch event on its own, and that host's probe of a pod on the lease's host starts as soon as its own route is
     * in: the clock stops when the last host's probe is answered. (Waiting for every route before the first probe
     * added the slowest host's route to every host's probe, a step no real cluster takes.)
     */
    private static void convergence(PrintStream out, LabCluster lab, String target, boolean curlEachTry) throws Exception {
        SimCluster c = lab.cluster();
        Container pod = lab.host(target).readKernel().containers().getFirst();
        Lease lease = c.registry().getLeases().leases().stream().filter(l -> l.publicIp().equals(c.hostSpec(target).ip())).findFirst().orElseThrow();
        List<String> others = c.hostNames().stream().filter(h -> !h.equals(target)).toList();
        record Host(double routed, double answered) {}
        List<Future<Host>> hosts = new ArrayList<>();
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        double busy0;
        long cpu0;
        try (Probe probe = curlEachTry ? curl(lab, pod) : preStarted(lab, others, pod)) {
            c.faults().hangFlanneld(target);
            c.faults().deleteLease(lease.subnet());
            // one thread per host: each route change and each probe is a process to wait for
            try (ExecutorService pool = Executors.newFixedThreadPool(others.size())) {
                java.util.concurrent.CountDownLatch written = new java.util.concurrent.CountDownLatch(1);
                long[] t0 = new long[1];
                for (String from : others) {
                    hosts.add(pool.submit(() -> {
                        written.await();
                        double routed = routed(c, from, lease, t0[0]);
                        return new Host(routed, probe.answered(from, t0[0]));
                    }));
                }
                t0[0] = System.nanoTime();
                busy0 = machineBusySeconds();
                cpu0 = os.getProcessCpuTime();
                c.registry().createLease(new Lease(lease.subnet(), lease.publicIp(), lease.backendType(), lease.vtepMac(), null), Duration.ofHours(24));
                written.countDown();
            }
        }
        double busy = machineBusySeconds() - busy0, cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        List<Double> routed = new ArrayList<>(), answered = new ArrayList<>();
        for (Future<Host> f : hosts) {
            routed.add(f.get().routed());
            if (!Double.isNaN(f.get().answered())) answered.add(f.get().answered());
        }
        routed.sort(null);
        answered.sort(null);
        out.printf(Locale.ROOT, "%-44s %8.2f s (%d/%d hosts answered, the median host after %.2f s; routes on every host after %.2f s, the median host's after %.2f s)%n",
                "convergence: lease -> " + (curlEachTry ? "curl" : "HTTP probe"), answered.size() == hosts.size() ? answered.getLast() : Double.NaN,
                answered.size(), hosts.size(), answered.isEmpty() ? Double.NaN : answered.get(answered.size() / 2),
                routed.getLast(), routed.get(routed.size() / 2));
        // the cores' busy time over the same span says whether the lab waited on the CPU: with 2 cores, busy near
        // twice the wall time means it did; the rest is the agents' ip/bridge and the probes, processes of their own
        out.printf(Locale.ROOT, "%-44s %8.2f s CPU of the machine (%d cores) until the last answer; this process %.2f s%n",
                "", busy, Runtime.getRuntime().availableProcessors(), cpu);
    }

    /**
     * Runs one host's agent, as each watch event arrives (a real etcd delivers it on its own thread), until it routes
     * to the lease; returns the seconds since {@code t0}. The check looks at what the host's agents see ({@link
     * SimCluster#host}: the lab host's cached view, carried over the agents' route changes), not a fresh read of its
     * kernel; the probe that follows is the check on the kernel. An agent that leaves its event queued (a hung
     * flanneld) wakes the wait at once: such a host is given up after 1,000 tries, as not routed (NaN).
     */
    private static double routed(SimCluster c, String host, Lease lease, long t0) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            c.settleOverlay(host);
            if (c.host(host).routes().stream().anyMatch(r -> r.dst().equals(lease.subnet()))) return secs(t0);
            c.awaitOverlayEvent(host, 20);
        }
        return Double.NaN;
    }

    /** The machine's busy CPU time since boot (every core; /proc/stat's first line less idle and iowait). */
    private static double machineBusySeconds() throws java.io.IOException {
        String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) if (i != 4 && i != 5) busy += Long.parseLong(f[i]);
        return busy / 100.0; // USER_HZ
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
