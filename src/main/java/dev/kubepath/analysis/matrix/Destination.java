package dev.kubepath.analysis.matrix;

import dev.kubepath.dataplane.Probe;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.SocketAddress;

/**
 * A destination class of the matrix. A pod subnet is probed with a ping to one address in it: its lowest pod
 * address on the host whose bridge holds the subnet, or the subnet's .1 when no pod is there. A service frontend is
 * probed with a curl (TCP SYN) to the ClusterIP:port or to one NodeIP:nodePort, every node counted on its own.
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

    record ClusterIp(String service, SocketAddress address) implements Destination {
        public String identity() {
            return "ClusterIP " + service + ":" + address.port();
        }

        public Probe probe() {
            return new Probe.Curl(address);
        }

        public String label() {
            return address.toString();
        }
    }

    /** {@code port} is the service port the NodePort belongs to. */
    record NodePort(String service, int port, String node, SocketAddress address) implements Destination {
        public String identity() {
            return "NodePort " + service + ":" + port + " on " + node;
        }

        public Probe probe() {
            return new Probe.Curl(address);
        }

        public String label() {
            return address.toString();
        }
    }
}
