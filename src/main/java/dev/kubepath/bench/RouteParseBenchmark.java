package dev.kubepath.bench;

import dev.kubepath.ingest.IpRouteText;
import dev.kubepath.ingest.RouteNText;
import dev.kubepath.ingest.RouteText;
import dev.kubepath.model.Route;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Route-line parsing throughput on one thread: {@code ip route} lines and {@code route -n} rows of the shapes a
 * flannel host has (onlink VXLAN routes, kernel subnet routes, the default route, local-table entries), as a
 * 5,000-node cluster's hosts would print them, line by line and as a whole file (with transcript handling); and
 * {@code route} rows without {@code -n} ({@code default} and {@code *} where route -n prints 0.0.0.0). Target: at
 * least one million lines per second per core.
 */
public final class RouteParseBenchmark implements Benchmark {
    @Override
    public String name() {
        return "route-parse";
    }

    @Override
    public String description() {
        return "lines/s of ip route, route -n and route (names) parsing (one thread) [lines per round, default 200000]";
    }

    @Override
    public void run(PrintStream out, String... args) {
        int n = Benchmark.intArg(args, 0, 200_000);
        String[] ip = new String[n];
        String[] routeN = new String[n];
        String[] routeNames = new String[n];
        for (int i = 0; i < n; i++) {
            int a = (i >>> 8) & 255, b = i & 255;
            ip[i] = switch (i % 4) {
                case 0 -> "10." + a + "." + b + ".0/24 via 10." + a + "." + b + ".0 dev flannel.1 onlink ";
                case 1 -> "172.17." + b + ".0/24 dev docker0 proto kernel scope link src 172.17." + b + ".1 ";
                case 2 -> "default via 10.0." + a + ".254 dev eth0 proto dhcp metric 100 ";
                default -> "local 10." + a + "." + b + ".35 dev eth0 table local proto kernel scope host src 10." + a + "." + b + ".35 ";
            };
            routeN[i] = switch (i % 3) {
                case 0 -> String.format(Locale.ROOT, "%-15s %-15s %-15s %-5s %-6d %-6d %d %s", "10." + a + "." + b + ".0",
                        "10." + a + "." + b + ".0", "255.255.255.0", "UG", 0, 0, 0, "flannel.1");
                case 1 -> String.format(Locale.ROOT, "%-15s %-15s %-15s %-5s %-6d %-6d %d %s", "172.17." + b + ".0",
                        "0.0.0.0", "255.255.255.0", "U", 0, 0, 0, "docker0");
                default -> String.format(Locale.ROOT, "%-15s %-15s %-15s %-5s %-6d %-6d %d %s", "0.0.0.0",
                        "10.0." + a + ".254", "0.0.0.0", "UG", 100, 0, 0, "eth0");
            };
            // route without -n: the same rows with the words older net-tools print for 0.0.0.0
            routeNames[i] = routeN[i].startsWith("0.0.0.0 ") ? "default" + routeN[i].substring(7)
                    : routeN[i].replace(" 0.0.0.0        ", " *              ");
        }
        String ipFile = String.join("\n", ip);
        out.printf(Locale.ROOT, "%-10s %10s %8s %14s%n", "format", "lines", "ms", "lines/s");
        long[] best = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
        for (int round = 0; round < 7; round++) {
            boolean warm = round < 2;
            long sink = 0;
            long t0 = System.nanoTime();
            for (String l : ip) sink += checksum(IpRouteText.parseLine(l));
            long t1 = System.nanoTime();
            for (String l : routeN) sink += checksum(RouteNText.parseLine(l));
            long t2 = System.nanoTime();
            sink += IpRouteText.parse("bench", ipFile).value().size();
            long t3 = System.nanoTime();
            for (String l : routeNames) sink += checksum(RouteText.parseLine(l));
            long t4 = System.nanoTime();
            if (sink == 42) out.print(""); // keeps the results alive
            if (!warm) {
                report(out, "ip route", n, t1 - t0);
                report(out, "route -n", n, t2 - t1);
                report(out, "ip file", n, t3 - t2);
                report(out, "route", n, t4 - t3);
                best[0] = Math.min(best[0], t1 - t0);
                best[1] = Math.min(best[1], t2 - t1);
                best[2] = Math.min(best[2], t3 - t2);
                best[3] = Math.min(best[3], t4 - t3);
            }
        }
        // the best round is the least disturbed by other work on a shared machine
        out.println("best of 5 rounds:");
        report(out, "ip route", n, best[0]);
        report(out, "route -n", n, best[1]);
        report(out, "ip file", n, best[2]);
        report(out, "route", n, best[3]);
    }

    private static long checksum(Route r) {
        return r.dst().network().bits() + r.metric() + (r.onlink() ? 1 : 0);
    }

    private static void report(PrintStream out, String what, int n, long nanos) {
        out.printf(Locale.ROOT, "%-10s %10d %8.1f %,14.0f%n", what, n, nanos / 1e6, n / (nanos / 1e9));
    }
}
