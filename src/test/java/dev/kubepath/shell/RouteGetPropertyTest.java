package dev.kubepath.shell;

import dev.kubepath.host.linux.CommandResult;
import dev.kubepath.host.linux.ProcessRunner;
import dev.kubepath.lab.RootOnly;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On random route tables programmed into a real network namespace, the shell's {@code ip route get} answers what
 * the kernel answers, for random destinations (inside the routes, on the host's addresses, their broadcasts, and
 * anywhere), with and without {@code from ADDR iif DEV}. Needs root; the namespace is removed on every exit path.
 */
class RouteGetPropertyTest {
    private static final ProcessRunner RUN = ProcessRunner.withDefaultTimeout();
    private static final int TABLES = 12;
    private static final int PROBES = 25;

    @Test
    void theShellsRouteGetEqualsTheKernels() {
        RootOnly.assume();
        long seed = Long.getLong("kubepath.seed", System.nanoTime());
        Random random = new Random(seed);
        int compared = 0;
        for (int t = 0; t < TABLES; t++) compared += oneTable(random, "kprg" + ProcessHandle.current().pid() + "-" + t, seed);
        assertThat(compared).as("answers compared (seed %d)", seed).isGreaterThan(TABLES * PROBES / 2);
    }

    private static CommandResult ip(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        return RUN.run(cmd);
    }

    private static Ipv4 randomIn(Random r, Prefix p) {
        long size = p.size();
        return p.address((int) (r.nextLong(size)));
    }

    private static int oneTable(Random r, String ns, long seed) {
        assertThat(RUN.run(List.of("ip", "netns", "add", ns)).ok()).as("netns add " + ns).isTrue();
        try {
            return program(r, ns, seed);
        } finally {
            RUN.run(List.of("ip", "netns", "del", ns));
        }
    }

