package dev.kubepath.shell;

import dev.kubepath.dataplane.Stage;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.TraceText;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.net.Ipv4;

/** What iputils ping prints for a traced flow (curl's lines are TraceText.toolSays). */
public final class ProbeText {
    private ProbeText() {}

    /** Hosts that forwarded the echo reply (each takes one off the TTL): a pod's host does, a host answering itself does not. */
    static int forwardersOfTheReply(Trace t) {
        var steps = t.steps();
        int at = -1;
        for (int i = 0; i < steps.size(); i++) {
            var st = steps.get(i).stage();
            if (st == Stage.POD || st == Stage.LOCAL) at = i;
        }
        if (at < 0) return 0;
        String responder = steps.get(at).host();
        boolean pod = steps.get(at).stage() == Stage.POD;
        java.util.Set<String> hosts = new java.util.LinkedHashSet<>();
        for (int i = at + 1; i < steps.size(); i++) {
            String h = steps.get(i).host();
            if (h.equals(t.from()) || (!pod && h.equals(responder))) continue;
            hosts.add(h);
        }
        return hosts.size();
    }

    /** ping -c N: the same verdict for every packet (the simulation has no loss but the network's). */
    public static String ping(Ipv4 ip, int count, Trace t) {
        StringBuilder sb = new StringBuilder("PING " + ip + " (" + ip + ") 56(84) bytes of data.\n");
        if (t.verdict() == Verdict.UNREACHABLE && t.reason().contains("Network is unreachable")) return "connect: Network is unreachable\n";
        if (t.verdict() == Verdict.UNREACHABLE && t.reason().contains("message too long")) {
            return sb + "ping: local error: " + t.reason().substring(t.reason().indexOf("message too long")) + "\n";
        }
        boolean ok = t.verdict() == Verdict.DELIVERED;
        int ttl = 64 - forwardersOfTheReply(t);
        for (int i = 1; ok && i <= count; i++) sb.append("64 bytes from ").append(ip).append(": icmp_seq=").append(i).append(" ttl=").append(ttl).append(" time=0.246 ms\n");
        sb.append("\n--- ").append(ip).append(" ping statistics ---\n");
        int received = ok ? count : 0;
        sb.append(count).append(" packets transmitted, ").append(received).append(" received, ");
        if (t.verdict() == Verdict.UNREACHABLE) sb.append("+").append(count).append(" errors, ");
        sb.append(ok ? 0 : 100).append("% packet loss, time ").append((count - 1) * 1000).append("ms\n");
        if (ok) sb.append("rtt min/avg/max/mdev = 0.246/0.246/0.246/0.000 ms\n");
        return sb.toString();
    }
}
