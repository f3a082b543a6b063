package dev.kubepath.dataplane;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.SocketAddress;

/**
 * What the operator sends: {@code curl -I ip:port} (a TCP SYN), {@code ping ip} (an ICMP echo), or a UDP datagram
 * (a DNS query, as {@code dig} and {@code nslookup} send one).
 */
public sealed interface Probe {
    Ipv4 target();

    /** Size of the IP packet, which the MTU checks use. */
    int size();

    record Curl(SocketAddress to) implements Probe {
        public Ipv4 target() {
            return to.ip();
        }

        public int size() {
            return 60;
        }

        @Override
        public String toString() {
            return to.toString();
        }
    }

    /** {@code payload} is ping's -s (56 by default, giving an 84-byte packet); DF is set as with -M do. */
    record Ping(Ipv4 target, int payload) implements Probe {
        public Ping(Ipv4 target) {
            this(target, 56);
        }

        public int size() {
            return payload + 28;
        }

        @Override
        public String toString() {
            return target.toString();
        }
    }

    /**
     * A UDP datagram to {@code to}: a DNS query of {@code payload} bytes (40 by default: a query for a name of about
     * 20 characters). Delivered when a socket takes it and the answer comes back; "refused" when the kernel answers
     * ICMP port unreachable (no socket, a REJECT, an IPVS service without real servers).
     */
    record Udp(SocketAddress to, int payload) implements Probe {
        public Udp(SocketAddress to) {
            this(to, 40);
        }

        public Ipv4 target() {
            return to.ip();
        }

        public int size() {
            return payload + 28;
        }

        @Override
        public String toString() {
            return to + "/udp";
        }
    }
}
