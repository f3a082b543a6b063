package dev.kubepath.dataplane;

import dev.kubepath.model.Facet;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;

import java.util.Locale;

/**
 * Why a trace ended as it did: a kind plus its subject (which host, route, lease, device, rule or missing fact).
 * The message a person reads is written from it ({@link #text()}); decisions (the doctor's attribution, the tools'
 * messages) read the fields, never the text.
 */
public sealed interface Cause {
    /** The host where the packet's fate was decided. */
    String host();

    /** The message: what a person reads in a trace, a symptom or a report. */
    String text();

    /** The cause on the request's way, for a failure of the answer on its way back. */
    default Cause root() {
        return this;
    }

    /** Where an address lives, as far as the snapshot tells: a host's bridge subnet, and whether a lease holds it. */
    record Where(Ipv4 ip, Prefix bridgeSubnet, String bridgeOwner, Prefix lease, Ipv4 leasePublicIp, boolean leasesKnown) {
        /** The subnet the address is known to lie in: the bridge's, else the lease's; null when neither is known. */
        public Prefix subnet() {
            return bridgeSubnet != null ? bridgeSubnet : lease;
        }

        String describe() {
            if (bridgeSubnet != null) {
                String held = !leasesKnown || lease != null ? "" : ", which no lease holds";
                return bridgeSubnet + " (" + (bridgeOwner == null ? "" : bridgeOwner) + held + ")";
            }
            if (lease != null) return lease + " (leased to " + leasePublicIp + ")";
            return ip.toString();
        }

        String note() {
            String d = describe();
            return d.equals(ip.toString()) ? "" : " (" + d + ")";
        }
    }

    // ---- answers ------------------------------------------------------------------------------------------------

    /** The flow was answered: by a local socket, the kernel's echo, or a pod. */
    record Answered(String host, String by) implements Cause {
        public String text() {
            return by;
        }
    }

    /** Nothing listens on a host's address and port (and no IPVS virtual server matches): RST. */
    record NothingListens(String host, Ipv4 ip, int port, boolean ipvsKnown, Protocol protocol) implements Cause {
        public String text() {
            return "nothing listens on " + ip + ":" + port + (protocol == Protocol.UDP ? "/udp" : "") + " of " + host
                    + (ipvsKnown ? " and no IPVS virtual server matches" : "") + ": the kernel answers " + answer(protocol);
        }
    }

    /** What a kernel sends back for a segment or datagram no socket takes: RST for TCP, ICMP port unreachable for UDP. */
    private static String answer(Protocol protocol) {
        return protocol == Protocol.UDP ? "ICMP port unreachable" : "RST";
    }

    /** The backend pod has no socket on the port. */
    record PodNotListening(String host, String pod, int port, Protocol protocol) implements Cause {
        public String text() {
            return "nothing listens on " + (protocol == Protocol.UDP ? "UDP " : "") + "port " + port + " in pod " + pod + ": " + answer(protocol);
        }
    }

    /** An IPVS virtual server with no real server. */
    record NoRealServers(String host, String virtualServer) implements Cause {
        public String text() {
            return "IPVS virtual server " + virtualServer + " on " + host + " has no real servers";
        }
    }

    // ---- drops --------------------------------------------------------------------------------------------------

    record RoutingLoop(String host) implements Cause {
        public String text() {
            return "routing loop: the TTL runs out";
        }
    }

    /** net.ipv4.ip_forward=0 on a host a packet must cross. */
    record ForwardingOff(String host, Ipv4 dst, String ingress) implements Cause {
        public String text() {
            return "net.ipv4.ip_forward=0 on " + host + ": the packet to " + dst + " arriving on " + ingress + " is not forwarded";
        }
    }

    /** A blackhole, unreachable or prohibit route. */
    record RejectingRoute(String host, Route route) implements Cause {
        public String text() {
            return route.type().name().toLowerCase(Locale.ROOT) + " route to " + route.dst();
        }
    }

    /**
     * The route taken goes through a gateway the snapshot knows by name only ({@code route} without {@code -n}), and
     * no rule resolved the name: where the packet goes next is unknown.
     */
    record UnknownGateway(String host, Route route) implements Cause {
        public String text() {
            return "the route " + route.describe() + " on " + host + " goes through gateway '" + route.gatewayName()
                    + "', a name whose address is not in the snapshot (route printed names; route -n or ip route shows the address)";
        }
    }

