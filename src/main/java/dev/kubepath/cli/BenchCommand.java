package dev.kubepath.cli;

import dev.kubepath.ingest.InputException;
import dev.kubepath.bench.Benchmark;
import dev.kubepath.bench.FlannelAcquireBenchmark;
import dev.kubepath.bench.IprouteBatchBenchmark;
import dev.kubepath.bench.LabBenchmark;
import dev.kubepath.bench.ReportBenchmark;
import dev.kubepath.bench.FlannelDesiredStateBenchmark;
import dev.kubepath.bench.FlannelPropagationBenchmark;
import dev.kubepath.bench.RouteParseBenchmark;
import dev.kubepath.bench.TraceBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.Locale;

@Command(name = "bench", description = "Run a benchmark and print its figures (docs/performance.md records them).")
final class BenchCommand implements Callable<Integer> {
    static final List<Benchmark> ALL = List.of(new TraceBench(), new dev.kubepath.bench.MatrixBench(), new dev.kubepath.bench.ScaleBench(), new dev.kubepath.bench.ReportPageBench(), new dev.kubepath.bench.DoctorBenchmark(), new dev.kubepath.bench.DoctorOneShotBench(),
            new RouteParseBenchmark(), new FlannelDesiredStateBenchmark(), new FlannelAcquireBenchmark(), new FlannelPropagationBenchmark(),
            new ReportBenchmark(), new IprouteBatchBenchmark(), new LabBenchmark(), new dev.kubepath.bench.LiveSimBench());

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "the benchmark; none lists them")
    String name;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "its arguments")
    String[] args = new String[0];

    @Override
    public Integer call() throws Exception {
        if (name == null) {
            for (Benchmark b : ALL) System.out.printf(Locale.ROOT, "%-12s %s%n", b.name(), b.description());
            return 0;
        }
        Benchmark b = ALL.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() -> new InputException(
                "unknown benchmark '" + name + "' (expected one of " + ALL.stream().map(Benchmark::name).toList() + ")"));
        try {
            b.run(System.out, Arrays.copyOf(args, args.length));
        } catch (NumberFormatException e) {
            throw new InputException("bench " + name + ": " + e.getMessage() + " (its arguments are whole numbers)");
        }
        return 0;
    }
}
