package dev.kubepath.dataplane;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Protocol;

/** An IPv4 packet as the tracer follows it; {@code src} is null until the sender's route picks a source. */
record Packet(Protocol protocol, Ipv4 src, int sport, Ipv4 dst, int dport, int mark, int size) {
    static final int MASQ_MARK = 0x4000;

    Packet withSrc(Ipv4 ip, int port) {
        return new Packet(protocol, ip, port, dst, dport, mark, size);
    }

    Packet withDst(Ipv4 ip, int port) {
        return new Packet(protocol, src, sport, ip, port, mark, size);
    }

    Packet withMark(int value) {
        return new Packet(protocol, src, sport, dst, dport, value, size);
    }

    /** The answer travelling back: addresses and ports swapped, marks cleared. */
    Packet reversed() {
        return new Packet(protocol, dst, dport, src, sport, 0, size);
    }

    String endpoints() {
        return protocol == Protocol.ICMP ? src + " -> " + dst : src + ":" + sport + " -> " + dst + ":" + dport;
    }
}
