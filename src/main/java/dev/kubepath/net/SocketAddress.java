package dev.kubepath.net;

/** An IPv4 address with a port: what curl connects to and what IPVS virtual servers listen on. */
public record SocketAddress(Ipv4 ip, int port) implements Comparable<SocketAddress> {
    public SocketAddress {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " is not within 0..65535");
    }

    /** Parses "a.b.c.d:port". */
    public static SocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("'" + text + "' has no port (expected a.b.c.d:port)");
        String port = text.substring(colon + 1);
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + text + "' has no valid port (expected a.b.c.d:port)");
        }
        return new SocketAddress(Ipv4.parse(text.substring(0, colon)), Integer.parseInt(port));
    }

    @Override
    public int compareTo(SocketAddress o) {
        int c = ip.compareTo(o.ip);
        return c != 0 ? c : Integer.compare(port, o.port);
    }

    @Override
    public String toString() {
        return ip + ":" + port;
    }
}
