package dev.kubepath.bench;

import dev.kubepath.host.linux.IpCommands;
import dev.kubepath.host.linux.LinuxHost;
import dev.kubepath.host.linux.Netns;
import dev.kubepath.host.NetChange;
import dev.kubepath.ingest.InputException;
import dev.kubepath.lab.Lab;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What batching buys the lab: programming N remote leases (neighbour + FDB + route each, as flannel does) into a
 * namespace with one {@code ip -batch} and one {@code bridge -batch}, versus one {@code ip}/{@code bridge}
 * process per change. Needs root. Argument: N (default 1000).
 */
public final class IprouteBatchBenchmark implements Benchmark {
    @Override
    public String name() {
        return "iproute-batch";
    }

    @Override
    public String description() {
        return "N flannel leases (neigh+fdb+route) via one iproute2 batch vs one process per change";
    }

    @Override
    public void run(PrintStream out, String... args) {
        int n = Benchmark.intArg(args, 0, 1000);
        if (n < 1 || n > 60000) throw new InputException("N must be within 1..60000, got " + args[0]);
        try (Lab lab = new Lab()) {
            LinuxHost batched = host(lab, "batched");
            LinuxHost forked = host(lab, "forked");
            List<NetChange> changes = leases(n);

            long t0 = System.nanoTime();
            batched.apply(changes);
            long batchNanos = System.nanoTime() - t0;

            t0 = System.nanoTime();
            for (NetChange c : changes) {
                if (IpCommands.isBridgeChange(c)) {
                    forked.netns().tool("bridge", List.of(IpCommands.bridgeLine(c).split(" ")), null).orThrow();
                } else {
                    for (String line : IpCommands.ipLines(forked.name(), c)) forked.netns().tool("ip", List.of(line.split(" ")), null).orThrow();
                }
            }
            long forkNanos = System.nanoTime() - t0;

            long a = countOverlayRoutes(batched), b = countOverlayRoutes(forked);
            if (a != n || b != n) throw new IllegalStateException("expected " + n + " routes in each namespace, found " + a + " and " + b);
            out.printf(Locale.ROOT, "%-28s %8s %10s %12s%n", "method", "changes", "processes", "time (ms)");
            out.printf(Locale.ROOT, "%-28s %8d %10d %12.1f%n", "ip -batch + bridge -batch", 3 * n, 2, batchNanos / 1e6);
            out.printf(Locale.ROOT, "%-28s %8d %10d %12.1f%n", "one process per change", 3 * n, 3 * n, forkNanos / 1e6);
            out.printf(Locale.ROOT, "ratio (per-change / batch): %.1fx%n", (double) forkNanos / batchNanos);
        }
    }

    private static LinuxHost host(Lab lab, String name) {
        Netns ns = lab.namespace(name);
        ns.ip("link", "add", "eth0", "type", "veth", "peer", "name", "wire").orThrow();
        ns.ip("addr", "add", "10.0.0.1/16", "dev", "eth0").orThrow();
        ns.ip("link", "set", "eth0", "up").orThrow();
        LinuxHost host = new LinuxHost(name, ns);
        host.apply(new NetChange.AddLink(new Link("flannel.1", new LinkKind.Vxlan(1, 8472, Ipv4.parse("10.0.0.1"), "eth0", false),
                1450, null, true, null)));
        return host;
    }

    /** Lease i: subnet 10.{128+i/256}.{i%256}.0/24 at PublicIP 10.0.x.y, VTEP MAC 0e:00:00:00:xx:xx. */
    static List<NetChange> leases(int n) {
        List<NetChange> changes = new ArrayList<>(3 * n);
        for (int i = 0; i < n; i++) {
            Prefix subnet = Prefix.of(Ipv4.parse("10.128.0.0").plus(i << 8), 24);
            Ipv4 vtep = subnet.address(0);
            Mac mac = new Mac(0x0e0000000000L | (i + 1));
            changes.add(new NetChange.ReplaceNeighbour(new Neighbour(vtep, "flannel.1", mac, Neighbour.State.PERMANENT)));
            changes.add(new NetChange.ReplaceFdb(new FdbEntry(mac, "flannel.1", Ipv4.parse("10.0.0.2").plus(i), true)));
            changes.add(new NetChange.ReplaceRoute(Route.onlink(subnet, vtep, "flannel.1")));
        }
        return changes;
    }

    private static long countOverlayRoutes(LinuxHost h) {
        return h.read().routes().stream().filter(r -> "flannel.1".equals(r.dev()) && r.onlink()).count();
    }
}
