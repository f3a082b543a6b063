package dev.kubepath.cli;

import dev.kubepath.doctor.Doctor;
import dev.kubepath.doctor.Report;
import dev.kubepath.doctor.ReportText;
import dev.kubepath.cluster.Snapshots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "doctor", description = "Find the root causes of a snapshot's failing flows, with evidence, impact and fixes (docs/doctor.md).")
final class DoctorCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "a bundle directory or a snapshot .yaml")
    Path snapshot;

    @Option(names = "--json", description = "print the report as one JSON object")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Snapshots.Loaded loaded = Inputs.read(snapshot, spec);
        Report r = Doctor.examine(snapshot, loaded.snapshot());
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? Json.write(ReportText.json(r)) + "\n" : ReportText.human(r));
        out.flush();
        return 0;
    }
}
