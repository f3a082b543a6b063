package dev.kubepath.cli;

import dev.kubepath.ingest.InputException;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.ClusterRun;
import dev.kubepath.cluster.SnapshotWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

@Command(name = "simulate", description = {
        "Runs a cluster file (kind: Cluster, docs/scenario-format.md) in simulated time.",
        "Boots it, applies its manifests, plays its timeline. Writes a snapshot (kind: Snapshot) at each --snapshot-at and at --until, for trace, doctor,",
        "matrix, diff and report, and the event log (events.log; events.jsonl with --json)."})
final class SimulateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "a cluster file, or 'seed' (scenarios/seed-cluster.yaml)")
    String file;

    @Option(names = "--until", paramLabel = "TIME", description = "how long to run (e.g. 48h; default: the timeline's last entry)")
    String until;

    @Option(names = "--snapshot-at", split = ",", paramLabel = "TIME", description = "also write the snapshot at these times (e.g. 25h,27h)")
    List<String> snapshotAt = new ArrayList<>();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "where the snapshots and the event log go")
    Path out;

    @Option(names = "--json", description = "the event log as JSON lines: one object per event (time, at, host, what)")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ClusterFile f = ClusterFiles.load(file, spec);
        Duration end = until != null ? duration("--until", until) : f.end();
        TreeSet<Duration> moments = new TreeSet<>();
        for (String s : snapshotAt) moments.add(duration("--snapshot-at", s));
        if (!moments.isEmpty() && moments.last().compareTo(end) > 0) {
            throw new InputException("--snapshot-at " + label(moments.last()) + " is after --until " + label(end));
        }
        moments.add(end);
        Files.createDirectories(out);
        List<ClusterRun.Event> events = new ArrayList<>();
        ClusterRun run = ClusterRun.simulated(f, events::add);
        run.boot();
        PrintWriter pw = spec.commandLine().getOut();
        for (Duration at : moments) {
            run.runUntil(at);
            Path snap = out.resolve("snapshot-" + label(at) + ".yaml");
            Files.writeString(snap, SnapshotWriter.write(run.cluster().snapshot(),
                    "'" + f.spec().name() + "' at " + label(at) + " (" + run.cluster().clock().instant() + "), simulated from " + Path.of(f.file()).getFileName()
                            + " by kubepath simulate."));
            pw.println(snap);
        }
        Path log = out.resolve(json ? "events.jsonl" : "events.log");
        StringBuilder sb = new StringBuilder();
        for (ClusterRun.Event e : events) {
            String time = f.spec().start().plus(e.at()).toString();
            if (json) {
                Map<String, String> o = new LinkedHashMap<>();
                o.put("time", time);
                o.put("at", label(e.at()));
                o.put("host", e.host());
                o.put("what", e.what());
                sb.append(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(o)).append('\n');
            } else {
                sb.append(time).append("  +").append(label(e.at())).append("  ").append(e.host()).append("  ").append(e.what()).append('\n');
            }
        }
        Files.writeString(log, sb);
        pw.println(log + " (" + events.size() + " events)");
        pw.flush();
        return 0;
    }

    private static Duration duration(String option, String text) {
        try {
            return ClusterFile.duration(text);
        } catch (IllegalArgumentException e) {
            throw new InputException(option + " " + e.getMessage());
        }
    }

    /** 25h, 25h30m, 0h: the form the timeline is written in. */
    static String label(Duration d) {
        long h = d.toHours();
        int m = d.toMinutesPart(), s = d.toSecondsPart();
        return String.format(Locale.ROOT, "%dh", h) + (m > 0 || s > 0 ? String.format(Locale.ROOT, "%02dm", m) : "") + (s > 0 ? String.format(Locale.ROOT, "%02ds", s) : "");
    }
}
