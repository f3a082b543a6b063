package dev.kubepath.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;

/**
 * What the launcher runs once per build under {@code -XX:AOTCacheOutput} (JDK 25): the commands people run most, on
 * small inputs, so that the JVM's start-up cache holds their classes already loaded and linked and their methods'
 * profiles, and later runs start compiled code sooner. Prints nothing; any failure only means no cache.
 */
@Command(name = "startup-cache-training", hidden = true, description = "Runs the common commands quietly (for the launcher's start-up cache).")
final class StartupCacheCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        Path tmp = Files.createTempDirectory("kubepath-training");
        try {
            Path synthetic = tmp.resolve("synthetic.yaml");
            run("generate", "--nodes", "500", "--pods-per-node", "30", "--services", "1000", "--endpoints-per-service", "5",
                    "--faults", "lost-lease=1,stale-routes=1,no-kube-proxy=1,forward-drop=1,wrong-vtep-mac=1", "--seed", "1",
                    "--output", synthetic.toString());
            run("demo");
            // the matrix three times: its methods' profiles are what saves the most on a one-shot run later
            for (int i = 0; i < 3; i++) run("matrix", synthetic.toString(), "--summary");
            run("trace", "scenarios/seed-incident.yaml", "--from", "mcwk8s03", "--to", "10.0.0.36:41527");
            run("doctor", "bundles/seed-before");
            // a bundle as collect.sh writes it, in text formats: reading one is most of what `kubepath doctor BUNDLE` does
            Path bundle = dev.kubepath.bench.DoctorBenchmark.write(tmp.resolve("bundle"), 40, 1);
            for (int i = 0; i < 2; i++) run("doctor", bundle.toString());
            run("read", bundle.toString());
            run("report", "scenarios/seed-incident.yaml", "-o", tmp.resolve("report.html").toString());
        } finally {
            try (var files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    private static void run(String... args) {
        CommandLine cl = Main.commandLine();
        PrintWriter quiet = new PrintWriter(Writer.nullWriter());
        cl.setOut(quiet);
        cl.setErr(quiet);
        cl.execute(args);
    }
}
