package dev.kubepath.bench;

import dev.kubepath.flannel.NetworkConfigs;
import dev.kubepath.flannel.vxlan.DesiredState;
import dev.kubepath.flannel.vxlan.Underlay;
import dev.kubepath.flannel.vxlan.VxlanBackend;
import dev.kubepath.host.SimulatedHost;
import dev.kubepath.model.FlannelConfig;
import dev.kubepath.model.Host;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Time for one host to compute its desired state, and the diff against its converged state, in an N-lease network. */
public final class FlannelDesiredStateBenchmark implements Benchmark {
    @Override
    public String name() {
        return "flannel-desired-state";
    }

    @Override
    public String description() {
        return "vxlan backend: desired state and diff for one host in an N-lease network (default 5000; target <= 10 ms)";
    }

    @Override
    public void run(PrintStream out, String... args) {
        int n = Benchmark.intArg(args, 0, 5000);
        int rounds = Benchmark.intArg(args, 1, 200);
        FlannelConfig config = NetworkConfigs.parse(FlannelBenchSupport.CONFIG);
        List<Lease> leases = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Prefix subnet = Prefix.of(config.subnetMin().network().plus(i << 8), 24);
            leases.add(new Lease(subnet, FlannelBenchSupport.nodeIp(i), "vxlan", new Mac(0x020000000000L + i), null));
        }
        SimulatedHost host = FlannelBenchSupport.node(0);
        Host h = host.read();
        VxlanBackend backend = new VxlanBackend(config, new Underlay("eth0", FlannelBenchSupport.nodeIp(0), Prefix.parse("10.0.0.0/16"), 1500));
        Lease own = leases.getFirst();
        DesiredState want = backend.desired(own, leases);
        backend.reconcile(host, want); // converged host: the steady-state diff is what a lease event costs
        Host converged = host.read();

        long[] desired = new long[rounds], diffFresh = new long[rounds], diffSteady = new long[rounds];
        int freshChanges = 0, steadyChanges = 0;
        for (int warm = 0; warm < 2; warm++) {
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                DesiredState d = backend.desired(own, leases);
                long t1 = System.nanoTime();
                freshChanges = backend.diff(h, d).size();
                long t2 = System.nanoTime();
                steadyChanges = backend.diff(converged, d).size();
                long t3 = System.nanoTime();
                desired[r] = t1 - t0;
                diffFresh[r] = t2 - t1;
                diffSteady[r] = t3 - t2;
            }
        }
        out.printf(Locale.ROOT, "leases=%d rounds=%d changes: %d for an empty host, %d for a converged one%n", n, rounds, freshChanges, steadyChanges);
        out.printf(Locale.ROOT, "%-28s %9s %9s%n", "step", "p50 ms", "p99 ms");
        line(out, "desired state", desired);
        line(out, "diff vs empty host", diffFresh);
        line(out, "diff vs converged host", diffSteady);
        long[] total = new long[rounds];
        for (int r = 0; r < rounds; r++) total[r] = desired[r] + diffSteady[r];
        line(out, "desired + steady diff", total);
    }

    private static void line(PrintStream out, String label, long[] values) {
        long[] s = FlannelBenchSupport.sorted(values);
        out.printf(Locale.ROOT, "%-28s %9s %9s%n", label, FlannelBenchSupport.ms(FlannelBenchSupport.percentile(s, 50)),
                FlannelBenchSupport.ms(FlannelBenchSupport.percentile(s, 99)));
    }
}
