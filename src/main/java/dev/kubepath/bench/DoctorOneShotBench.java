package dev.kubepath.bench;

import dev.kubepath.ingest.InputException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a user waits for: {@code ./kubepath doctor BUNDLE} on {@link DoctorBenchmark}'s 1,000-host text bundle, each
 * run a new process through the launcher (JVM start, start-up cache, reading, the doctor and its printed report).
 * The launcher's own JVM options are compared, alternating run by run, with the same command given the JIT's
 * default top tier back ({@code KUBEPATH_JAVA_OPTS=-XX:TieredStopAtLevel=4}), so the ratio holds within one run on a
 * shared machine.
 */
public final class DoctorOneShotBench implements Benchmark {
    @Override
    public String name() {
        return "doctor-one-shot";
    }

    @Override
    public String description() {
        return "./kubepath doctor on a synthetic 1,000-host text bundle, one process a run, the launcher's options against the JIT's default, or against another checkout's launcher (args: [hosts] [runs each] [other launcher])";
    }

    /** One way of running the command: a name, the launcher and what it adds to KUBEPATH_JAVA_OPTS. */
    private record Variant(String name, Path launcher, String javaOpts) {}

    @Override
    public void run(PrintStream out, String... args) throws IOException, InterruptedException {
        int hosts = Benchmark.intArg(args, 0, 1000);
        int runs = Benchmark.intArg(args, 1, 3);
        Path launcher = Path.of(System.getenv().getOrDefault("KUBEPATH_HOME", "."), "kubepath");
        if (!Files.isExecutable(launcher)) throw new InputException(launcher + ": the launcher is not there (run this through ./kubepath, which sets KUBEPATH_HOME)");
        String inherited = System.getenv().getOrDefault("KUBEPATH_JAVA_OPTS", "");
        // another checkout's launcher (main's, to weigh a change): the same command and options, its own jar
        Path other = args.length > 2 ? Path.of(args[2]) : null;
        if (other != null && !Files.isExecutable(other)) throw new InputException(other + ": not an executable launcher (expected another checkout's ./kubepath)");
        List<Variant> variants = other != null
                ? List.of(new Variant("launcher", launcher, inherited), new Variant("other launcher", other, inherited))
                : List.of(new Variant("launcher", launcher, inherited),
                        new Variant("full JIT (TieredStopAtLevel=4)", launcher, (inherited + " -XX:TieredStopAtLevel=4").strip()));
        Path dir = Files.createTempDirectory("kubepath-doctor-one-shot");
        try {
            Path bundle = DoctorBenchmark.write(dir.resolve("synthetic"), hosts, 1);
            out.printf(Locale.ROOT, "hosts %d, routes per host %d, cores %d; `kubepath doctor %s`, %d runs each, alternating%n",
                    hosts, hosts + 1, Runtime.getRuntime().availableProcessors(), bundle.getFileName(), runs);
            List<List<double[]>> figures = new ArrayList<>();
            variants.forEach(v -> figures.add(new ArrayList<>()));
            for (int run = 1; run <= runs; run++) {
                for (int v = 0; v < variants.size(); v++) {
                    double[] f = once(bundle, variants.get(v), dir);
                    figures.get(v).add(f);
                    out.printf(Locale.ROOT, "run %d %-32s wall %6.2f s  CPU %6.2f s  exit %d  stderr %s  load average %.1f%n", run, variants.get(v).name(),
                            f[0], f[1], (int) f[2], f[3] == 0 ? "empty" : (long) f[3] + " bytes", loadAverage());
                }
            }
            double[] base = median(figures.get(0));
            for (int v = 0; v < variants.size(); v++) {
                double[] m = median(figures.get(v));
                out.printf(Locale.ROOT, "median %-29s wall %6.2f s  CPU %6.2f s  (wall %.2f, CPU %.2f of the launcher's)%n", variants.get(v).name(),
                        m[0], m[1], m[0] / base[0], m[1] / base[1]);
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One run: wall seconds, CPU seconds of the child (user + system, -1 when unknown), exit code, stderr bytes. */
    private static double[] once(Path bundle, Variant v, Path dir) throws IOException, InterruptedException {
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(v.launcher().toString(), "doctor", bundle.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
        pb.environment().put("KUBEPATH_JAVA_OPTS", v.javaOpts());
        double cpu0 = childrenCpu();
        long t0 = System.nanoTime();
        int exit = pb.start().waitFor();
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu1 = childrenCpu();
        return new double[]{wall, cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0, exit, Files.size(err)};
    }

    /**
     * The CPU seconds of this process's waited-for children (Linux: cutime + cstime of /proc/self/stat, in clock
     * ticks of 1/100 s, the usual USER_HZ), or -1 elsewhere. The launcher execs the JVM, so its CPU is counted here.
     */
    private static double childrenCpu() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0; // fields 16 and 17 of proc(5)
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static double[] median(List<double[]> runs) {
        double[] m = new double[2];
        for (int i = 0; i < 2; i++) {
            int k = i;
            double[] sorted = runs.stream().mapToDouble(r -> r[k]).sorted().toArray();
            m[i] = sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        }
        return m;
    }
}
