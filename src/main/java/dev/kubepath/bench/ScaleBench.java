package dev.kubepath.bench;

import dev.kubepath.analysis.matrix.ReachabilityMatrix;
import dev.kubepath.analysis.matrix.Summary;
import dev.kubepath.cluster.Synthetic;
import dev.kubepath.doctor.Doctor;
import dev.kubepath.doctor.Report;
import dev.kubepath.model.Snapshot;
import dev.kubepath.report.Reports;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.Locale;

/**
 * The doctor against the matrix on the same synthetic clusters with all five fault kinds, in one JVM, so that their
 * ratio holds on a shared machine: wall time of each and the heap's peak during each. The doctor's growth should
 * be no faster than the matrix's (it is the matrix's classes plus the checks and one trace per failing class).
 */
public final class ScaleBench implements Benchmark {
    /** Every fault kind, as `kubepath generate --faults lost-lease=1,stale-routes=2,no-kube-proxy=1,forward-drop=1,wrong-vtep-mac=1`. */
    public static final Synthetic.Faults FAULTS = new Synthetic.Faults(1, 2, 1, 1, 1);

    @Override
    public String name() {
        return "scale";
    }

    @Override
    public String description() {
        return "matrix, doctor and report on faulty synthetic clusters, time, CPU and peak heap (args: [nodes,...=500,1000,2000,5000] [podsPerNode=30]"
                + " [servicesPerNode=2] [endpoints=5])";
    }

    @Override
    public void run(PrintStream out, String... args) throws java.io.IOException {
        int[] sizes = args.length > 0 ? Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {500, 1000, 2000, 5000};
        int pods = Benchmark.intArg(args, 1, 30);
        int servicesPerNode = Benchmark.intArg(args, 2, 2);
        int endpoints = Benchmark.intArg(args, 3, 5);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        out.printf(Locale.ROOT, "heap max %d MB, %d cores, load average %.1f at start%n", Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors(), os.getSystemLoadAverage());
        out.printf(Locale.ROOT, "%-7s %-9s %-9s %-9s %-9s %-10s %-9s %-9s %-10s %-8s %-8s %-9s %-9s %-10s %-8s %-14s %s%n", "nodes", "services", "build s",
                "matrix s", "mat CPU", "matrix MB", "doctor s", "doc CPU", "doctor MB", "doc/mat", "CPU d/m", "report s", "rep CPU", "report MB",
                "page MB", "failing flows", "findings");
        java.nio.file.Path page = java.nio.file.Files.createTempFile("kubepath-scale", ".html");
        for (int n : sizes) {
            long tb = System.nanoTime();
            Snapshot s = Synthetic.build(new Synthetic.Spec(n, pods, n * servicesPerNode, endpoints, 42, FAULTS));
            double build = (System.nanoTime() - tb) / 1e9;
            resetPeak();
            long t0 = System.nanoTime(), c0 = os.getProcessCpuTime();
            Summary m = ReachabilityMatrix.of(s).summarize(ReachabilityMatrix.Progress.NONE);
            double matrix = (System.nanoTime() - t0) / 1e9, matrixCpu = (os.getProcessCpuTime() - c0) / 1e9;
            long matrixMb = peakMb();
            resetPeak();
            long t1 = System.nanoTime(), c1 = os.getProcessCpuTime();
            Report r = Doctor.examine(s);
            double doctor = (System.nanoTime() - t1) / 1e9, doctorCpu = (os.getProcessCpuTime() - c1) / 1e9;
            long doctorMb = peakMb();
            // the report as `kubepath report` makes it: the doctor's findings given, the page written
            var findings = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(dev.kubepath.doctor.ReportText.json(r));
            resetPeak();
            long t2 = System.nanoTime(), c2 = os.getProcessCpuTime();
            long bytes = Reports.write(Reports.build(s, "synthetic", (com.fasterxml.jackson.databind.JsonNode) findings), page);
            double report = (System.nanoTime() - t2) / 1e9, reportCpu = (os.getProcessCpuTime() - c2) / 1e9;
            long reportMb = peakMb();
            // process CPU beside wall time: on a machine shared with other work the CPU a run took varies less
            out.printf(Locale.ROOT, "%-7d %-9d %-9.2f %-9.2f %-9.2f %-10d %-9.2f %-9.2f %-10d %-8.2f %-8.2f %-9.2f %-9.2f %-10d %-8.2f %-14d %d (%s)%n",
                    n, n * servicesPerNode, build, matrix, matrixCpu, matrixMb, doctor, doctorCpu, doctorMb, doctor / matrix, doctorCpu / matrixCpu,
                    report, reportCpu, reportMb, bytes / 1e6, r.failing(), r.findings().size(), r.verdict());
            if (m.flows() != r.totalFlows()) out.printf(Locale.ROOT, "  the doctor counted %d flows, the matrix %d%n", r.totalFlows(), m.flows());
            s = null;
            System.gc();
        }
        java.nio.file.Files.deleteIfExists(page);
        out.printf(Locale.ROOT, "load average %.1f at the end (the machine is shared: compare within this run)%n", os.getSystemLoadAverage());
    }

    private static void resetPeak() {
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
    }

    /** The heap's peak since the last reset: the sum of the pools' peaks (an upper bound of the heap's). */
    private static long peakMb() {
        long b = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) b += p.getPeakUsage().getUsed();
        return b >> 20;
    }
}
