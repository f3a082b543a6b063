package dev.kubepath.dataplane;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.SocketAddress;

/** What the operator sends: {@code curl -I ip:port} (a TCP SYN) or {@code ping ip} (an ICMP echo). */
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
}
