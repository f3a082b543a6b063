package dev.kubepath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubepath.cluster.Snapshots;
import dev.kubepath.ingest.InputException;
import dev.kubepath.report.ReportData;
import dev.kubepath.report.Reports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.Locale;

@Command(name = "report", description = "Write one self-contained HTML page: topology, symptom matrix with clickable traces, findings, and how a packet crosses hosts.")
public final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "a scenario/snapshot .yaml or a bundle directory")
    Path snapshot;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "the HTML file to write")
    Path output;

    @Option(names = "--findings", paramLabel = "FILE", description = "the doctor's findings JSON (kubepath doctor --json) to show; by default the doctor runs on the snapshot")
    Path findings;

    @Option(names = "--no-doctor", description = "leave the findings panel empty instead of running the doctor")
    boolean noDoctor;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // before the doctor's minutes on a big cluster, not after: -o names the page, not the folder it goes in
        if (Files.isDirectory(output)) throw new InputException("-o " + output + ": a directory; expected the HTML file to write (e.g. report.html)");
        Snapshots.Loaded loaded = Inputs.read(snapshot, spec);
        PrintWriter err = spec.commandLine().getErr();
        JsonNode doctor;
        if (findings != null) doctor = Inputs.argument("--findings", () -> Reports.readFindings(findings));
        else if (noDoctor) doctor = null;
        else {
            try (Progress p = Progress.start("doctor", loaded.snapshot().hosts().size())) {
                doctor = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(dev.kubepath.doctor.ReportText.json(
                        dev.kubepath.doctor.Doctor.examine(snapshot, loaded.snapshot(), java.util.Map.of(), p::stepTo)));
            }
        }
        long started = System.nanoTime();
        ReportData data = Reports.build(loaded.snapshot(), snapshot.toString(), doctor);
        long bytes;
        try {
            bytes = Reports.write(data, output);
        } catch (java.io.IOException e) {
            throw new InputException("-o " + output + ": cannot write the page: " + e.getMessage());
        }
        err.printf(Locale.ROOT, "kubepath: wrote %s (%,d bytes; %d flows traced in %d ms)%n", output, bytes,
                data.matrix().path("summary").path("flows").asInt(), (System.nanoTime() - started) / 1_000_000);
        err.flush();
        return 0;
    }
}
