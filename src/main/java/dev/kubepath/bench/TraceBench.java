package dev.kubepath.bench;

import dev.kubepath.cluster.Synthetic;
import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.model.Snapshot;
import dev.kubepath.net.SocketAddress;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.Locale;

/**
 * Builds a synthetic flannel cluster (default 5,000 hosts, full route tables) and traces random cross-host
 * pod-to-pod and NodePort flows one at a time on one thread: build time and per-flow latency percentiles.
 */
public final class TraceBench implements Benchmark {
    @Override
    public String name() {
        return "trace";
    }

    @Override
    public String description() {
        return "build a 5,000-host snapshot, then trace random pod-to-pod and NodePort flows (args: [hosts] [flows])";
    }

    @Override
    public void run(PrintStream out, String... args) {
        int hosts = Benchmark.intArg(args, 0, 5000);
        int flows = Benchmark.intArg(args, 1, 200_000);
        long t0 = System.nanoTime();
        Snapshot s = Synthetic.build(new Synthetic.Spec(hosts, 1, 10, 3, 42));
        long built = System.nanoTime() - t0;
        DataPlane dp = new DataPlane(s);
        long t1 = System.nanoTime();
        // Touch every host once so the per-host indexes exist; their cost is reported apart from tracing.
        for (int i = 0; i < hosts; i++) dp.trace(Synthetic.hostName(i), new Probe.Curl(new SocketAddress(Synthetic.podIp(i, 0), Synthetic.POD_PORT)));
        long indexed = System.nanoTime() - t1;
        SplittableRandom r = new SplittableRandom(7);
        long[] podToPod = measure(dp, r, flows / 2, hosts, false);
        long[] nodePort = measure(dp, r, flows / 2, hosts, true);
        out.printf(Locale.ROOT, "hosts %d, routes per host %d%n", hosts, hosts + 2);
        out.printf(Locale.ROOT, "build snapshot        %8.2f s%n", built / 1e9);
        out.printf(Locale.ROOT, "index all hosts       %8.2f s (first trace from each host)%n", indexed / 1e9);
        report(out, "pod-to-pod cross-host", podToPod);
        report(out, "NodePort (rr, 3 pods)", nodePort);
        out.println("  (a NodePort flow is traced once per backend: 3 walks; step text is written when read)");
        long[] story = new long[2000];
        for (int i = 0; i < story.length; i++) {
            Trace t = dp.trace(Synthetic.hostName(r.nextInt(hosts)), new Probe.Curl(new SocketAddress(Synthetic.hostIp(r.nextInt(hosts)), Synthetic.NODE_PORT_BASE)));
            long t0s = System.nanoTime();
            dev.kubepath.dataplane.TraceText.story(t);
            story[i] = System.nanoTime() - t0s;
        }
        report(out, "writing one story", story);
    }

    private static long[] measure(DataPlane dp, SplittableRandom r, int flows, int hosts, boolean nodePort) {
        long[] ns = new long[flows];
        int delivered = 0;
        String firstFailure = null;
        for (int f = 0; f < flows; f++) {
            int from = r.nextInt(hosts), to = r.nextInt(hosts);
            if (to == from) to = (to + 1) % hosts;
            SocketAddress target = nodePort ? new SocketAddress(Synthetic.hostIp(to), Synthetic.NODE_PORT_BASE + r.nextInt(10))
                    : new SocketAddress(Synthetic.podIp(to, 0), Synthetic.POD_PORT);
            long t = System.nanoTime();
            Trace tr = dp.trace(Synthetic.hostName(from), new Probe.Curl(target));
            ns[f] = System.nanoTime() - t;
            if (tr.verdict() == Verdict.DELIVERED) delivered++;
            else if (firstFailure == null) firstFailure = tr.verdict() + ": " + tr.reason();
        }
        if (delivered != flows) throw new IllegalStateException("healthy synthetic cluster: only " + delivered + " of " + flows + " delivered; first failure: " + firstFailure);
        return ns;
    }

    private static void report(PrintStream out, String what, long[] ns) {
        long[] skip = Arrays.copyOfRange(ns, ns.length / 10, ns.length); // the first tenth warms the JIT
        Arrays.sort(skip);
        out.printf(Locale.ROOT, "%-22s median %6.1f us  p90 %6.1f us  p99 %6.1f us  (%d flows)%n", what,
                skip[skip.length / 2] / 1e3, skip[skip.length * 9 / 10] / 1e3, skip[skip.length * 99 / 100] / 1e3, skip.length);
    }
}
