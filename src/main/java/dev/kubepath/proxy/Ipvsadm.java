package dev.kubepath.proxy;

import dev.kubepath.model.VirtualServer;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Renders an IPVS table as {@code ipvsadm -Ln} prints it: services sorted by protocol, address, port; each
 * destination as {@code printf("  -> %-28s %-7s %-6d %-10u %-10u\n")}, so destination lines keep ipvsadm's
 * trailing padding.
 */
public final class Ipvsadm {
    public static final String HEADER = """
            IP Virtual Server version 1.2.1 (size=4096)
            Prot LocalAddress:Port Scheduler Flags
              -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
            """;

    private Ipvsadm() {}

    public static String listNumeric(List<VirtualServer> virtualServers) {
        StringBuilder sb = new StringBuilder(HEADER);
        List<VirtualServer> sorted = virtualServers.stream()
                .sorted(Comparator.comparing(VirtualServer::protocol).thenComparing(VirtualServer::address)).toList();
        for (VirtualServer v : sorted) {
            sb.append(v.protocol().name()).append("  ").append(v.address()).append(' ').append(v.scheduler()).append('\n');
            v.reals().stream().sorted(Comparator.comparing(VirtualServer.RealServer::address)).forEach(r ->
                    sb.append(String.format(Locale.ROOT, "  -> %-28s %-7s %-6d %-10d %-10d\n", r.address(), r.forward(), r.weight(),
                            r.activeConn(), r.inactConn())));
        }
        return sb.toString();
    }

    /** One virtual server's or destination's counters (ipvsadm --stats) or rates (--rate). */
    public record Counters(long conns, long inPkts, long outPkts, long inBytes, long outBytes) {
        public static final Counters ZERO = new Counters(0, 0, 0, 0, 0);
    }

    /**
     * {@code ipvsadm -Ln --stats} ({@code rate}: {@code --rate}) as ipvsadm's print_title and print_service_entry lay
     * it out: the service name padded to 33 columns, each counter right-aligned in 9 ({@code print_largenum}: K, M,
     * G, T past 100 million), a destination's rates of connections and packets as {@code %8u}. {@code counters}
     * gives each virtual server's and real server's figures.
     */
    public static String listStats(List<VirtualServer> virtualServers, boolean rate, java.util.function.Function<Object, Counters> counters) {
        StringBuilder sb = new StringBuilder(HEADER.lines().findFirst().orElseThrow()).append('\n');
        sb.append(String.format(Locale.ROOT, "%-33s %8s %8s %8s %8s %8s%n", "Prot LocalAddress:Port",
                rate ? "CPS" : "Conns", rate ? "InPPS" : "InPkts", rate ? "OutPPS" : "OutPkts", rate ? "InBPS" : "InBytes", rate ? "OutBPS" : "OutBytes"));
        sb.append("  -> RemoteAddress:Port\n");
        List<VirtualServer> sorted = virtualServers.stream()
                .sorted(Comparator.comparing(VirtualServer::protocol).thenComparing(VirtualServer::address)).toList();
        for (VirtualServer v : sorted) {
            Counters c = counters.apply(v);
            sb.append(String.format(Locale.ROOT, "%-33s", v.protocol().name() + "  " + v.address()));
            for (long n : List.of(c.conns(), c.inPkts(), c.outPkts(), c.inBytes(), c.outBytes())) sb.append(largeNumber(n));
            sb.append('\n');
            for (VirtualServer.RealServer r : v.reals().stream().sorted(Comparator.comparing(VirtualServer.RealServer::address)).toList()) {
                Counters d = counters.apply(r);
                sb.append(String.format(Locale.ROOT, "  -> %-28s", r.address()));
                if (rate) sb.append(String.format(Locale.ROOT, " %8d %8d %8d", d.conns(), d.inPkts(), d.outPkts()));
                else sb.append(largeNumber(d.conns())).append(largeNumber(d.inPkts())).append(largeNumber(d.outPkts()));
                sb.append(largeNumber(d.inBytes())).append(largeNumber(d.outBytes())).append('\n');
            }
        }
        return sb.toString();
    }

    /** ipvsadm's print_largenum: nine columns, or eight and a unit past 100 million. */
    static String largeNumber(long n) {
        if (n < 100_000_000L) return String.format(Locale.ROOT, "%9d", n);
        if (n < 1_000_000_000L) return String.format(Locale.ROOT, "%8dK", n / 1000);
        if (n < 100_000_000_000L) return String.format(Locale.ROOT, "%8dM", n / 1_000_000);
        if (n < 100_000_000_000_000L) return String.format(Locale.ROOT, "%8dG", n / 1_000_000_000L);
        return String.format(Locale.ROOT, "%8dT", n / 1_000_000_000_000L);
    }
}
