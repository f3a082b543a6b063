package dev.kubepath.bench;

import dev.kubepath.report.ReportData;
import dev.kubepath.report.ReportPage;
import dev.kubepath.report.Reports;
import dev.kubepath.cluster.Synthetic;
import dev.kubepath.model.Snapshot;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a report of a generated cluster costs: the topology, the symptom matrix (every host against every frontend),
 * the page. Rounds after the first show the warm figures; the size is the HTML file's.
 */
public final class ReportBenchmark implements Benchmark {
    @Override
    public String name() {
        return "report";
    }

    @Override
    public String description() {
        return "build the HTML report of a synthetic cluster [hosts, default 200] [services, default 3] [rounds, default 3]";
    }

    @Override
    public void run(PrintStream out, String... args) throws Exception {
        Setup setup = Setup.of(args);
        Snapshot s = setup.cluster();
        out.printf(Locale.ROOT, "%-6s %8s %10s %10s %10s %12s%n", "round", "flows", "data ms", "page ms", "total ms", "bytes");
        for (int r = 0; r < setup.rounds(); r++) {
            long t0 = System.nanoTime();
            ReportData data = Reports.build(s, "synthetic", null);
            long t1 = System.nanoTime();
            String html = ReportPage.html(data);
            long t2 = System.nanoTime();
            out.printf(Locale.ROOT, "%-6d %8d %10d %10d %10d %12d%n", r, data.matrix().path("summary").path("flows").asInt(),
                    ms(t1 - t0), ms(t2 - t1), ms(t2 - t0), html.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    /**
     * The arguments both report benchmarks (this and {@link ReportPageBench}) take, [hosts=200] [services=3]
     * [rounds=3], and the synthetic cluster they describe (2 pods a node, 2 endpoints a service, seed 7).
     */
    record Setup(int hosts, int services, int rounds) {
        static Setup of(String... args) {
            return new Setup(Benchmark.intArg(args, 0, 200), Benchmark.intArg(args, 1, 3), Benchmark.intArg(args, 2, 3));
        }

        Snapshot cluster() {
            return Synthetic.build(new Synthetic.Spec(hosts, 2, services, 2, 7));
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
