package dev.kubepath.model;

import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;

import java.util.List;

/** An IPVS virtual service, as {@code ipvsadm -Ln} lists it, with its real servers. */
public record VirtualServer(Protocol protocol, SocketAddress address, String scheduler, List<RealServer> reals) {
    public VirtualServer {
        reals = List.copyOf(reals);
    }

    public record RealServer(SocketAddress address, String forward, int weight, int activeConn, int inactConn) {
        public static RealServer masq(SocketAddress address) {
            return new RealServer(address, "Masq", 1, 0, 0);
        }
    }

    public String describe() {
        return protocol + "  " + address + " " + scheduler;
    }
}
