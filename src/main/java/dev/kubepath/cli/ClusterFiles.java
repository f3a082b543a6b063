package dev.kubepath.cli;

import dev.kubepath.cluster.ClusterFile;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finding and loading the cluster file a command names: a path, or {@code seed} for scenarios/seed-cluster.yaml. */
final class ClusterFiles {
    static final String SEED = "seed";

    private ClusterFiles() {}

    static Path resolve(String name) {
        if (name.equals(SEED) && !Files.exists(Path.of(name))) {
            // the launcher says where kubepath lives; the scenarios sit beside it
            return Path.of(System.getenv().getOrDefault("KUBEPATH_HOME", "."), "scenarios", "seed-cluster.yaml");
        }
        return Path.of(name);
    }

    /** Loads the file; its warnings (a Service selecting nothing) go to standard error. */
    static ClusterFile load(String name, CommandSpec spec) {
        ClusterFile f = ClusterFile.load(resolve(name));
        PrintWriter err = spec.commandLine().getErr();
        for (String w : f.warnings()) err.println("kubepath: warning: " + w);
        err.flush();
        return f;
    }
}
