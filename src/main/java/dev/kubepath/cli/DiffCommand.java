package dev.kubepath.cli;

import dev.kubepath.analysis.matrix.SnapshotDiff;
import dev.kubepath.cluster.Snapshots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "diff", description = "The flows whose verdict changed between two snapshots, grouped by the changes that explain them.")
final class DiffCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BEFORE") Path before;
    @Parameters(index = "1", paramLabel = "AFTER") Path after;

    @Option(names = "--json", description = "the groups, their changes and flows as JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SnapshotDiff.Result r = SnapshotDiff.diff(Inputs.snapshot(before, spec), Inputs.snapshot(after, spec));
        var out = spec.commandLine().getOut();
        out.print(json ? Json.write(r) + "\n" : SnapshotDiff.text(r));
        out.flush();
        return 0;
    }
}
