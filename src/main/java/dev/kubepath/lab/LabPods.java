package dev.kubepath.lab;

import dev.kubepath.cluster.ContainerTable;
import dev.kubepath.host.NetChange;
import dev.kubepath.host.linux.LinuxHost;
import dev.kubepath.host.linux.Netns;
import dev.kubepath.model.Container;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Socket;
import dev.kubepath.net.Protocol;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.Locale;

/**
 * One host's pods as real network namespaces: per container a namespace with eth0 (the far end of a veth whose
 * host end is a port of the bridge), the container's address, MAC and MTU, a default route via the bridge's .1, and
 * an HTTP server ({@link PodServer}) on each listening port. Docker hands the whole list; pods no longer in it are
 * killed and their namespaces removed, new ones are made.
 */
final class LabPods implements ContainerTable {
    private final Lab lab;
    private final LinuxHost host;
    private final String shortName;
    private final IntSupplier mtu;
    private final LabDns dns;
    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private int next;
    private Runnable onChange = () -> { };

    void onChange(Runnable r) {
        this.onChange = r;
    }

    record Pod(Container container, Netns ns, String hostVeth) {}

    LabPods(Lab lab, LinuxHost host, String shortName, IntSupplier mtu, LabDns dns) {
        this.lab = lab;
        this.dns = dns;
        this.host = host;
        this.shortName = shortName;
        this.mtu = mtu;
    }

    private static String key(Container c) {
        return c.bridge() + "|" + c.pod() + "|" + c.ip();
    }

    @Override
    public synchronized void replace(String bridge, List<Container> containers) {
        try {
            replacePods(bridge, containers);
        } finally {
            onChange.run();
        }
    }

    private void replacePods(String bridge, List<Container> containers) {
        Map<String, Container> wanted = new LinkedHashMap<>();
        for (Container c : containers) wanted.put(key(c), c);
        for (var it = pods.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().container().bridge().equals(bridge) || wanted.containsKey(e.getKey())) continue;
            // the host end of the veth goes with the namespace holding its peer
            lab.remove(e.getValue().ns());
            it.remove();
        }
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (var e : wanted.entrySet()) {
            Pod running = pods.get(e.getKey());
            if (running != null && !java.util.Objects.equals(running.container().hairpin(), e.getValue().hairpin())) {
                // the fault hairpin (or its repair): the port's mode changes under the running pod
                host.netns().bridge("link", "set", "dev", running.hostVeth(), "hairpin", hairpinWord(e.getValue())).orThrow();
                pods.put(e.getKey(), new Pod(e.getValue(), running.ns(), running.hostVeth()));
            }
            if (running != null) continue;
            Pod p = create(e.getValue());
            pods.put(e.getKey(), p);
            // a pod listening on UDP 53 is CoreDNS: the DNS responder answers on 53, UDP and TCP; every other TCP port
            // gets the HTTP server (a UDP port other than DNS's is not served)
            boolean coreDns = p.container().listeners().stream().anyMatch(s -> s.protocol() == Protocol.UDP && s.port() == LabDns.PORT);
            if (coreDns) {
                dns.refresh();
                ready.add(serve(p, LabDns.PORT, dns.argv()));
            }
            for (Socket s : p.container().listeners()) {
                if (s.protocol() == Protocol.TCP && !(coreDns && s.port() == LabDns.PORT)) ready.add(serve(p, s.port(), PodServer.argv(s.port(), p.container().server())));
            }
        }
        dns.refresh(); // the pods changed, and with them a headless Service's addresses
        for (CompletableFuture<Void> f : ready) {
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (Exception ex) {
                throw new IllegalStateException(host.name() + ": a pod's server did not start: " + ex.getMessage(), ex);
            }
        }
    }

    private Pod create(Container c) {
        int n = ++next;
        Netns ns = lab.namespace(shortName + "-p" + n);
        String veth = String.format(Locale.ROOT, "veth%07x", (shortName.hashCode() * 31L + n) & 0xFFFFFFFL);
        int m = mtu.getAsInt();
        host.apply(List.of(new NetChange.AddLink(new Link(veth, new LinkKind.Veth(ns.name() + "/eth0"), m, null, true, c.bridge()))));
        // hairpin on the bridge port, as flannel's CNI config (hairpinMode: true) and the kubelet's hairpin-veth set
        // it (off only under the fault hairpin): with br_netfilter a pod's call of a ClusterIP that is DNAT'ed to the
        // pod itself is switched back out of the port it came in by, which a bridge port without hairpin drops
        host.netns().bridge("link", "set", "dev", veth, "hairpin", hairpinWord(c)).orThrow();
        String gateway = dev.kubepath.net.Prefix.of(c.ip(), c.prefixLength()).address(1).toString();
        String script = "link set eth0 address " + c.mac() + "\nlink set eth0 mtu " + m + "\naddr add " + c.ip() + "/" + c.prefixLength()
                + " dev eth0\nlink set eth0 up\nroute add default via " + gateway + " dev eth0\n";
        ns.tool("ip", List.of("-batch", "-"), script).orThrow();
        return new Pod(c, ns, veth);
    }

    /** The runtime's hairpin mode for the pod's port; a pod whose mode is not said gets the runtimes' default, on. */
    private static String hairpinWord(Container c) {
        return Boolean.FALSE.equals(c.hairpin()) ? "off" : "on";
    }

    private CompletableFuture<Void> serve(Pod p, int port, List<String> argv) {
        Process proc = lab.start(p.ns(), argv);
        // a thread of its own blocks on the server's first line: the common pool has one thread on two cores
        return CompletableFuture.runAsync(() -> {
            try {
                BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
                String line = r.readLine();
                if (!"ready".equals(line)) throw new IllegalStateException(p.ns().name() + ": server on port " + port + " said: " + line);
                // keep draining so the server never blocks on a full pipe
                Thread.ofVirtual().start(() -> {
                    try {
                        while (r.readLine() != null) { }
                    } catch (IOException ignored) {
                        // the pod is gone
                    }
                });
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, task -> Thread.ofPlatform().daemon().name("pod-server-" + p.ns().name()).start(task));
    }

    /** The running pods as the host model holds them. */
    synchronized List<Container> containers() {
        return pods.values().stream().map(Pod::container).toList();
    }

    synchronized List<Pod> pods() {
        return List.copyOf(pods.values());
    }
}
