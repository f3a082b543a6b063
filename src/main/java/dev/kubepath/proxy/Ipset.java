package dev.kubepath.proxy;

import dev.kubepath.model.IpSet;

import java.util.List;

/**
 * Renders ipsets the way {@code ipset list} prints them: per set its Name, Type and header lines, then one member a
 * line after {@code Members:} ({@code 10.2.0.155,tcp:2024} for hash:ip,port, {@code 30080} for bitmap:port), sets
 * apart by a blank line. Sizes and hash parameters are the kernel's defaults for the type.
 */
public final class Ipset {
    private Ipset() {}

    public static String list(List<IpSet> sets) {
        StringBuilder sb = new StringBuilder();
        for (IpSet s : sets) {
            if (!sb.isEmpty()) sb.append('\n');
            boolean bitmap = s.type().startsWith("bitmap:");
            sb.append("Name: ").append(s.name()).append('\n');
            sb.append("Type: ").append(s.type()).append('\n');
            sb.append("Revision: ").append(bitmap ? 3 : 7).append('\n');
            sb.append("Header: ").append(bitmap ? "range 0-65535" : "family inet hashsize 1024 maxelem 65536").append('\n');
            sb.append("Size in memory: ").append(bitmap ? 8264 : 216 + 48 * s.members().size()).append('\n');
            sb.append("References: 1\n");
            sb.append("Number of entries: ").append(s.members().size()).append('\n');
            sb.append("Members:\n");
            for (IpSet.Member m : s.members()) sb.append(member(m)).append('\n');
        }
        return sb.toString();
    }

    private static String member(IpSet.Member m) {
        StringBuilder sb = new StringBuilder();
        if (m.address() != null) sb.append(m.address().length() == 32 ? m.address().network().toString() : m.address().toString());
        if (m.protocol() != null) sb.append(',').append(m.protocol().lower()).append(':').append(m.port());
        else if (m.port() != null) sb.append(m.port());
        if (m.second() != null) sb.append(',').append(m.second().length() == 32 ? m.second().network().toString() : m.second().toString());
        return sb.toString();
    }
}
