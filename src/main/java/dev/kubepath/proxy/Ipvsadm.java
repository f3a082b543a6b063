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
}
