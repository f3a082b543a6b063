package dev.kubepath.cli;

import dev.kubepath.cluster.Snapshots;
import dev.kubepath.model.Snapshot;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;

/** Loading what a command is pointed at: the lines a bundle could not read become warnings, the rest goes on. */
final class Inputs {
    private Inputs() {}

    static Snapshots.Loaded read(Path path, CommandSpec spec) {
        Snapshots.Loaded loaded = Snapshots.read(path);
        PrintWriter err = spec.commandLine().getErr();
        for (var p : loaded.problems()) err.println("kubepath: warning: " + p);
        err.flush();
        return loaded;
    }

    static Snapshot snapshot(Path path, CommandSpec spec) {
        return read(path, spec).snapshot();
    }
}
