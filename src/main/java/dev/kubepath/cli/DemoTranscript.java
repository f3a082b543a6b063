package dev.kubepath.cli;

import dev.kubepath.cluster.SimCluster;
import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.TraceText;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.SocketAddress;
import dev.kubepath.shell.SimShell;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An incident told as the operator's terminal shows it: section titles, narration, commands run in the simulated
 * operator's shell with their output, and for every curl and ping the data plane's verdict, kept as the outcome
 * table that {@code kubepath demo --json} prints instead of the transcript.
 */
final class DemoTranscript {
    private final PrintWriter out;
    private final boolean json;
    private final SimCluster cluster;
    private final SimShell shell;
    private final List<Map<String, Object>> outcomes = new ArrayList<>();
    private String phase;

    DemoTranscript(PrintWriter out, boolean json, SimCluster cluster, String firstHost) {
        this.out = out;
        this.json = json;
        this.cluster = cluster;
        this.shell = new SimShell(cluster, firstHost);
    }

    List<Map<String, Object>> outcomes() {
        return outcomes;
    }

    /** Outcomes recorded from now on belong to {@code phase} (before, after). */
    void phase(String phase) {
        this.phase = phase;
    }

    void section(String title, String text) {
        if (json) return;
        out.println();
        out.println("== " + title + " ==");
        if (text != null) out.println(wrap(text));
    }

    void narrate(String text) {
        if (!json) out.println(wrap(text));
    }

    void note(String text) {
        if (!json) out.println("-- " + text);
    }

    void on(String host) {
        if (!shell.host().equals(host)) shell.run("ssh " + host);
    }

    String cmd(String line) {
        String result = shell.run(line);
        if (!json) out.print(shell.prompt() + line + "\n" + result);
        return result;
    }

    void curl(String line, String to) {
        cmd(line);
        record("curl", to, new DataPlane(cluster.snapshot()).trace(shell.host(), new Probe.Curl(SocketAddress.parse(to))));
    }

    void ping(String line, String to) {
        cmd(line);
        record("ping", to, new DataPlane(cluster.snapshot()).trace(shell.host(), new Probe.Ping(Ipv4.parse(to))));
    }

    private void record(String kind, String to, Trace t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phase", phase);
        m.put("from", shell.host());
        m.put("to", to);
        m.put("kind", kind);
        m.put("verdict", t.verdict().name());
        m.put("reason", t.reason());
        if (t.response() != null) m.put("response", t.response());
        outcomes.add(m);
    }

    void traceStory(String from, String to) {
        if (json) return;
        out.println();
        out.println("$ kubepath trace --from " + from + " --to " + to);
        out.print(TraceText.story(new DataPlane(cluster.snapshot()).trace(from, new Probe.Curl(SocketAddress.parse(to)))));
    }

    String leases() {
        return String.join(", ", cluster.registry().getLeases().leases().stream().map(l -> l.subnet() + " " + l.publicIp()).toList());
    }

    static String wrap(String text) {
        StringBuilder sb = new StringBuilder();
        int col = 0;
        for (String w : text.split(" ")) {
            if (col + w.length() > 110 && col > 0) {
                sb.append('\n');
                col = 0;
            } else if (col > 0) {
                sb.append(' ');
                col++;
            }
            sb.append(w);
            col += w.length();
        }
        return sb.toString();
    }
}
