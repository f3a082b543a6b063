package dev.kubepath.cli;

import dev.kubepath.cluster.Synthetic;
import dev.kubepath.cluster.SyntheticFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.Locale;

@Command(name = "generate", description = "Write a kind: Synthetic file: a generated flannel + kube-proxy cluster, with faults, expanded when loaded.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--nodes", required = true, paramLabel = "N") int nodes;
    @Option(names = "--pods-per-node", defaultValue = "1", paramLabel = "P") int pods;
    @Option(names = "--services", defaultValue = "1", paramLabel = "S") int services;
    @Option(names = "--endpoints-per-service", defaultValue = "1", paramLabel = "E") int endpoints;
    @Option(names = "--faults", defaultValue = "", paramLabel = "LIST",
            description = "e.g. lost-lease=2,stale-routes=3,no-kube-proxy=1,forward-drop=2,wrong-vtep-mac=1") String faults;
    @Option(names = "--seed", defaultValue = "1", paramLabel = "X") long seed;
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE") Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Synthetic.Spec s = Inputs.argument("--faults", () -> new Synthetic.Spec(nodes, pods, services, endpoints, seed, Synthetic.Faults.parse(faults)));
        Files.writeString(output, SyntheticFile.write(s));
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d nodes, %d pods, %d services%s%n", output, nodes, nodes * pods, services,
                s.faults().equals(Synthetic.Faults.NONE) ? "" : ", faults " + s.faults());
        return 0;
    }
}
