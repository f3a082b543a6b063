package dev.kubepath.lab;

import dev.kubepath.host.HostNetwork;
import dev.kubepath.host.HostNetworkException;
import dev.kubepath.host.NetChange;
import dev.kubepath.host.SimulatedHost;
import dev.kubepath.host.linux.CommandResult;
import dev.kubepath.host.linux.LinuxHost;
import dev.kubepath.host.linux.Netns;
import dev.kubepath.ingest.AddrFile;
import dev.kubepath.ingest.IpAddrJson;
import dev.kubepath.ingest.Interfaces;
import dev.kubepath.ingest.Parsed;
import dev.kubepath.ingest.SsText;
import dev.kubepath.model.Container;
import dev.kubepath.model.Facet;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Host;
import dev.kubepath.model.HostBuilder;
import dev.kubepath.model.Link;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Socket;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;

import java.util.ArrayList;
import java.util.List;

/**
 * A lab host as the cluster's daemons see it: the host's namespace ({@link LinuxHost}) plus its pods' namespaces,
 * read back from the kernel (each pod's eth0 address and MAC, its listening sockets, the bridge its veth is on).
 */
public final class LabHost implements HostNetwork {

    private final LinuxHost linux;
    private volatile LabPods pods;
    private volatile Host cached;
    /** Bumped by every change made through this host; a read of the kernel is cached only if none came meanwhile. */
    private volatile long generation;
    private final Object applying = new Object();

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
     * costs a dozen forks. So this is the last read of the kernel, carried forward over the changes made through
     * {@link #apply} whose effect the model predicts (see there), and taken again after any other change made through
     * this host (apply, pods). What the kernel changes by itself (learnt neighbours, sockets) shows on
     * {@link #readKernel}.
     */
    @Override
    public Host read() {
        Host h = cached;
        if (h != null) return h;
        long seen = generation;
        // the pods as docker made them: the daemons need their addresses, not a fresh look into every pod
        HostBuilder b = linux.read().toBuilder();
        b.containers.clear();
        for (LabPods.Pod p : runningPods()) b.containers.add(p.container());
        h = b.know(Facet.CONTAINERS).build();
        synchronized (this) {
            // a change made while the kernel was being read may be half in this copy: keep it for this caller only
            if (generation == seen) cached = h;
        }
        return h;
    }

    /** Invalidates {@link #read}'s copy (a change made behind this object's back, e.g. by the pods' table). */
    synchronized void changed() {
        generation++;
        cached = null;
    }

    /** The host read from the kernel now, its pods too (each pod's address, MAC and sockets from its namespace). */
    public Host readKernel() {
        changed();
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
        // eth0 and the listeners read by the parsers a bundle's addr.txt and the host's sockets go through
        Interfaces eth0 = parsed(p.ns(), p.ns().ip("-j", "addr", "show", "dev", "eth0"), AddrFile::parse);
        Mac mac = eth0.links().isEmpty() ? null : eth0.links().getLast().mac();
        if (eth0.addresses().isEmpty()) return null;
        Ipv4 ip = eth0.addresses().getLast().ip();
        int len = eth0.addresses().getLast().prefixLength();
        List<Socket> listeners = new ArrayList<>();
        // TCP and UDP: CoreDNS's pods answer on UDP 53 too
        CommandResult ss = p.ns().exec("ss", "-H", "-4", "-ltun");
        for (Socket s : parsed(p.ns(), ss, SsText::parse)) {
            listeners.add(new Socket(s.protocol(), Ipv4.ANY, s.port(), p.container().listeners().isEmpty() ? null : p.container().listeners().get(0).process()));
        }
        // the port's hairpin mode from the kernel, not from what the runtime asked for
        Boolean hairpin = parsed(netns(), netns().ip("-d", "-j", "link", "show", "dev", p.hostVeth()), IpAddrJson::hairpinModes).get(p.hostVeth());
        return new Container(p.container().pod(), ip, len, mac, bridge, listeners, p.container().server(), hairpin);
    }

    private static <T> T parsed(Netns ns, CommandResult r, java.util.function.BiFunction<String, String, Parsed<T>> parser) {
        if (!r.ok()) throw new HostNetworkException(ns.name() + ": '" + r.commandLine() + "' failed: " + r.stderr().strip());
        Parsed<T> p = parser.apply(ns.name() + ": " + r.commandLine(), r.stdout().isBlank() ? "[]" : r.stdout());
        if (!p.clean()) throw new HostNetworkException(ns.name() + ": '" + r.commandLine() + "' printed what its parser cannot read: " + p.problems().getFirst().message());
        return p.value();
    }

    /**
     * Applies the changes to the kernel and, when every one of them is a kind whose kernel effect the model predicts
     * exactly (routes, neighbours and FDB entries: all the flannel agent writes on a lease event), carries the cached
     * copy forward by applying the same changes to it with the simulator's kernel semantics ({@link SimulatedHost}),
     * so the agents' next read costs no fork. Any other kind (links, addresses, sysctls, virtual servers, chains: some
     * of which {@link LinuxHost} realises in ways of its own, kube-ipvs0's addresses and nft tables), a failure, or a
     * change the copy cannot take drops the copy, and the next read goes to the kernel.
     */
    @Override
    public void apply(List<NetChange> changes) {
        synchronized (applying) { // one change at a time, so each is carried over the copy the one before left
            Host before;
            long mine;
            synchronized (this) {
                before = cached;
                cached = null;
                mine = ++generation;
            }
            Host after = null;
            try {
                linux.apply(changes);
                if (before != null && changes.stream().allMatch(LabHost::predicted)) after = predict(before, changes);
            } finally {
                synchronized (this) {
                    // only when nothing else changed the host meanwhile; a read that ran during the change stores nothing
                    cached = generation == mine ? after : null;
                    generation++;
                }
            }
        }
    }

    private static Host predict(Host before, List<NetChange> changes) {
        for (NetChange c : changes) {
            // a VXLAN MAC with several remote VTEPs (bridge fdb append): the kernel replaces or deletes one remote,
            // the model every entry of the MAC
            FdbEntry e = c instanceof NetChange.ReplaceFdb r ? r.entry() : c instanceof NetChange.DeleteFdb d ? d.entry() : null;
            if (e != null && before.fdb().stream().filter(f -> f.mac().equals(e.mac()) && f.dev().equals(e.dev())).count() > 1) return null;
        }
        try {
            SimulatedHost sim = new SimulatedHost(before);
            sim.apply(changes);
            return sim.read();
        } catch (HostNetworkException e) {
            return null; // the copy disagrees with the kernel, which took the change: read the kernel again
        }
    }

    /**
     * Whether the kernel holds exactly what {@link SimulatedHost} makes of the change, as {@link LinuxHost#read} reads
     * it back: a route with its device, scope and table given (the kernel would otherwise choose them), a permanent
     * neighbour with its MAC and a permanent FDB entry with its remote VTEP (the only FDB entries read back); dynamic
     * neighbours and FDB entries age in the kernel on their own.
     */
    static boolean predicted(NetChange c) {
        return switch (c) {
            case NetChange.ReplaceRoute r -> r.route().dev() != null && r.route().scope() != null && r.route().table() != null;
            case NetChange.DeleteRoute r -> true;
            case NetChange.ReplaceNeighbour n -> n.neighbour().mac() != null
                    && (n.neighbour().state() == Neighbour.State.PERMANENT || n.neighbour().state() == Neighbour.State.NOARP);
            case NetChange.DeleteNeighbour n -> true;
            case NetChange.ReplaceFdb f -> f.entry().dst() != null && f.entry().permanent();
            case NetChange.DeleteFdb f -> true;
            default -> false;
        };
    }
}