    /** No route at all, and no default route. */
    record NoRoute(String host, Where where, boolean local) implements Cause {
        public String text() {
            String why = "no route to " + where.ip() + " on " + host + " and no default route" + where.note();
            return local ? why + ": connect: Network is unreachable" : why + ": ICMP network unreachable goes back to the sender";
        }
    }

    /**
     * The route that matched sends the packet via a gateway outside the cluster: the default route for an address
     * no specific route covers (a pod subnet without a route, a ClusterIP without a rule), or a specific one.
     * {@code clusterIpOf} names the service when the address is its ClusterIP.
     */
    record LeavesCluster(String host, Where where, Route route, String clusterIpOf, int port) implements Cause {
        public boolean viaDefault() {
            return route.dst().length() == 0;
        }

        public String text() {
            String why = viaDefault()
                    ? "no route to " + where.describe() + " on " + host + ": default route via " + route.via() + " leaves the cluster; nothing answers"
                    : "route via " + route.via() + " leaves the cluster; nothing answers";
            if (clusterIpOf != null) {
                why += " (" + where.ip() + " is the ClusterIP of " + clusterIpOf + ", but " + host + " has no rule for " + where.ip() + ":" + port + ")";
            }
            return why;
        }
    }

    /** A connected route, and nobody on the link answers ARP for the next hop. */
    record NoArpAnswer(String host, String dev, Ipv4 nextHop) implements Cause {
        public String text() {
            return "nobody on " + dev + " of " + host + " answers ARP for " + nextHop + ": No route to host";
        }
    }

    /** The bridge holds no pod with the address. */
    record NoPod(String host, String bridge, Ipv4 ip) implements Cause {
        public String text() {
            return "no pod on " + bridge + " of " + host + " has " + ip + ": ARP gets no answer, ICMP host unreachable";
        }
    }

    /** No neighbour entry for the overlay gateway; {@code leased} is false when no lease holds it (a stale route). */
    record NoNeighbour(String host, String dev, Ipv4 gateway, boolean staleRoute) implements Cause {
        public String text() {
            return "no neighbour entry for " + gateway + " on " + dev + " of " + host
                    + ": with nolearning nobody answers ARP there" + (staleRoute ? "; no lease holds " + gateway + " (the route is stale)" : "");
        }
    }

    record NoFdb(String host, String dev, Mac mac) implements Cause {
        public String text() {
            return "no FDB entry for " + mac + " on " + dev + " of " + host + ": the kernel does not know which VTEP to send the frame to";
        }
    }

    record NoUnderlayRoute(String host, Ipv4 vtep) implements Cause {
        public String text() {
            return "no underlay route to VTEP " + vtep + " on " + host;
        }
    }

    /** The VTEP address is no host of the snapshot's underlay. */
    record ForeignVtep(String host, Ipv4 vtep) implements Cause {
        public String text() {
            return "VTEP " + vtep + " is not a host of this cluster on the underlay of " + host + ": the encapsulated packet leaves and nothing answers";
        }
    }

    /** The receiving host has no VXLAN device for the VNI and port. */
    record NoVxlanDevice(String host, int vni, int port) implements Cause {
        public String text() {
            return host + " has no VXLAN device for VNI " + vni + " on UDP " + port + ": the encapsulated packet is dropped";
        }
    }

    /** The inner frame's MAC (from a neighbour entry, i.e. a lease's VtepMAC) is not the receiving device's. */
    record VtepMacMismatch(String host, Mac frameMac, String dev, Mac deviceMac) implements Cause {
        public String text() {
            return "the inner frame is for " + frameMac + " but " + dev + " of " + host + " is " + deviceMac
                    + ": the frame is dropped (the lease's VtepMAC is wrong)";
        }
    }

    /** A filter chain dropped or rejected the packet; {@code rule} is the rule or policy that did. */
    record Filtered(String host, String chain, boolean reject, String endpoints, String rule) implements Cause {
        public String text() {
            return "filter " + chain + (reject ? " rejects " : " drops ") + endpoints + " on " + host;
        }
    }

    /**
     * The outer VXLAN packet is dropped or rejected by a host's filter chain (a host firewall cutting the overlay
     * between two hosts: {@code fault underlay-drop}).
     */
    record UnderlayFiltered(String host, String chain, boolean reject, Ipv4 from, Ipv4 to, int port, String rule) implements Cause {
        public String text() {
            return "filter " + chain + " of " + host + (reject ? " rejects" : " drops") + " VXLAN UDP " + port + " from " + from + " to " + to
                    + ": the overlay between the two hosts is cut";
        }
    }

