package dev.kubepath.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubepath.host.HostNetwork;
import dev.kubepath.host.HostNetworkException;
import dev.kubepath.host.NetChange;
import dev.kubepath.host.linux.CommandResult;
import dev.kubepath.host.linux.LinuxHost;
import dev.kubepath.host.linux.Netns;
import dev.kubepath.model.Container;
import dev.kubepath.model.Facet;
import dev.kubepath.model.Host;
import dev.kubepath.model.HostBuilder;
import dev.kubepath.model.Link;
import dev.kubepath.model.Socket;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * A lab host as the cluster's daemons see it: the host's namespace ({@link LinuxHost}) plus its pods' namespaces,
 * read back from the kernel (each pod's eth0 address and MAC, its listening sockets, the bridge its veth is on).
 */
public final class LabHost implements HostNetwork {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinuxHost linux;
    private volatile LabPods pods;
    private volatile Host cached;

    LabHost(LinuxHost linux) {
        this.linux = linux;
    }

    /** The table docker publishes this host's pods to (set once the runtime exists). */
    void usePods(LabPods table) {
        this.pods = table;
        table.onChange(this::changed);
    }

    private List<LabPods.Pod> runningPods() {
        LabPods p = pods;
        return p == null ? List.of() : p.pods();
    }

    public LinuxHost linux() {
        return linux;
    }

    public Netns netns() {
        return linux.netns();
    }

    /** The namespaces of the pods running now, by pod name. */
    public java.util.Map<String, Netns> podNamespaces() {
        java.util.Map<String, Netns> out = new java.util.LinkedHashMap<>();
        for (LabPods.Pod p : runningPods()) out.put(p.container().pod(), p.ns());
        return out;
    }

    @Override
    public String name() {
        return linux.name();
    }

    /**
     * The daemons read their host after every change they make, dozens of times per settle; each read of the kernel
     * costs a dozen forks. So this is the last read of the kernel, taken again after any change made through this
     * host (apply, pods). What the kernel changes by itself (learnt neighbours, sockets) shows on {@link #readKernel}.
     */
    @Override
    public Host read() {
        Host h = cached;
        if (h == null) {
            // the pods as docker made them: the daemons need their addresses, not a fresh look into every pod
            HostBuilder b = linux.read().toBuilder();
            b.containers.clear();
            for (LabPods.Pod p : runningPods()) b.containers.add(p.container());
            h = b.know(Facet.CONTAINERS).build();
            cached = h;
        }
        return h;
    }

    /** Invalidates {@link #read}'s copy (a change made behind this object's back, e.g. by the pods' table). */
    void changed() {
        cached = null;
    }

    /** The host read from the kernel now, its pods too (each pod's address, MAC and sockets from its namespace). */
    public Host readKernel() {
        cached = null;
        Host h = linux.read();
        HostBuilder b = h.toBuilder();
        b.containers.clear();
        for (LabPods.Pod p : runningPods()) {
            Container c = readPod(h, p);
            if (c != null) b.containers.add(c);
        }
        return b.know(Facet.CONTAINERS).build();
    }

    private Container readPod(Host h, LabPods.Pod p) {
        String bridge = h.link(p.hostVeth()).map(Link::master).orElse(null);
        if (bridge == null) return null; // its veth is gone: the pod is not attached to anything
        JsonNode links = json(p.ns(), p.ns().ip("-j", "addr", "show", "dev", "eth0"));
        Ipv4 ip = null;
        int len = 32;
        Mac mac = null;
        for (JsonNode l : links) {
            mac = Mac.parse(l.path("address").asText());
            for (JsonNode a : l.path("addr_info")) {
                if (!"inet".equals(a.path("family").asText())) continue;
                ip = Ipv4.parse(a.path("local").asText());
                len = a.path("prefixlen").asInt();
            }
        }
        if (ip == null) return null;
        List<Socket> listeners = new ArrayList<>();
        CommandResult ss = p.ns().exec("ss", "-H", "-4", "-ltn");
        for (String line : ss.stdout().split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 4) continue;
            int port = Integer.parseInt(f[3].substring(f[3].lastIndexOf(':') + 1));
            listeners.add(new Socket(Protocol.TCP, Ipv4.ANY, port, p.container().listeners().isEmpty() ? null : p.container().listeners().get(0).process()));
        }
        return new Container(p.container().pod(), ip, len, mac, bridge, listeners, p.container().server());
    }

    private static JsonNode json(Netns ns, CommandResult r) {
        if (!r.ok()) throw new HostNetworkException(ns.name() + ": '" + r.commandLine() + "' failed: " + r.stderr().strip());
        try {
            return JSON.readTree(r.stdout().isBlank() ? "[]" : r.stdout());
        } catch (Exception e) {
            throw new HostNetworkException(ns.name() + ": '" + r.commandLine() + "' printed no JSON", e);
        }
    }

    @Override
    public void apply(List<NetChange> changes) {
        cached = null;
        try {
            linux.apply(changes);
        } finally {
            cached = null;
        }
    }
}
