package dev.kubepath.dataplane;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one traced flow left on the hosts it crossed: the devices its packet and the answer crossed (with the
 * addresses they carried there), and the connection tracking entry each host confirmed. Recorded only when asked
 * ({@link DataPlane#traceOnWire}): the matrix traces millions of flows and reads none of this.
 */
public final class Wire {
    public enum Direction { IN, OUT }

    /** The VXLAN header around a packet on the underlay: the outer addresses, the UDP port and the VNI. */
    public record Outer(Ipv4 src, Ipv4 dst, int dport, int vni) {}

    /**
     * A packet crossing a device of a host, with the addresses it carries there. {@code reply}: the answer's way
     * back. {@code outer}: on the underlay, the VXLAN encapsulation around it; null elsewhere.
     */
    public record Crossing(String host, String dev, Direction direction, boolean reply, Protocol protocol, Ipv4 src, int sport,
                           Ipv4 dst, int dport, Outer outer) {}

    /**
     * A connection tracking entry a host confirmed: the original tuple as the packet came in (or was sent), the reply
     * tuple the answer is expected with (after the host's DNAT and MASQUERADE), and whether the answer came through.
     */
    public record Tracked(String host, Protocol protocol, Ipv4 src, int sport, Ipv4 dst, int dport, Ipv4 replySrc, int replySport,
                          Ipv4 replyDst, int replyDport, boolean replied) {}

    private final List<Crossing> crossings = new ArrayList<>();
    private final Map<String, Tracked> tracked = new LinkedHashMap<>();
    private final java.util.Set<String> tracking = new java.util.HashSet<>();
    private final java.util.Set<String> ipvs = new java.util.HashSet<>();

    /** Whether {@code host}'s netfilter tracks connections (its entries, and those of the VXLAN datagrams it sends and takes). */
    public boolean tracks(String host) {
        return tracking.contains(host);
    }

    /** Whether IPVS scheduled the flow's connection on {@code host}: it is in IPVS's connection table there too. */
    public boolean scheduledByIpvs(String host) {
        return ipvs.contains(host);
    }

    void tracking(String host) {
        tracking.add(host);
    }

    void ipvs(String host) {
        ipvs.add(host);
    }

    public List<Crossing> crossings() {
        return List.copyOf(crossings);
    }

    /** The entries in the order the hosts confirmed them (one per host: a flow is one connection on each). */
    public List<Tracked> tracked() {
        return List.copyOf(tracked.values());
    }

    void cross(String host, String dev, Direction d, boolean reply, Packet p, Outer outer) {
        if (dev == null || p.src() == null) return;
        crossings.add(new Crossing(host, dev, d, reply, p.protocol(), p.src(), p.sport(), p.dst(), p.dport(), outer));
    }

    /** The first confirmation on a host stands: a packet that comes back through it is the same connection. */
    void confirm(String host, Packet original, Packet leaving) {
        if (original.src() == null) return;
        tracked.putIfAbsent(host, new Tracked(host, original.protocol(), original.src(), original.sport(), original.dst(), original.dport(),
                leaving.dst(), leaving.dport(), leaving.src(), leaving.sport(), false));
    }

    /** The answer reached {@code host}: its entry has seen the reply. */
    void replied(String host) {
        tracked.computeIfPresent(host, (h, t) -> new Tracked(t.host(), t.protocol(), t.src(), t.sport(), t.dst(), t.dport(), t.replySrc(),
                t.replySport(), t.replyDst(), t.replyDport(), true));
    }
}
