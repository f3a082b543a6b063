package dev.kubepath.ingest;

import dev.kubepath.model.Socket;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code ss -H -4 -ltn}: one listening TCP socket a line, {@code LISTEN 0 4096 10.0.0.1:80 0.0.0.0:*}. The local
 * address is the fourth column; {@code *} listens on every address, a {@code %dev} suffix is dropped. Addresses that
 * are not IPv4 (a listing without -4) are outside the model and skipped. {@code ss -H -4 -ltun} (TCP and UDP) puts
 * the protocol first ({@code udp UNCONN 0 0 0.0.0.0:53 0.0.0.0:*}): a line whose first column is tcp or udp is a
 * socket of that protocol, its local address one column further.
 */
public final class SsText {
    private SsText() {}

    public static Parsed<List<Socket>> parse(String file, String text) {
        Problems problems = new Problems(file);
        List<Socket> out = new ArrayList<>();
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String[] f = l.text().strip().split("\\s+");
            Protocol protocol = switch (f[0]) {
                case "udp" -> Protocol.UDP;
                case "tcp" -> Protocol.TCP;
                default -> null;
            };
            int at = protocol == null ? 3 : 4;
            if (protocol == null) protocol = Protocol.TCP;
            if (f.length <= at) continue;
            String local = f[at];
            int colon = local.lastIndexOf(':');
            int port = colon < 0 ? -1 : Tokens.parseIntOr(local.substring(colon + 1), -1);
            if (port < 0) {
                problems.add(l.number(), "expected a local address:port in the fourth column, got '" + local + "'");
                continue;
            }
            String ip = local.substring(0, colon);
            int pct = ip.indexOf('%');
            if (pct >= 0) ip = ip.substring(0, pct);
            Ipv4 addr = "*".equals(ip) ? Ipv4.ANY : Ipv4.isValid(ip) ? Ipv4.parse(ip) : null;
            if (addr != null) out.add(new Socket(protocol, addr, port, null));
        }
        return problems.result(out);
    }
}
