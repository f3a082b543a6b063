package dev.kubepath.bench;

import dev.kubepath.analysis.matrix.Destination;
import dev.kubepath.analysis.matrix.Flow;
import dev.kubepath.analysis.matrix.ReachabilityMatrix;
import dev.kubepath.analysis.matrix.Summary;
import dev.kubepath.cluster.Synthetic;
import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.EndpointCoverage;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.model.Snapshot;

import java.io.PrintStream;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Locale;

/**
 * The whole-cluster matrix of a synthetic cluster with faults: build time, matrix time, then a sample of flows
 * checked one by one against the per-flow tracer, whose mean time extrapolates what tracing every flow would cost.
 * With "growth" as first argument: the matrix time at 500, 1,000, 2,000 and 5,000 nodes.
 */
public final class MatrixBench implements Benchmark {
    public static final Synthetic.Faults FAULTS = new Synthetic.Faults(2, 3, 1, 2, 1);

    @Override
    public String name() {
        return "matrix";
    }

    @Override
    public String description() {
        return "whole-cluster matrix of a faulty synthetic cluster vs per-flow tracing "
                + "(args: [nodes=5000] [podsPerNode=30] [services=10000] [endpoints=5] [sample=10000] | growth [podsPerNode=30] [services=10000]"
                + " | dns [nodes=5000] [podsPerNode=30] [services=10000])";
    }

    @Override
    public void run(PrintStream out, String... args) {
        if (args.length > 0 && args[0].equals("growth")) growth(out, args);
        else if (args.length > 0 && args[0].equals("dns")) dns(out, args);
        else whole(out, args);
    }

