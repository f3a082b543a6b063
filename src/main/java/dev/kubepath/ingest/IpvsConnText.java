package dev.kubepath.ingest;

import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;

/**
 * {@code ipvsadm -Lnc}: IPVS's connection table, {@code pro expire state source virtual destination}, e.g.
 * {@code TCP 14:59  ESTABLISHED 10.244.1.5:51234  10.96.0.1:443  192.168.0.10:6443}. It shows connections through
 * the virtual servers, not the virtual servers themselves, so it leaves the IPVS table unknown.
 */
public final class IpvsConnText {
    private IpvsConnText() {}

    /** One connection: which client reached which virtual server, and the real server IPVS chose for it. */
    public record Connection(Protocol protocol, int expireSeconds, String state, SocketAddress source,
                             SocketAddress virtual, SocketAddress destination) {}

    static boolean isHeader(String line) {
        return line.startsWith("IPVS connection entries") || line.startsWith("pro expire state");
    }

    /** True for a connection row: protocol, then an expiry in minutes:seconds ({@code 14:59}, {@code 133:35}). */
    static boolean isRow(String[] t) {
        int colon = t.length == 6 ? t[1].indexOf(':') : -1;
        return colon > 0 && colon == t[1].length() - 3 && (t[0].equals("TCP") || t[0].equals("UDP"));
    }

    public static Connection parseLine(String line) {
        String[] t = Tokens.split(line);
        if (!isRow(t)) throw new IllegalArgumentException("expected 'PRO MM:SS STATE SOURCE VIRTUAL DESTINATION', got '" + line.trim() + "'");
        int colon = t[1].indexOf(':');
        int expire = Tokens.parseInt(t[1].substring(0, colon), "expiry minutes") * 60 + Tokens.parseInt(t[1].substring(colon + 1), "expiry seconds");
        return new Connection(Protocol.parse(t[0]), expire, t[2], SocketAddress.parse(t[3]), SocketAddress.parse(t[4]), SocketAddress.parse(t[5]));
    }
}
