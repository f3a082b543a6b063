package dev.kubepath.bench;

import dev.kubepath.flannel.NetworkConfigs;
import dev.kubepath.flannel.etcd.EtcdProcess;
import dev.kubepath.flannel.etcd.EtcdV2Registry;
import dev.kubepath.flannel.etcd.EtcdV3Registry;
import dev.kubepath.flannel.registry.EmbeddedRegistry;
import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.flannel.subnet.SubnetManager;
import dev.kubepath.model.FlannelConfig;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.io.PrintStream;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.Locale;

/** N agents (default 1000) acquire a lease each, 16 at a time, against the embedded registry and a real etcd. */
public final class FlannelAcquireBenchmark implements Benchmark {
    @Override
    public String name() {
        return "flannel-acquire";
    }

    @Override
    public String description() {
        return "N flannel agents acquiring subnet leases (embedded registry, etcd v2, etcd v3); args: [agents] [threads]";
    }

    @Override
    public void run(PrintStream out, String... args) throws Exception {
        int agents = Benchmark.intArg(args, 0, 1000);
        int threads = Benchmark.intArg(args, 1, 16);
        FlannelConfig config = NetworkConfigs.parse(FlannelBenchSupport.CONFIG);
        out.printf(Locale.ROOT, "%-10s %7s %7s %10s %9s %9s %9s%n", "registry", "agents", "threads", "total ms", "p50 ms", "p99 ms", "acq/s");
        row(out, "embedded", agents, threads, config, EmbeddedRegistry::new);
        if (!EtcdProcess.available()) {
            out.println("etcd not installed at " + EtcdProcess.BINARY + ": etcd rows skipped");
            return;
        }
        try (EtcdProcess etcd = EtcdProcess.start()) {
            row(out, "etcd-v2", agents, threads, config, () -> new EtcdV2Registry(etcd.clientUrls()));
            row(out, "etcd-v3", agents, threads, config, () -> new EtcdV3Registry(etcd.clientUrls()));
        }
    }

    private static void row(PrintStream out, String label, int agents, int threads, FlannelConfig config,
                            Supplier<SubnetRegistry> registries) throws Exception {
        long[] each = new long[agents];
        Set<Prefix> got = new HashSet<>();
        try (SubnetRegistry registry = registries.get()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            try {
                List<Future<Lease>> results = new java.util.ArrayList<>();
                for (int i = 0; i < agents; i++) {
                    int n = i;
                    results.add(pool.submit(() -> {
                        long t0 = System.nanoTime();
                        SubnetManager m = new SubnetManager(registry, config, FlannelBenchSupport.nodeIp(n),
                                new Mac(0x020000000000L + n), Clock.systemUTC(), new SplittableRandom(n),
                                SubnetManager.Options.FLANNEL, msg -> { });
                        Lease l = m.acquire(Optional.empty());
                        each[n] = System.nanoTime() - t0;
                        return l;
                    }));
                }
                for (Future<Lease> f : results) got.add(f.get().subnet());
            } finally {
                pool.shutdownNow();
            }
            long total = System.nanoTime() - start;
            if (got.size() != agents) throw new IllegalStateException(label + ": " + got.size() + " distinct subnets for " + agents + " agents");
            long[] s = FlannelBenchSupport.sorted(each);
            out.printf(Locale.ROOT, "%-10s %7d %7d %10s %9s %9s %9.0f%n", label, agents, threads, FlannelBenchSupport.ms(total),
                    FlannelBenchSupport.ms(FlannelBenchSupport.percentile(s, 50)), FlannelBenchSupport.ms(FlannelBenchSupport.percentile(s, 99)),
                    agents / (total / 1e9));
        }
    }
}
