package dev.kubepath.cli;

import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.model.Snapshot;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.cluster.Snapshots;
import dev.kubepath.dataplane.TraceText;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.SocketAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import java.io.PrintWriter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "trace", description = "Follow one curl or ping through a snapshot, hop by hop, and say what the tool would print.")
final class TraceCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "a scenario/snapshot .yaml or a bundle directory")
    Path snapshot;

    @Option(names = "--from", required = true, paramLabel = "HOST", description = "the host the command runs on")
    String from;

    @Option(names = "--to", required = true, paramLabel = "IP[:PORT]", description = "curl target IP:PORT (port 80 when omitted), or the ping target with --icmp")
    String to;

    @Option(names = "--icmp", description = "ping instead of curl")
    boolean icmp;

    @Option(names = "--udp", description = "a UDP datagram (a DNS query; port 53 when omitted) instead of curl")
    boolean udp;

    @Option(names = "--size", paramLabel = "BYTES", description = "ping payload size (-s), sent with DF (-M do)", defaultValue = "56")
    int size;

    @Option(names = "--json", description = "print the trace as JSON (docs/trace-json.md)")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Probe probe = Inputs.argument("--to", () -> udp ? new Probe.Udp(to.contains(":") ? SocketAddress.parse(to) : new SocketAddress(Ipv4.parse(to), 53))
                : probe(to, icmp, size));
        Snapshot s = Inputs.snapshot(snapshot, spec);
        Trace t = new DataPlane(s).trace(Inputs.host(s, from), probe);
        PrintWriter out = spec.commandLine().getOut();
        String story = json ? Json.write(TraceText.json(t)) : TraceText.story(t);
        // a terminal's next prompt starts on its own line, after curl's or ping's last line
        out.print(story.endsWith("\n") ? story : story + "\n");
        out.flush();
        return 0;
    }

    static Probe probe(String to, boolean icmp, int size) {
        if (icmp) return new Probe.Ping(Ipv4.parse(to.contains(":") ? to.substring(0, to.indexOf(':')) : to), size);
        return new Probe.Curl(to.contains(":") ? SocketAddress.parse(to) : new SocketAddress(Ipv4.parse(to), 80));
    }
}
