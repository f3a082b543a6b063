package dev.kubepath.bench;

import dev.kubepath.flannel.OverlayAgent;
import dev.kubepath.flannel.etcd.EtcdProcess;
import dev.kubepath.flannel.etcd.EtcdV2Registry;
import dev.kubepath.flannel.etcd.EtcdV3Registry;
import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.Locale;

/**
 * Time from a new lease being written to etcd until every other agent's desired state routes to it: N agents
 * (default 100) in background mode, after one warm-up lease whose worst case is reported apart, each with its own etcd client and watch, on a loopback etcd.
 */
public final class FlannelPropagationBenchmark implements Benchmark {
    @Override
    public String name() {
        return "flannel-propagation";
    }

    @Override
    public String description() {
        return "new lease in etcd -> every agent's desired state (p50/p99; target p99 <= 100 ms); args: [agents] [leases] [v2|v3]";
    }

    @Override
    public void run(PrintStream out, String... args) throws Exception {
        int agents = Benchmark.intArg(args, 0, 100);
        int newLeases = Benchmark.intArg(args, 1, 20);
        List<String> apis = args.length > 2 ? List.of(args[2]) : List.of("v2", "v3");
        if (!EtcdProcess.available()) {
            out.println("etcd not installed at " + EtcdProcess.BINARY + ": nothing measured");
            return;
        }
        out.println("latency from the write request (includes etcd's commit and fsync) and from the write's acknowledgement");
        out.printf(Locale.ROOT, "%-4s %7s %7s %9s %9s %9s %9s %12s %12s %12s%n", "api", "agents", "leases", "samples", "p50 ms", "p99 ms",
                "max ms", "ack p50 ms", "ack p99 ms", "1st max ms");
        for (String api : apis) {
            try (EtcdProcess etcd = EtcdProcess.start()) {
                Function<Integer, SubnetRegistry> clients = api.equals("v3")
                        ? i -> new EtcdV3Registry(etcd.clientUrls())
                        : i -> new EtcdV2Registry(etcd.clientUrls());
                measure(out, api, agents, newLeases, clients);
            }
        }
    }

    private static void measure(PrintStream out, String api, int agents, int newLeases,
                                Function<Integer, SubnetRegistry> clients) throws Exception {
        Map<Prefix, Long> written = new ConcurrentHashMap<>();
        Map<Prefix, Long> acked = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Long> samples = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> fromAck = new ConcurrentLinkedQueue<>();
        List<SubnetRegistry> registries = new ArrayList<>();
        List<OverlayAgent> running = new ArrayList<>();
        try {
            SubnetRegistry writer = clients.apply(-1);
            registries.add(writer);
            writer.setConfig(FlannelBenchSupport.CONFIG);
            for (int i = 0; i < agents; i++) {
                SubnetRegistry r = clients.apply(i);
                registries.add(r);
                OverlayAgent a = timedAgent(i, r, written, acked, samples, fromAck);
                running.add(a);
                a.startBackground();
            }
            awaitRunning(running);
            long firstMax = 0;
            for (int k = 0; k <= newLeases; k++) {
                Prefix p = Prefix.parse("10.255." + k + ".0/24");
                Lease l = new Lease(p, Ipv4.parse("10.1.0.0").plus(k + 1), "vxlan", new Mac(0x020000aa0000L + k), null);
                written.put(p, System.nanoTime());
                writer.createLease(l, Duration.ofHours(1));
                acked.put(p, System.nanoTime());
                long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (samples.size() < (long) Math.max(1, k) * agents && System.nanoTime() < until) Thread.sleep(1);
                Thread.sleep(20);
                if (k == 0) {
                    // the first lease pays for class loading and JIT in every agent: reported apart
                    firstMax = samples.stream().mapToLong(Long::longValue).max().orElse(0);
                    samples.clear();
                    fromAck.clear();
                }
            }
            long[] s = FlannelBenchSupport.sorted(samples.stream().mapToLong(Long::longValue).toArray());
            int expected = agents * newLeases;
            long[] a = FlannelBenchSupport.sorted(fromAck.stream().mapToLong(Long::longValue).toArray());
            out.printf(Locale.ROOT, "%-4s %7d %7d %9s %9s %9s %9s %12s %12s %12s%n", api, agents, newLeases, s.length + "/" + expected,
                    FlannelBenchSupport.ms(FlannelBenchSupport.percentile(s, 50)), FlannelBenchSupport.ms(FlannelBenchSupport.percentile(s, 99)),
                    FlannelBenchSupport.ms(s.length == 0 ? 0 : s[s.length - 1]),
                    FlannelBenchSupport.ms(FlannelBenchSupport.percentile(a, 50)), FlannelBenchSupport.ms(FlannelBenchSupport.percentile(a, 99)),
                    FlannelBenchSupport.ms(firstMax));
        } finally {
            running.forEach(OverlayAgent::close);
            registries.forEach(SubnetRegistry::close);
        }
    }

    /**
     * Agent i, timing each new lease from its write ({@code written}) and from the writer's answer ({@code acked}) to
     * the reconcile that first routes to it.
     */
    private static OverlayAgent timedAgent(int i, SubnetRegistry r, Map<Prefix, Long> written, Map<Prefix, Long> acked,
                                           ConcurrentLinkedQueue<Long> samples, ConcurrentLinkedQueue<Long> fromAck) {
        OverlayAgent a = new OverlayAgent(r, FlannelBenchSupport.node(i), OverlayAgent.Settings.flannel("eth0"),
                Clock.systemUTC(), new SplittableRandom(i), Optional.empty(), env -> { }, msg -> { });
        Map<Prefix, Boolean> seen = new ConcurrentHashMap<>();
        a.addReconcileListener(d -> {
            long now = System.nanoTime();
            if (written.isEmpty()) return;
            for (Route route : d.routes()) {
                Long t = written.get(route.dst());
                if (t != null && seen.putIfAbsent(route.dst(), true) == null) {
                    samples.add(now - t);
                    Long ack = acked.get(route.dst());
                    // seen before the writer got its answer: 0 after the ack
                    fromAck.add(ack == null ? 0 : Math.max(0, now - ack));
                }
            }
        });
        return a;
    }

    /** Until every agent runs and has reconciled once (60 s at most), then a moment for the watches to settle. */
    private static void awaitRunning(List<OverlayAgent> running) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (running.stream().anyMatch(a -> a.state() != OverlayAgent.State.RUNNING || a.lastDesired() == null)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("agents did not start within 60 s");
            Thread.sleep(20);
        }
        Thread.sleep(300);
    }
}