    /**
     * The encapsulated packet does not fit the underlay: on the sender, an inner packet with DF whose outer packet
     * exceeds the underlay device's MTU (the kernel answers "fragmentation needed", mtu = underlay - 50); on the
     * receiver ({@code received}), a frame larger than the receiving device's MTU, which it drops silently.
     */
    record UnderlayTooSmall(String host, String underlayDev, int mtu, int outerSize, boolean received) implements Cause {
        public String text() {
            if (received) {
                return "VXLAN packet of " + outerSize + " bytes arrives on " + underlayDev + " (mtu " + mtu + ") of " + host
                        + ": larger than the device accepts, dropped";
            }
            return "packet with DF is " + outerSize + " bytes once encapsulated, more than " + underlayDev + " (mtu " + mtu + ") of " + host
                    + ": message too long, mtu=" + (mtu - 50);
        }
    }

    /** Reverse-path filtering: the route back to the source leaves by another device (strict) or there is none. */
    record ReversePathFiltered(String host, Ipv4 src, String ingress, String reverseDev, int mode) implements Cause {
        public String text() {
            String back = reverseDev == null ? "there is no route back to it" : "the route back to it leaves by " + reverseDev;
            return "rp_filter=" + mode + " on " + host + ": " + src + " arrived on " + ingress + " but " + back + ": dropped";
        }
    }

    /** The bridge would send the frame back out of the port it came in by, and that port's hairpin mode is off. */
    record HairpinOff(String host, String pod, String bridge) implements Cause {
        public String text() {
            return bridge + " on " + host + " would send it back out of pod " + pod + "'s port, where it came in, but hairpin mode is off on that port: dropped";
        }
    }

    /** The packet does not fit the device's MTU and may not be fragmented. */
    record TooBig(String host, String dev, int mtu, int size) implements Cause {
        public String text() {
            return "packet of " + size + " bytes with DF does not fit " + dev + " (mtu " + mtu + "): message too long, mtu=" + mtu;
        }
    }

    /** The answer reached a host or pod other than the sender (asymmetric routing or NAT). */
    record AnswerMisdirected(String host, String endsAt) implements Cause {
        public String text() {
            return endsAt;
        }
    }

    /** A fact the answer depends on is not in the snapshot; {@code subject} names what it would have decided. */
    /**
     * A fact the walk needs would come from a Kubernetes listing shown only in part ({@code kubectl get pods -o wide |
     * grep node2}): what it does not show is unknown, not absent. {@code what} names the fact, {@code cut} the listing,
     * how it was cut, and its file and line.
     */
    record ListingCut(String host, String what, dev.kubepath.model.PartialListing cut) implements Cause {
        public String text() {
            return what + " is unknown: " + cut.because();
        }
    }

    record Unknown(String host, Facet facet, String subject, String shownBy) implements Cause {
        /** A facet not shown at all. */
        public Unknown(String host, Facet facet, String subject) {
            this(host, facet, subject, null);
        }

        public String text() {
            if (shownBy != null) { // a filtered paste: what it lacks is not absent
                String what = switch (facet) {
                    case ROUTES -> "routes";
                    case IPVS, IPTABLES -> "IPVS and iptables rules";
                    case NEIGHBOURS -> "neighbours";
                    case FDB -> "FDB entries";
                    case ADDRESSES -> "addresses";
                    default -> facet.name().toLowerCase(Locale.ROOT);
                };
                return what + " of " + host + " are known only as `" + shownBy + "` showed them" + (facet == Facet.ROUTES ? "" : ": " + subject + " is unknown");
            }
            return switch (facet) {
                case ROUTES -> "the routing table of " + host + " is not in the snapshot";
                case IPVS, IPTABLES -> subject + " may be a service frontend on " + host + ", but its IPVS and iptables rules are not in the snapshot";
                case CONTAINERS -> "the pods on " + subject + " of " + host + " are not in the snapshot";
                case NEIGHBOURS -> "the neighbour table of " + host + " is not in the snapshot and no lease names " + subject;
                case FDB -> "the FDB of " + host + " is not in the snapshot and no lease has VTEP MAC " + subject;
                default -> facet.name().toLowerCase(Locale.ROOT) + " of " + host + " (" + subject + ") is not in the snapshot";
            };
        }
    }

    /** The request got through, its answer did not: the sender never hears it. */
    record AnswerLost(Cause cause) implements Cause {
        public String host() {
            return cause.host();
        }

        public String text() {
            return "the answer is lost on the way back: " + cause.text();
        }

        @Override
        public Cause root() {
            return cause;
        }
    }
}
