package dev.kubepath.bench;

import dev.kubepath.cluster.ApiServer;
import dev.kubepath.cluster.Manifests;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.proxy.ProxyMode;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code kubepath bench live-sim [NODES [PODS_PER_NODE [SERVICES [HOURS]]]]}: a live simulated cluster of NODES
 * nodes (1,000) with kube-proxy in IPVS mode, SERVICES ClusterIP services (1,000) each in front of a Deployment, and
 * PODS_PER_NODE pods (20) a node: the wall time to boot it (every daemon started, every pod running, every virtual
 * server programmed), then to run HOURS (48) simulated hours of lease renewals, and the heap it holds.
 */
public final class LiveSimBench implements Benchmark {
    @Override
    public String name() {
        return "live-sim";
    }

    @Override
    public String description() {
        return "a live simulation of NODES=1000 nodes, PODS_PER_NODE=20, SERVICES=1000 (IPVS): boot, HOURS=48 of renewals, heap";
    }

    @Override
    public void run(PrintStream out, String... args) {
        int nodes = Benchmark.intArg(args, 0, 1000);
        int perNode = Benchmark.intArg(args, 1, 20);
        int services = Benchmark.intArg(args, 2, 1000);
        int hours = Benchmark.intArg(args, 3, 48);
        if (nodes < 1 || nodes > 60_000 || services < 1 || services > 60_000) {
            throw new dev.kubepath.ingest.InputException("live-sim: NODES and SERVICES are 1 to 60000");
        }
        out.printf(Locale.ROOT, "live-sim: %d nodes, %d pods, %d services, IPVS; cores %d, max heap %d MB, load %.1f%n", nodes, nodes * perNode,
                services, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        long t0 = System.nanoTime(), cpu0 = cpu();
        SimCluster c = SimCluster.embedded(spec(nodes));
        c.boot();
        double booted = secs(t0);
        c.apply(Manifests.parse("live-sim.yaml", manifests(services, nodes * perNode)));
        double deployed = secs(t0);
        out.printf(Locale.ROOT, "%-40s %8.1f s (daemons %.1f s, pods and services %.1f s); CPU %.1f s%n", "boot", deployed, booted,
                deployed - booted, (cpu() - cpu0) / 1e9);
        out.printf(Locale.ROOT, "%-40s %8d MB%n", "heap after boot (after a GC)", heapMb());
        t0 = System.nanoTime();
        cpu0 = cpu();
        c.advance(Duration.ofHours(hours));
        out.printf(Locale.ROOT, "%-40s %8.1f s (%d leases held); CPU %.1f s%n", hours + " simulated hours", secs(t0),
                c.registry().getLeases().leases().size(), (cpu() - cpu0) / 1e9);
        out.printf(Locale.ROOT, "%-40s %8d MB%n", "heap after the hours (after a GC)", heapMb());
    }

    /** NODES nodes on 10.0.0.0/16 and a pod network with room for them (/24 each). */
    static SimCluster.Spec spec(int nodes) {
        List<SimCluster.HostSpec> hosts = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            Ipv4 ip = Ipv4.parse("10.0." + (i / 250) + "." + (i % 250 + 1));
            hosts.add(new SimCluster.HostSpec(String.format(Locale.ROOT, "node%05d", i + 1), ip, 16, Ipv4.parse("10.0.255.254"),
                    true, true, false, null, null, null));
        }
        String flannel = "{\"Network\":\"10.128.0.0/9\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\"}}";
        return new SimCluster.Spec("live-sim-" + nodes, 7, Instant.parse("2024-06-03T14:00:00Z"), flannel,
                new ApiServer.Config(Prefix.parse("10.96.0.0/12"), 30000, 32767, 7, null), ProxyMode.IPVS, hosts);
    }

    /** SERVICES Deployments sharing PODS pods between them, each behind a ClusterIP service. */
    static String manifests(int services, int pods) {
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < services; s++) {
            int replicas = pods / services + (s < pods % services ? 1 : 0);
            sb.append(String.format(Locale.ROOT, """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: app%1$d, labels: {app: app%1$d}}
                    spec:
                      replicas: %2$d
                      selector: {matchLabels: {app: app%1$d}}
                      template:
                        metadata: {labels: {app: app%1$d}}
                        spec:
                          containers:
                          - {name: web, image: python:3, ports: [{containerPort: 8080}]}
                    ---
                    apiVersion: v1
                    kind: Service
                    metadata: {name: app%1$d}
                    spec:
                      selector: {app: app%1$d}
                      ports: [{port: 80, targetPort: 8080}]
                    ---
                    """, s, replicas));
        }
        return sb.toString();
    }

    /** CPU time of the whole process: on a machine shared with other builds, wall time says little. */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long heapMb() {
        System.gc();
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) >> 20;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
