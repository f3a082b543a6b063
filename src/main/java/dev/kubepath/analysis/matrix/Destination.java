package dev.kubepath.analysis.matrix;

import dev.kubepath.dataplane.Probe;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;

/**
 * A destination class of the matrix. A pod subnet is probed with a ping to one address in it: its lowest pod
 * address on the host whose bridge holds the subnet, or the subnet's .1 when no pod is there. A service frontend is
 * probed with a curl (TCP SYN) or, for a UDP port, a datagram to the ClusterIP:port or to one NodeIP:nodePort,
 * every node counted on its own.
 */
public sealed interface Destination {
    Probe probe();

    /** "10.64.1.0/24" or "172.20.0.1:80": the form the JSON and the tables use. */
    String label();

    /**
     * What the destination is, independent of the addresses it has in one snapshot: "pods on mcwk8s05",
     * "ClusterIP default/web:80", "NodePort default/web:80 on mcwk8s06". Two snapshots' flows are compared by it,
     * so a subnet or NodePort that was renumbered by a fix is still the same destination.
     */
    String identity();

    /** {@code owner} is the host whose bridge holds the subnet, or null when none does. */
    record PodSubnet(Prefix subnet, Ipv4 target, String owner) implements Destination {
        public String identity() {
            return owner != null ? "pods on " + owner : "pod subnet " + subnet;
        }

        public Probe probe() {
            return new Probe.Ping(target);
        }

        public String label() {
            return subnet.toString();
        }
    }

    /** A UDP port is probed with a datagram (a DNS query) and named with "/udp"; a TCP one keeps the bare form. */
    record ClusterIp(String service, SocketAddress address, Protocol protocol) implements Destination {
        public ClusterIp(String service, SocketAddress address) {
            this(service, address, Protocol.TCP);
        }

        public String identity() {
            return "ClusterIP " + service + ":" + address.port() + suffix(protocol);
        }

        public Probe probe() {
            return probeOf(address, protocol);
        }

        public String label() {
            return address + suffix(protocol);
        }
    }

    /** {@code port} is the service port the NodePort belongs to. */
    record NodePort(String service, int port, String node, SocketAddress address, Protocol protocol) implements Destination {
        public NodePort(String service, int port, String node, SocketAddress address) {
            this(service, port, node, address, Protocol.TCP);
        }

        public String identity() {
            return "NodePort " + service + ":" + port + suffix(protocol) + " on " + node;
        }

        public Probe probe() {
            return probeOf(address, protocol);
        }

        public String label() {
            return address + suffix(protocol);
        }
    }

    private static Probe probeOf(SocketAddress address, Protocol protocol) {
        return protocol == Protocol.UDP ? new Probe.Udp(address) : new Probe.Curl(address);
    }

    private static String suffix(Protocol protocol) {
        return protocol == Protocol.UDP ? "/udp" : "";
    }
}
