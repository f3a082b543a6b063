package dev.kubepath.whatif;

import dev.kubepath.ingest.InputException;
import dev.kubepath.analysis.matrix.Flow;
import dev.kubepath.analysis.matrix.ReachabilityMatrix;
import dev.kubepath.analysis.matrix.SnapshotDiff;
import dev.kubepath.cluster.Manifests;
import dev.kubepath.cluster.Fault;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.ingest.BundleReader;
import dev.kubepath.model.Snapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the operator's commands would do to a collected cluster: the bundle becomes a live simulation
 * ({@link BundleCluster}), the commands run on it, and the reachability matrices before and after are compared.
 */
public final class WhatIf {
    /** A flow: the host it starts on and its destination as the matrix names it. */
    public record FlowRef(String from, String to) {}

    /** Flows repaired, broken and still failing; the assumptions the simulation rests on; what each command printed. */
    public record Result(List<FlowRef> repaired, List<FlowRef> broken, List<FlowRef> stillFailing, List<String> assumptions,
                         List<String> output) {}

    /** One operator command: {@code on HOST: CMD}. */
    public record Command(String host, String text) {}

    private static final Pattern ON = Pattern.compile("\\s*on\\s+([^:\\s]+)\\s*:\\s*(.+?)\\s*");
    private static final Pattern SYSTEMCTL = Pattern.compile("systemctl\\s+(restart|stop|start)\\s+(flanneld|docker|kube-proxy|kubelet)(\\.service)?");
    private static final Pattern KUBECTL = Pattern.compile("kubectl\\s+(apply|delete)\\s+-f\\s+(\\S+)");

    private WhatIf() {}

    /** Parses {@code on HOST: CMD}; {@code n} is its place among the --do options, for the error line. */
    public static Command parse(int n, String text) {
        Matcher m = ON.matcher(text);
        if (!m.matches()) throw new InputException("--do #" + n + " '" + text + "': expected 'on HOST: CMD'");
        String cmd = m.group(2).replaceAll("\\s+", " ");
        if (cmd.startsWith("fault ")) {
            try {
                fault(m.group(1), cmd);
            } catch (IllegalArgumentException e) {
                throw new InputException("--do #" + n + " '" + text + "': " + e.getMessage());
            }
        } else if (!SYSTEMCTL.matcher(cmd).matches() && !KUBECTL.matcher(cmd).matches()) {
            throw new InputException("--do #" + n + " '" + text + "': unknown command '" + cmd + "' (expected systemctl restart|stop|start"
                    + " flanneld|docker|kube-proxy|kubelet, fault KIND ARGS (docs/simulation.md), or kubectl apply|delete -f FILE)");
        }
        return new Command(m.group(1), cmd);
    }

    /** {@code fault KIND [ARGS]} on a host: a host fault written without its host acts on that host. */
    private static Fault fault(String host, String cmd) {
        return Fault.parseOn(host, List.of(cmd.split(" ")).subList(1, cmd.split(" ").length));
    }

    /** Builds the simulation from the bundle, runs the commands in order, compares the matrices. */
    public static Result run(BundleReader.Result bundle, List<Command> commands) {
        BundleCluster built = BundleCluster.build(bundle);
        SimCluster c = built.cluster();
        for (int i = 0; i < commands.size(); i++) {
            if (!c.hasHost(commands.get(i).host())) {
                throw new InputException("--do #" + (i + 1) + ": unknown host '" + commands.get(i).host() + "' (hosts: "
                        + String.join(", ", c.hostNames()) + ")");
            }
        }
        List<String> assumptions = new ArrayList<>(built.assumptions());
        Snapshot before = c.snapshot();
        assumptions.addAll(agreement(built.bundle(), before));
        List<String> output = new ArrayList<>();
        for (Command cmd : commands) {
            String out = execute(c, cmd);
            output.add("on " + cmd.host() + ": " + cmd.text() + (out.isBlank() ? "" : "\n" + out.strip()));
        }
        Snapshot after = c.snapshot();
        List<FlowRef> repaired = new ArrayList<>(), broken = new ArrayList<>();
        for (SnapshotDiff.FlowChange f : SnapshotDiff.diff(before, after).flows()) {
            if (f.repaired()) repaired.add(new FlowRef(f.from(), f.destination()));
            else if (f.broken()) broken.add(new FlowRef(f.from(), f.destination()));
        }
        Map<String, Flow> b = flows(before), a = flows(after);
        List<FlowRef> still = new ArrayList<>();
        a.forEach((k, fa) -> {
            Flow fb = b.get(k);
            if (fb != null && fa.verdict() != Verdict.DELIVERED && fb.verdict() != Verdict.DELIVERED) still.add(new FlowRef(fa.from(), fa.to().identity()));
        });
        return new Result(repaired, broken, still, assumptions, output);
    }

    private static String execute(SimCluster c, Command cmd) {
        Matcher m;
        if ((m = SYSTEMCTL.matcher(cmd.text())).matches()) return c.systemctl(cmd.host(), m.group(1), m.group(2));
        if (cmd.text().startsWith("fault ")) {
            c.faults().inject(fault(cmd.host(), cmd.text()));
            return "";
        }
        m = KUBECTL.matcher(cmd.text());
        if (!m.matches()) throw new IllegalStateException("a parsed command matches no form: " + cmd.text());
        List<HasMetadata> objects = Manifests.load(Path.of(m.group(2)));
        if (m.group(1).equals("apply")) return String.join("\n", c.apply(objects));
        for (HasMetadata o : objects) {
            String ns = o.getMetadata().getNamespace() != null ? o.getMetadata().getNamespace() : "default";
            switch (o) {
                case io.fabric8.kubernetes.api.model.apps.Deployment d -> c.api().deleteDeployment(ns, d.getMetadata().getName());
                case io.fabric8.kubernetes.api.model.Service s -> c.api().deleteService(ns, s.getMetadata().getName());
                case io.fabric8.kubernetes.api.model.Pod p -> c.api().deletePod(ns, p.getMetadata().getName());
                default -> { }
            }
        }
        c.settle();
        return "";
    }

    /**
     * How far the simulation's starting point agrees with the bundle, flow by flow: where the bundle decides a flow
     * (not UNKNOWN) and the simulation answers otherwise, the difference is stated.
     */
    private static List<String> agreement(Snapshot bundle, Snapshot sim) {
        Map<String, Flow> real = flows(bundle), simulated = flows(sim);
        int decided = 0, agree = 0;
        List<String> differ = new ArrayList<>();
        for (var e : real.entrySet()) {
            if (e.getValue().verdict() == Verdict.INSUFFICIENT_INFO) continue;
            Flow s = simulated.get(e.getKey());
            if (s == null) continue;
            decided++;
            if (s.verdict() == e.getValue().verdict()) agree++;
            else differ.add(e.getKey() + " (bundle " + e.getValue().verdict() + ", simulation " + s.verdict() + ")");
        }
        List<String> out = new ArrayList<>();
        out.add("starting-point: the simulation agrees with the bundle on " + agree + " of the " + decided + " flows the bundle decides"
                + (differ.isEmpty() ? "" : "; differs on " + String.join(", ", differ.subList(0, Math.min(5, differ.size())))
                + (differ.size() > 5 ? " and " + (differ.size() - 5) + " more" : "")));
        return out;
    }

    private static Map<String, Flow> flows(Snapshot s) {
        Map<String, Flow> out = new LinkedHashMap<>();
        ReachabilityMatrix.of(s).forEachFlow(f -> out.put(f.from() + " -> " + f.to().identity(), f));
        return out;
    }
}
