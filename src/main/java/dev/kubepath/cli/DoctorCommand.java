package dev.kubepath.cli;

import dev.kubepath.doctor.Doctor;
import dev.kubepath.doctor.Report;
import dev.kubepath.doctor.ReportText;
import dev.kubepath.cluster.Snapshots;
import dev.kubepath.ingest.BundleReader;
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
    @Parameters(index = "0", arity = "0..1", paramLabel = "SNAPSHOT", description = "a bundle directory or a snapshot .yaml")
    Path snapshot;

    @Option(names = "--transcript", paramLabel = "SESSION.txt", description = "a pasted terminal session, cut into a bundle by its prompts")
    Path transcript;

    @Option(names = "-o", paramLabel = "DIR", description = "with --transcript: write the bundle made from the session here")
    Path out;

    @Option(names = "--json", description = "print the report as one JSON object")
    boolean json;

    @Option(names = "--no-fix-check", description = "do not try the critical findings' fixes on a simulation of the bundle")
    boolean noFixCheck;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((snapshot == null) == (transcript == null)) throw new dev.kubepath.ingest.InputException("give a SNAPSHOT or --transcript SESSION.txt (one of them)");
        if (Inputs.isSession(snapshot == null ? transcript : snapshot)) { // a pasted session given as the snapshot
            transcript = snapshot == null ? transcript : snapshot;
            snapshot = null;
        }
        Report r;
        java.util.List<dev.kubepath.ingest.ParseProblem> problems;
        BundleReader.Result bundle = null; // a bundle or a session, whose fixes can be tried in simulation
        if (transcript != null) {
            try (Inputs.Bundle b = Inputs.transcript(transcript, out, spec)) {
                // evidence cites the session's lines (what the user pasted), not the bundle cut from it
                var evidence = dev.kubepath.doctor.SessionEvidence.of(b.dir(), b.result().snapshot(), transcript.getFileName().toString(), b.session());
                r = new Doctor(b.result().snapshot(), evidence, Doctor.DEFAULT_PER_FLOW_LIMIT).subnetEnvs(flannelSubnets(b.result().subnetEnvs())).observed(b.session().observed()).run();
                problems = b.result().problems();
                bundle = b.result();
            }
        } else {
            Snapshots.Loaded loaded = Inputs.read(snapshot, spec);
            try (Progress p = Progress.start("doctor", loaded.snapshot().hosts().size())) {
                r = Doctor.examine(snapshot, loaded.snapshot(), flannelSubnets(loaded.subnetEnvs()), p::stepTo);
            }
            problems = loaded.problems();
            if (java.nio.file.Files.isDirectory(snapshot)) bundle = new BundleReader.Result(loaded.snapshot(), loaded.problems(), loaded.subnetEnvs());
        }
        java.util.List<FixChecks.Checked> checks = bundle == null || noFixCheck ? java.util.List.of() : FixChecks.of(r, bundle);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            java.util.Map<String, Object> m = ReportText.json(r);
            m.put("problems", problems.stream().map(p -> {
                java.util.Map<String, Object> x = new java.util.LinkedHashMap<>();
                x.put("file", p.file());
                x.put("line", p.line() > 0 ? p.line() : null);
                x.put("message", p.message());
                return x;
            }).toList());
            m.put("fixChecks", FixChecks.json(checks));
            out.print(Json.write(m) + "\n");
        } else {
            out.print(ReportText.human(r));
            out.print(FixChecks.human(checks));
            if (!problems.isEmpty()) {
                Path read = snapshot != null ? snapshot : transcript;
                out.print("\nproblems reading " + read.getFileName() + " (" + problems.size() + "):\n");
                for (var p : problems) out.print("  " + p + "\n");
            }
        }
        out.flush();
        return r.exitCode(); // 0 ok, 1 findings, 3 insufficient evidence; bad input exits 2 before this (docs/doctor.md)
    }

    /** FLANNEL_SUBNET per host, for the hosts whose subnet.env has one. */
    static java.util.Map<String, dev.kubepath.net.Prefix> flannelSubnets(java.util.Map<String, dev.kubepath.ingest.SubnetEnv> envs) {
        java.util.Map<String, dev.kubepath.net.Prefix> m = new java.util.LinkedHashMap<>();
        envs.forEach((host, env) -> {
            if (env.subnet() != null) m.put(host, env.subnet());
        });
        return m;
    }
}
