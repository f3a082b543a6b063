package dev.kubepath.ingest;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

/** Address parsing as the tools print it: "a.b.c.d/len" or a bare address (a /32), never flannel's key form. */
final class Addresses {
    private Addresses() {}

    static Prefix prefix(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) return Prefix.host(Ipv4.parse(text));
        String len = text.substring(slash + 1);
        int n = len.isEmpty() || len.length() > 2 ? -1 : Tokens.parseIntOr(len, -1);
        if (n < 0 || n > 32) throw new IllegalArgumentException("'" + text + "' is not an IPv4 prefix (expected a.b.c.d/len)");
        return Prefix.of(Ipv4.parse(text.substring(0, slash)), n);
    }

    /** An address with its prefix length, as {@code ip addr} prints "inet 10.0.0.35/24". */
    static int lengthOf(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) return 32;
        int n = Tokens.parseIntOr(text.substring(slash + 1), -1);
        if (n < 0 || n > 32) throw new IllegalArgumentException("'" + text + "' is not an IPv4 address with prefix length");
        return n;
    }

    static Ipv4 addressOf(String text) {
        int slash = text.indexOf('/');
        return Ipv4.parse(slash < 0 ? text : text.substring(0, slash));
    }
}
