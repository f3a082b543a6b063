package dev.kubepath.shell;

import dev.kubepath.dataplane.Cause;
import dev.kubepath.dataplane.Stage;
import dev.kubepath.dataplane.Step;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.model.Host;
import dev.kubepath.net.Ipv4;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * traceroute 2.1's {@code traceroute -n ADDR} from a traced flow: one line per host that forwards the packet (each
 * takes one off the TTL and answers the probe whose TTL ran out there), then the destination's answer. A hop answers
 * from the address its kernel picks for a packet back to the sender's source. After the hop where the flow is lost,
 * every probe goes unanswered: {@code * * *} up to 30 hops. Format checked against traceroute 2.1 by
 * TracerouteGoldenTest (scripts/capture-traceroute-goldens.sh).
 */
final class Traceroute {
    static final int MAX_HOPS = 30;
    /** The stages at which a host handles the inner packet itself: it routes it, so it decrements the TTL. */
    private static final Set<Stage> ROUTED = EnumSet.of(Stage.DECAP, Stage.ROUTE, Stage.FORWARD, Stage.BRIDGE);
    /** The simulation measures no time: every answered probe shows this round trip (as ping's lines do). */
    static final String TIMES = "  0.246 ms  0.246 ms  0.246 ms";

    private Traceroute() {}

    static String header(Ipv4 to) {
        return "traceroute to " + to + " (" + to + "), " + MAX_HOPS + " hops max, 60 byte packets\n";
    }

    /** What traceroute prints when the sender has no route: the header, then connect()'s error. */
    static String unreachable(Ipv4 to) {
        return header(to) + "connect: Network is unreachable\n";
    }

    /**
     * The header and one line per hop ({@code null}: no answer); {@code silentToMax}: the probes beyond go unanswered,
     * so the lines go on with three stars up to the 30th hop.
     */
    static String print(Ipv4 to, List<Ipv4> answers, boolean silentToMax) {
        StringBuilder sb = new StringBuilder(header(to));
        int hop = 0;
        for (Ipv4 a : answers) sb.append(line(++hop, a));
        while (silentToMax && hop < MAX_HOPS) sb.append(line(++hop, null));
        return sb.toString();
    }

    /**
     * The lines for the flow {@code t} from {@code origin} to {@code to}. {@code hosts} gives each host's state, to
     * pick the address a hop answers from.
     */
    static String render(Ipv4 to, Trace t, String origin, Function<String, Host> hosts) {
        if (t.verdict() == Verdict.UNREACHABLE && t.reason().contains("Network is unreachable")) return unreachable(to);
        Optional<Ipv4> source = new Ip(hosts.apply(origin)).sourceTowards(to);
        List<Ipv4> answers = new ArrayList<>();
        for (String h : forwarders(t, origin)) {
            answers.add(source.flatMap(s -> new Ip(hosts.apply(h)).sourceTowards(s)).orElse(null));
        }
        if (t.verdict() == Verdict.DELIVERED) {
            answers.add(to);
            return print(to, answers, false);
        }
        if (t.cause() instanceof Cause.LeavesCluster || t.verdict() == Verdict.INSUFFICIENT_INFO) {
            // what lies beyond is not in the simulation: no line is made up for it
            return print(to, answers, false) + "kubepath shell: traceroute: after hop " + answers.size()
                    + " the simulation cannot follow the probe: " + t.reason() + "\n";
        }
        return print(to, answers, true);
    }

    /** One hop: its address and three round trips, or three stars when no answer comes back. */
    private static String line(int hop, Ipv4 from) {
        return String.format(Locale.ROOT, "%2d  ", hop) + (from == null ? "* * *" : from + TIMES) + "\n";
    }

    /**
     * The hosts other than the sender that route the probe, in order, up to the one that answers it. A host that
     * answers for one of its own addresses does not forward (its answer is the last line); a pod's host does. The
     * kernel checks the TTL before the FORWARD chain, so a host whose filter drops the probe still answers for its hop.
     */
    static List<String> forwarders(Trace t, String origin) {
        Set<String> hosts = new LinkedHashSet<>();
        String localResponder = null;
        for (Step s : t.steps()) {
            if (s.stage() == Stage.LOCAL) localResponder = s.host();
            if (s.stage() == Stage.POD || s.stage() == Stage.LOCAL) break;
            if (!s.host().equals(origin) && ROUTED.contains(s.stage())) hosts.add(s.host());
        }
        if (localResponder != null) hosts.remove(localResponder);
        return new ArrayList<>(hosts);
    }
}