    /**
     * The same cluster without and with cluster DNS (kube-dns: UDP and TCP 53, two CoreDNS pods), its matrix three
     * times each, alternating: the best warm time of each and their ratio, the cost of the UDP flows and DNS.
     */
    private static void dns(PrintStream out, String... args) {
        int nodes = Benchmark.intArg(args, 1, 5000);
        int pods = Benchmark.intArg(args, 2, 30);
        int services = Benchmark.intArg(args, 3, 10000);
        Synthetic.Spec without = new Synthetic.Spec(nodes, pods, services, 5, 42, FAULTS);
        Snapshot[] snapshots = {Synthetic.build(without), Synthetic.build(without.withClusterDns(true))};
        Run[] best = new Run[2];
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < 2; k++) {
                Run r = Run.of(snapshots[k]);
                if (best[k] == null || r.wall < best[k].wall) best[k] = r;
            }
        }
        String[] names = {"without DNS", "with DNS"};
        for (int k = 0; k < 2; k++) {
            out.printf(Locale.ROOT, "%-12s matrix best of 3 %8.2f s wall, %.2f s CPU   %,d flows (ClusterIPs %,d per host), %d flows traced%n", names[k],
                    best[k].wall, best[k].cpu, best[k].summary.flows(), best[k].summary.clusterIps(), best[k].summary.traced());
        }
        out.printf(Locale.ROOT, "ratio        with / without DNS: time %.3f, flows %.5f%n", best[1].wall / best[0].wall,
                (double) best[1].summary.flows() / best[0].summary.flows());
    }

    /** The matrix of clusters of 500 to 5,000 nodes: how its time and heap grow. */
    private static void growth(PrintStream out, String... args) {
        int pods = Benchmark.intArg(args, 1, 30);
        int services = Benchmark.intArg(args, 2, 10000);
        out.printf(Locale.ROOT, "%-7s %-9s %-14s %-14s %-9s %-16s %-10s %-8s %s%n", "nodes", "build s", "matrix 1st s", "matrix warm s", "CPU s",
                "flows", "classes", "traced", "heap MB");
        for (int n : new int[] {500, 1000, 2000, 5000}) {
            long t0 = System.nanoTime();
            Snapshot s = Synthetic.build(new Synthetic.Spec(n, pods, services, 5, 42, FAULTS));
            double build = (System.nanoTime() - t0) / 1e9;
            Run first = Run.of(s), warm = Run.of(s);
            for (int k = 0; k < 2; k++) {
                Run next = Run.of(s);
                if (next.wall < warm.wall) warm = next;
            }
            out.printf(Locale.ROOT, "%-7d %-9.2f %-14.2f %-14.2f %-9.2f %-16d %-10d %-8d %d%n", n, build, first.wall, warm.wall, warm.cpu,
                    warm.summary.flows(), warm.matrix.hostClasses(), warm.summary.traced(), usedMb());
            s = null;
            System.gc();
        }
    }

    /** One cluster's matrix, three runs, then a sample of its flows checked against the tracer. */
    private static void whole(PrintStream out, String... args) {
        int nodes = Benchmark.intArg(args, 0, 5000);
        int pods = Benchmark.intArg(args, 1, 30);
        int services = Benchmark.intArg(args, 2, 10000);
        int eps = Benchmark.intArg(args, 3, 5);
        int sample = Benchmark.intArg(args, 4, 10000);
        Synthetic.Spec spec = new Synthetic.Spec(nodes, pods, services, eps, 42, FAULTS);
        out.printf(Locale.ROOT, "cluster: %d nodes, %d pods, %d services x %d endpoints, faults %s%n", nodes, nodes * pods, services, eps, FAULTS);
        long t0 = System.nanoTime();
        Snapshot s = Synthetic.build(spec);
        out.printf(Locale.ROOT, "build snapshot          %8.2f s   heap %d MB%n", (System.nanoTime() - t0) / 1e9, usedMb());
        // the first run is what one `kubepath matrix` sees (the JIT compiler still at work); the next two, warmed
        Run first = Run.of(s);
        out.printf(Locale.ROOT, "matrix, first run       %8.2f s wall, %.2f s CPU (host classes %.2f s; %d host signatures, %d flows traced)   heap %d MB%n",
                first.wall, first.cpu, first.factor, first.matrix.hostClasses(), first.summary.traced(), usedMb());
        for (int k = 2; k <= 3; k++) {
            Run again = Run.of(s);
            out.printf(Locale.ROOT, "matrix, run %d           %8.2f s wall, %.2f s CPU (host classes %.2f s)   heap %d MB%n", k, again.wall, again.cpu, again.factor, usedMb());
        }
        ReachabilityMatrix m = first.matrix;
        Summary sum = first.summary;
        double full = first.wall;
        out.printf(Locale.ROOT, "flows                   %,d  (pod subnets %,d, ClusterIPs %,d, NodeIP:nodePorts %,d per host)%n",
                sum.flows(), sum.podSubnets(), sum.clusterIps(), sum.nodePorts());
        sum.byKind().forEach((k, c) -> out.printf(Locale.ROOT, "  %-10s %s%n", k, c.toMap()));
        Sample checked = sample(out, s, m, sample);
        double perFlow = checked.traceNs / 1e9 / Math.max(1, sample);
        double extrapolated = perFlow * sum.flows();
        out.printf(Locale.ROOT, "sample                  %d flows checked against the tracer: %d mismatches%n", sample, checked.mismatches);
        out.printf(Locale.ROOT, "per-flow tracing        %.1f us a flow with host indexes built (%.1f us with building them) -> %.3g s for all %,d flows (%.1f days)%n",
                perFlow * 1e6, checked.coldNs / 1e3 / Math.max(1, sample), extrapolated, sum.flows(), extrapolated / 86400);
        out.printf(Locale.ROOT, "speed-up                %.3g x%n", extrapolated / full);
        if (checked.mismatches > 0) throw new IllegalStateException(checked.mismatches + " of " + sample + " sampled flows differ from the tracer");
    }

    /** What the sample cost the tracer (the second trace of each flow, and the first), and how many flows disagreed. */
    private record Sample(long traceNs, long coldNs, int mismatches) {}

    /** Random flows, each answered by the matrix and by the tracer; the first five disagreements are printed. */
    private static Sample sample(PrintStream out, Snapshot s, ReachabilityMatrix m, int sample) {
        DataPlane tracer = null;
        long coldNs = 0;
        List<String> hosts = m.hostNames();
        List<Destination.PodSubnet> podDests = m.podSubnets();
        List<Destination.ClusterIp> cips = m.clusterIps();
        SplittableRandom r = new SplittableRandom(7);
        long traceNs = 0;
        int mismatches = 0;
        for (int i = 0; i < sample; i++) {
            String from = hosts.get(r.nextInt(hosts.size()));
            int kind = r.nextInt(3);
            Destination d = kind == 0 || cips.isEmpty() ? podDests.get(r.nextInt(podDests.size()))
                    : kind == 1 ? cips.get(r.nextInt(cips.size())) : m.nodePort(r.nextLong(m.nodePortCount()));
            Flow f = m.flow(from, d);
            // a fresh data plane every 250 flows keeps its per-host indexes within the heap; the first trace of a
            // flow pays for the indexes of the hosts it meets, the second is the steady per-flow cost
            if (i % 250 == 0) tracer = new DataPlane(s);
            long t = System.nanoTime();
            tracer.trace(from, d.probe());
            long t2 = System.nanoTime();
            Trace tr = tracer.trace(from, d.probe());
            traceNs += System.nanoTime() - t2;
            coldNs += t2 - t;
            EndpointCoverage c = tr.coverage() != null ? tr.coverage() : tr.verdict() == Verdict.DELIVERED ? EndpointCoverage.ALL : EndpointCoverage.NONE;
            if (tr.verdict() != f.verdict() || c != f.endpoints()) {
                if (mismatches++ < 5) out.println("MISMATCH " + from + " -> " + d.label() + ": matrix " + f.verdict() + "/" + f.endpoints() + ", tracer " + tr.verdict() + "/" + c);
            }
        }
        return new Sample(traceNs, coldNs, mismatches);
    }

    /** One whole matrix: wall and process CPU time, and how long the host reduction took of it. */
    private record Run(ReachabilityMatrix matrix, Summary summary, double wall, double cpu, double factor) {
        static Run of(Snapshot s) {
            long t0 = System.nanoTime(), cpu0 = cpuNs();
            ReachabilityMatrix m = ReachabilityMatrix.of(s);
            double factor = (System.nanoTime() - t0) / 1e9;
            Summary sum = m.summarize(ReachabilityMatrix.Progress.NONE);
            return new Run(m, sum, (System.nanoTime() - t0) / 1e9, (cpuNs() - cpu0) / 1e9, factor);
        }
    }

    /** CPU time of the whole process: on a shared machine, wall time alone says more about the neighbours. */
    private static long cpuNs() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    private static long usedMb() {
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }
}
