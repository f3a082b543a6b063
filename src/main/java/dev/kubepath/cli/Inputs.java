package dev.kubepath.cli;

import dev.kubepath.cluster.Snapshots;
import dev.kubepath.ingest.InputException;
import dev.kubepath.model.Snapshot;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Supplier;

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

    /** The host a command names on its command line: bad input when the snapshot has no such host. */
    static String host(Snapshot snapshot, String name) {
        if (snapshot.host(name).isEmpty()) {
            throw new InputException("unknown host '" + name + "' (hosts: " + String.join(", ", snapshot.hostsByName().keySet()) + ")");
        }
        return name;
    }

    /**
     * A value typed on the command line, read by a library parser (an address, a port). Only here does that
     * parser's IllegalArgumentException mean bad input; anywhere else it is an internal failure.
     */
    static <T> T argument(String option, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage() == null ? option + ": not a valid value" : e.getMessage());
        }
    }
}
