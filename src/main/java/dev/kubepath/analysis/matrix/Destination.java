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

    record PodSubnet(Prefix subnet, Ipv4 target) implements Destination {
        public Probe probe() {
            return new Probe.Ping(target);
        }

        public String label() {
            return subnet.toString();
        }
    }

    record ClusterIp(String service, SocketAddress address) implements Destination {
        public Probe probe() {
            return new Probe.Curl(address);
        }

        public String label() {
            return address.toString();
        }
    }

    record NodePort(String service, String node, SocketAddress address) implements Destination {
        public Probe probe() {
            return new Probe.Curl(address);
        }

        public String label() {
            return address.toString();
        }
    }
}
