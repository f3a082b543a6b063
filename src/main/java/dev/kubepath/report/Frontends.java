package dev.kubepath.report;

import dev.kubepath.dataplane.Probe;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Node;
import dev.kubepath.model.Service;
import dev.kubepath.model.Snapshot;
import dev.kubepath.net.SocketAddress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of the symptom matrix: what an operator would curl (every ClusterIP:port, and every node's
 * NodeIP:nodePort) and what they would ping (each host's docker0 gateway, the .1 of its bridge subnet).
 */
public final class Frontends {
    private Frontends() {}

    /** One column: {@code to} as the trace JSON writes it, the group it is drawn in, and who owns a bridge target. */
    public record Frontend(String to, String kind, String group, String owner, Probe probe) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("to", to);
            m.put("kind", kind);
            m.put("group", group);
            m.put("owner", owner);
            return m;
        }
    }

    public static List<Frontend> of(Snapshot s) {
        List<Frontend> out = new ArrayList<>();
        for (Service svc : s.cluster().services()) {
            if (svc.headless()) continue;
            for (Service.Port p : svc.ports()) {
                if (p.protocol() != dev.kubepath.net.Protocol.TCP) continue;
                String group = svc.key() + " " + p.port() + (p.nodePort() > 0 ? ":" + p.nodePort() : "") + "/TCP";
                SocketAddress cip = new SocketAddress(svc.clusterIp(), p.port());
                out.add(new Frontend(cip.toString(), "clusterip", group, null, new Probe.Curl(cip)));
                if (p.nodePort() <= 0) continue;
                for (Node n : s.cluster().nodes()) {
                    if (n.internalIp() == null) continue;
                    SocketAddress np = new SocketAddress(n.internalIp(), p.nodePort());
                    out.add(new Frontend(np.toString(), "nodeport", group, n.name(), new Probe.Curl(np)));
                }
            }
        }
        for (Host h : s.hosts()) {
            for (IfAddress a : h.addresses()) {
                Link l = h.link(a.dev()).orElse(null);
                if (l != null && l.kind() instanceof LinkKind.Bridge) {
                    out.add(new Frontend(a.ip().toString(), "bridge", "docker0 gateways (ping)", h.name(), new Probe.Ping(a.ip())));
                    break;
                }
            }
        }
        return out;
    }

    public static List<Map<String, Object>> json(List<Frontend> fs) {
        return fs.stream().map(Frontend::json).toList();
    }
}