    private static int program(Random r, String ns, long seed) {
        List<Link> links = new ArrayList<>();
        List<IfAddress> addrs = new ArrayList<>();
        List<Route> routes = new ArrayList<>();
        ip(ns, "link", "set", "lo", "up");
        links.add(new Link("lo", new LinkKind.Loopback(), 65536, null, true, null));
        addrs.add(new IfAddress("lo", Ipv4.parse("127.0.0.1"), 8));
        int devs = 2 + r.nextInt(3);
        Set<Ipv4> used = new java.util.HashSet<>();
        for (int d = 0; d < devs; d++) {
            String dev = "d" + d;
            Mac mac = new Mac(0x02_00_00_00_00_00L | (d + 1));
            // a veth pair with both ends here and up: a device with carrier, as the hosts' eth0
            assertThat(ip(ns, "link", "add", dev, "address", mac.toString(), "type", "veth", "peer", "name", "p" + d).ok()).isTrue();
            ip(ns, "link", "set", "p" + d, "up");
            ip(ns, "link", "set", dev, "up");
            links.add(new Link(dev, new LinkKind.Ethernet(), 1500, mac, true, null));
            links.add(new Link("p" + d, new LinkKind.Ethernet(), 1500, null, true, null));
            int n = 1 + r.nextInt(2);
            for (int k = 0; k < n; k++) {
                // small pools of addresses so that prefixes overlap, nest and share devices
                Ipv4 a = Ipv4.parse("10." + r.nextInt(3) + "." + r.nextInt(4) + "." + (1 + r.nextInt(250)));
                int len = List.of(8, 16, 20, 24, 24, 28, 30, 32).get(r.nextInt(8));
                if (!used.add(a)) continue;
                if (!ip(ns, "addr", "add", a + "/" + len, "dev", dev).ok()) continue;
                addrs.add(new IfAddress(dev, a, len));
            }
        }
        List<IfAddress> global = addrs.stream().filter(a -> !a.dev().equals("lo")).toList();
        int count = 3 + r.nextInt(8);
        for (int i = 0; i < count; i++) {
            int len = List.of(0, 8, 12, 16, 24, 24, 25, 32).get(r.nextInt(8));
            Ipv4 base = r.nextBoolean() ? Ipv4.parse("10." + r.nextInt(3) + "." + r.nextInt(4) + "." + r.nextInt(256))
                    : new Ipv4(r.nextInt());
            Prefix dst = Prefix.of(base, len);
            int first = dst.network().bits() >>> 24;
            if (len > 0 && (first == 0 || first == 127 || first >= 224)) continue;
            int metric = List.of(0, 0, 100, 200).get(r.nextInt(4));
            String dev = "d" + r.nextInt(devs);
            List<String> cmd = new ArrayList<>(List.of("route", "add"));
            Route route;
            int kind = r.nextInt(6);
            if (kind == 0) {
                Route.Type type = List.of(Route.Type.BLACKHOLE, Route.Type.UNREACHABLE, Route.Type.PROHIBIT).get(r.nextInt(3));
                cmd.addAll(List.of(type.name().toLowerCase(), dst.toString(), "metric", String.valueOf(metric)));
                route = new Route(Route.MAIN, type, dst, null, null, false, metric, Route.Scope.UNIVERSE, null);
            } else if (kind == 1 || global.isEmpty()) {
                cmd.addAll(List.of(dst.toString(), "dev", dev, "metric", String.valueOf(metric)));
                route = new Route(Route.MAIN, Route.Type.UNICAST, dst, null, dev, false, metric, Route.Scope.LINK, null);
            } else if (kind == 2) {
                Ipv4 gw = Ipv4.parse("172.16." + r.nextInt(4) + ".1");
                cmd.addAll(List.of(dst.toString(), "via", gw.toString(), "dev", dev, "onlink", "metric", String.valueOf(metric)));
                route = new Route(Route.MAIN, Route.Type.UNICAST, dst, gw, dev, true, metric, Route.Scope.UNIVERSE, null);
            } else {
                IfAddress on = global.get(r.nextInt(global.size()));
                if (on.prefixLength() >= 31) continue;
                Ipv4 gw = randomIn(r, on.prefix());
                Ipv4 src = kind == 5 ? global.get(r.nextInt(global.size())).ip() : null;
                cmd.addAll(List.of(dst.toString(), "via", gw.toString(), "dev", on.dev(), "metric", String.valueOf(metric)));
                if (src != null) cmd.addAll(List.of("src", src.toString()));
                route = new Route(Route.MAIN, Route.Type.UNICAST, dst, gw, on.dev(), false, metric, Route.Scope.UNIVERSE, src);
            }
            if (!ip(ns, cmd.toArray(String[]::new)).ok()) continue; // the kernel refused it (a duplicate, a gateway it cannot reach)
            routes.add(route);
        }
        ip(ns, "route", "flush", "cache");
        // the connected routes the kernel added for the addresses, read back from it (as a bundle would carry them)
        for (String line : ip(ns, "route", "show", "table", "main", "proto", "kernel").stdout().lines().toList()) {
            var m = java.util.regex.Pattern.compile("^(\\S+) dev (\\S+) (?:proto kernel )?scope link src (\\S+)").matcher(line);
            if (!m.find()) continue;
            routes.add(new Route(Route.MAIN, Route.Type.UNICAST, Prefix.parse(m.group(1)), null, m.group(2), false, 0, Route.Scope.LINK,
                    Ipv4.parse(m.group(3))));
        }
        RUN.run(List.of("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=" + r.nextInt(2)));
        String forward = RUN.run(List.of("ip", "netns", "exec", ns, "sysctl", "-n", "net.ipv4.ip_forward")).stdout().strip();
        Host host = new Host("h", links, addrs, routes, List.of(), List.of(), List.of(), List.of(),
                Map.of(Host.IP_FORWARD, forward), List.of(), Map.of(), List.of(), Set.of(), List.of());
        Ip sim = new Ip(host);
        String table = ip(ns, "route", "show", "table", "all").stdout();
        int compared = 0;
        for (int p = 0; p < PROBES; p++) {
            Ipv4 to = switch (r.nextInt(4)) {
                case 0 -> routes.isEmpty() ? new Ipv4(r.nextInt()) : randomIn(r, routes.get(r.nextInt(routes.size())).dst());
                case 1 -> addrs.get(r.nextInt(addrs.size())).ip();
                case 2 -> addrs.get(r.nextInt(addrs.size())).prefix().broadcast();
                default -> new Ipv4(r.nextInt());
            };
            int first = to.bits() >>> 24;
            if (first == 0 || first >= 224) continue; // not simulated (multicast, 0/8, the limited broadcast)
            List<String> args = new ArrayList<>(List.of("route", "get", to.toString()));
            if (r.nextInt(3) == 0 && !global.isEmpty()) {
                Ipv4 from = Ipv4.parse("192.0.2." + (1 + r.nextInt(200)));
                String iif = "d" + r.nextInt(devs);
                args.addAll(List.of("from", from.toString(), "iif", iif));
            }
            CommandResult kernel = ip(ns, args.toArray(String[]::new));
            String want = kernel.stdout() + kernel.stderr();
            String got;
            try {
                got = sim.ip(args);
            } catch (ToolError e) {
                got = e.getMessage();
            }
            if (got.startsWith("kubepath shell:")) continue; // a case the shell says it does not simulate
            assertThat(got).as("ip %s (seed %d) on\n%s\nmodel: %s", String.join(" ", args), seed, table, routes).isEqualTo(want);
            compared++;
        }
        return compared;
    }
}
