package dev.kubepath.dataplane;

import dev.kubepath.model.Container;
import dev.kubepath.model.Facet;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;
import dev.kubepath.model.Service;
import dev.kubepath.model.Socket;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One walk of one packet and its answer through the simulated kernels, following one backend choice at the
 * load-balancing point. The order of checks is the kernel's: conntrack, nat PREROUTING/OUTPUT, the routing decision
 * (local table first), IPVS at LOCAL_IN, FORWARD (ip_forward, filter), POSTROUTING (masquerade), then the device:
 * bridge, VXLAN (neighbour, FDB, encapsulation) or the underlay wire.
 */
final class Walk {
    /** How a walk ended: the verdict, why, and what the client would print on success. */
    record End(Verdict verdict, Cause cause, String response) {
        String reason() {
            return cause.text();
        }
    }

    /** A NAT binding on one host: the tuple before translation and after, to undo it on the reply. */
    private record Binding(String host, Packet original, Packet translated) {}

    private static final int EPHEMERAL_PORT = 40000;
    private static final int MAX_HOPS = 32;

    private final DataPlane dp;
    private final HostView origin;
    /** The pod that sends the probe from its own namespace, or null: the host sends it. */
    private final Container sender;
    private final Probe probe;
    private final int choice;
    private final List<LazySteps.Draft> steps = new ArrayList<>();
    private final Set<Assumption> assumptions = new LinkedHashSet<>();
    private Basis basis = Basis.OBSERVED;
    private final List<Binding> bindings = new ArrayList<>();
    private int alternatives = 1;
    private String backend;
    private Ipv4 backendIp;
    private boolean reply;
    private Ipv4 senderAddress;
    private End forwardEnd;
    private int hops;
    private Packet restoredSource;
    /** The ClusterIP taken as bound to kube-ipvs0 (rule KUBE_IPVS0_ADDRESS) on this walk, and where. */
    private HostView kubeIpvs0Host;
    private Ipv4 kubeIpvs0Address;
    /** What the packets left on the wire and in connection tracking, when asked (null: not recorded). */
    private final Wire wire;
    /** The host whose connection tracking holds the packet now, and the packet as it came into that host. */
    private String ctHost;
    private Packet ctIn;

    Walk(DataPlane dp, HostView origin, Probe probe, int choice) {
        this(dp, origin, null, probe, choice, null);
    }

    Walk(DataPlane dp, HostView origin, Container sender, Probe probe, int choice, Wire wire) {
        this.dp = dp;
        this.origin = origin;
        this.sender = sender;
        this.probe = probe;
        this.choice = choice;
        this.wire = wire;
    }

    Wire wire() {
        return wire;
    }

    /** The path as steps whose text is written when first read: tracing many flows costs no text. */
    List<Step> steps() {
        return new LazySteps(steps);
    }

    List<Assumption> assumptions() {
        return List.copyOf(assumptions);
    }

    Basis basis() {
        return basis;
    }

    int alternatives() {
        return alternatives;
    }

    String backend() {
        return backend;
    }

    Ipv4 backendIp() {
        return backendIp;
    }

    boolean isReply() {
        return reply;
    }

    /** Called at a load-balancing point with n alternatives: this walk follows the one its choice names. */
    int choose(int n) {
        alternatives = Math.max(alternatives, n);
        return choice % n;
    }

    End run() {
        Packet p = switch (probe) {
            case Probe.Curl c -> new Packet(Protocol.TCP, null, EPHEMERAL_PORT, c.to().ip(), c.to().port(), 0, c.size());
            case Probe.Ping g -> new Packet(Protocol.ICMP, null, 0, g.target(), 0, 0, g.size());
            case Probe.Udp u -> new Packet(Protocol.UDP, null, EPHEMERAL_PORT, u.to().ip(), u.to().port(), 0, u.size());
        };
        String what = switch (probe) {
            case Probe.Curl c -> "TCP SYN to " + c;
            case Probe.Ping g -> "ICMP echo request to " + g;
            case Probe.Udp u -> "UDP datagram to " + u.to();
        };
        if (sender != null) return fromPod(p, what);
        step(origin, Stage.ORIGIN, what, null);
        return atHost(origin, p, null);
    }

    /**
     * A probe sent inside a pod: its source is the pod's address. A destination in the pod's own subnet is on its
     * bridge (switched: {@link #bridged}); anything else goes to the pod's default route, the bridge's address, and
     * enters the host's IP layer from the bridge.
     */
    private End fromPod(Packet p, String what) {
        p = sent(p.withSrc(sender.ip(), p.sport()));
        step(origin, Stage.ORIGIN, "pod " + DataPlane.podLabel(sender) + ": " + what, null);
        if (Prefix.of(sender.ip(), sender.prefixLength()).contains(p.dst())) return bridged(origin, p, sender.bridge());
        return atHost(origin, p, sender.bridge());
    }

    /**
     * A packet from a pod to another pod of the same bridge is switched, not routed: no ip_forward, no route lookup.
     * With br_netfilter (net.bridge.bridge-nf-call-iptables=1) the bridge still passes it through conntrack and the
     * FORWARD chains (in and out by the bridge); with it off through neither, so the answer of an endpoint that a
     * ClusterIP was DNAT'ed to reaches the calling pod from the endpoint's own address (kube-proxy's reason to
     * require br_netfilter). An address of the host's own on the bridge goes up to its IP layer.
     */
    private End bridged(HostView h, Packet p, String bridge) {
        if (h.isLocal(p.dst())) return atHost(h, p, bridge);
        if (brNetfilter(h)) {
            if (reply) p = undoNat(h, p);
            End filtered = filter(h, "FORWARD", p, bridge, bridge);
            if (filtered != null) return filtered;
            p = restoreSource(p);
        } else {
            Packet q = p;
            step(h, Stage.BRIDGE, () -> bridge + " switches " + q.endpoints() + " past netfilter (br_netfilter off)",
                    () -> dev.kubepath.model.Host.BRIDGE_NF_CALL_IPTABLES + " = 0");
        }
        return toBridge(h, p, bridge, p.dst(), null);
    }

    /** net.bridge.bridge-nf-call-iptables: 0 off; 1, or not in the snapshot (taken as on, an assumption named), on. */
    private boolean brNetfilter(HostView h) {
        String v = h.host.knows(Facet.SYSCTLS) ? h.host.sysctls().get(dev.kubepath.model.Host.BRIDGE_NF_CALL_IPTABLES) : null;
        if (v == null) {
            assume(h, Facet.SYSCTLS, "br_netfilter on " + h.name() + ": bridged pod traffic passes netfilter ("
                    + dev.kubepath.model.Host.BRIDGE_NF_CALL_IPTABLES + " not in the snapshot)", "br_netfilter on " + h.name());
            return true;
        }
        return !v.strip().equals("0");
    }

    /**
     * The answer reaches the pod that sent the probe: it is taken only from the address and port the pod called
     * (conntrack undid the DNAT); from any other the pod's kernel resets it, and the client never hears an answer.
     */
    private End atSender(HostView h, Packet p) {
        Ipv4 called = probe.target();
        int calledPort = switch (probe) {
            case Probe.Curl c -> c.to().port();
            case Probe.Udp u -> u.to().port();
            case Probe.Ping g -> p.sport();
        };
        if (!p.src().equals(called) || p.sport() != calledPort) {
            return drop(h, Verdict.TIMEOUT, new Cause.AnswerMisdirected(h.name(), "the answer reaches pod " + sender.pod() + " from "
                    + p.src() + (p.protocol() == Protocol.ICMP ? "" : ":" + p.sport()) + ", not from " + called
                    + (p.protocol() == Protocol.ICMP ? "" : ":" + calledPort) + ", which it called (the DNAT was not undone)"), null);
        }
        step(h, Stage.REPLY, () -> "the answer reaches the sender, pod " + sender.pod() + " " + p.endpoints(), () -> null);
        return forwardEnd;
    }

    /** A fact of {@code facet} on {@code h} not in the snapshot, naming the filter when the facet was shown only through one. */
    private static Cause.Unknown unknown(HostView h, Facet facet, String subject) {
        return new Cause.Unknown(h.name(), facet, subject, h.host.filteredBy(facet).orElse(null));
    }

    /** The filter the addresses of this host were shown through, or null. */
    private String filteredAddresses(String host) {
        return dp.view(host).flatMap(v -> v.host.filteredBy(Facet.ADDRESSES)).orElse(null);
    }

    // ---- the IP layer of one host -------------------------------------------------------------------------

    /** A packet entering a host's IP layer: sent by a local process ({@code ingress} null) or received on a device. */
    // Long on purpose: the IP layer's steps in the kernel's order (conntrack reply, nat PREROUTING, local delivery,
    // ip_forward, route lookup, source selection, filter, MTU), each of which may end the walk; one method keeps that
    // order visible.
    private End atHost(HostView h, Packet p, String ingress) {
        if (++hops > MAX_HOPS) return drop(h, Verdict.TIMEOUT, new Cause.RoutingLoop(h.name()), null);
        if (!h.host.knows(Facet.ROUTES)) {
            return drop(h, Verdict.INSUFFICIENT_INFO, unknown(h, Facet.ROUTES, "routes"), null);
        }
        if (wire != null && tracks(h)) wire.tracking(h.name());
        if (wire != null && reply) wire.replied(h.name());
        if (wire != null && !reply && !h.name().equals(ctHost)) {
            ctHost = h.name();
            ctIn = p;
        }
        if (reply) p = undoNat(h, p);
        // with br_netfilter (bridge-nf-call-iptables=1, as Kubernetes requires) PREROUTING runs on the bridge port,
        // so a capture on the bridge sees the answer after conntrack restored its destination (seen in the lab)
        if (wire != null && ingress != null && h.links.get(ingress) != null && h.links.get(ingress).kind() instanceof LinkKind.Bridge) {
            wire.cross(h.name(), ingress, Wire.Direction.IN, reply, p, null);
        }
        boolean local = ingress == null;
        if (!reply && NftHooks.present(h)) {
            Object r = nftDestinationNat(h, p, local);
            if (r instanceof End e) return e;
            p = (Packet) r;
        }
        if (!reply && h.host.knows(Facet.IPTABLES)) {
            Netfilter.Outcome nat = new Netfilter(h, this).run("nat", local ? "OUTPUT" : "PREROUTING", p, ingress, null);
            p = dnat(h, p, nat);
        }
        End martian = reversePath(h, p, ingress);
        if (martian != null) return martian;
        if (!reply && !h.serviceRulesKnown() && dp.serviceByClusterIp(p.dst()).isPresent() && !h.isLocal(p.dst())) { // rare: rules unknown
            if (p.src() == null) {
                // the kernel picks the source on the route to the ClusterIP before any service rule sees the packet
                Route toService = h.lookup(p.dst());
                p = sent(p.withSrc(toService == null ? p.dst() : sourceFor(h, toService), p.sport()));
            }
            return unknownServiceRules(h, p);
        }
        // the answer to the address the sender's kernel picked as its source is the sender's, listed or not
        // (a pod's answer goes on through the bridge to the pod: atSender)
        boolean toSender = reply && sender == null && h == origin && p.dst().equals(senderAddress);
        if (toSender || h.isLocal(p.dst()) || boundToKubeIpvs0(h, p)) {
            p = restoreSource(p);
            if (p.src() == null) p = sent(p.withSrc(p.dst(), p.sport()));
            return localIn(h, p, ingress);
        }
        if (!local) {
            if (!h.host.knows(Facet.SYSCTLS) || !h.host.sysctls().containsKey(dev.kubepath.model.Host.IP_FORWARD)) {
                assume(h, Facet.SYSCTLS, "net.ipv4.ip_forward=1 on " + h.name() + " (not in the snapshot)",
                        h.name() + " forwards");
            } else if (!h.host.ipForward()) {
                return drop(h, Verdict.TIMEOUT, new Cause.ForwardingOff(h.name(), p.dst(), ingress), "net.ipv4.ip_forward = 0");
            }
        }
        Route r = h.lookup(p.dst());
        if (r == null) return noRoute(h, p, local);
        if (r.type() == Route.Type.BLACKHOLE) return drop(h, Verdict.TIMEOUT, new Cause.RejectingRoute(h.name(), r), r.describe());
        if (r.type() == Route.Type.UNREACHABLE || r.type() == Route.Type.PROHIBIT) {
            return drop(h, Verdict.UNREACHABLE, new Cause.RejectingRoute(h.name(), r), r.describe());
        }
        // a gateway known by name only: the next hop is unknown, never taken as a connected route nor as a drop
        if (r.gatewayUnknown()) return drop(h, Verdict.INSUFFICIENT_INFO, new Cause.UnknownGateway(h.name(), r), r.describe());
        if (p.src() == null) {
            Ipv4 src = sourceFor(h, r);
            if (src == null) return drop(h, Verdict.INSUFFICIENT_INFO, unknown(h, Facet.ADDRESSES, "the source address on " + r.dev()), null);
            p = sent(p.withSrc(src, p.sport()));
        }
        Packet routed = p;
        routeStep(h, routed, r);
        End filtered = filter(h, local ? "OUTPUT" : "FORWARD", p, ingress, r.dev());
        if (filtered != null) return filtered;
        Packet out = postrouting(h, restoreSource(p), r.dev());
        if (out == null) return drop(h, Verdict.INSUFFICIENT_INFO, unknown(h, Facet.ADDRESSES, "the address MASQUERADE takes on " + r.dev()), null);
        p = out;
        Link dev = h.links.get(r.dev());
        if (dev != null && dev.mtu() != Link.MTU_UNKNOWN && p.size() > dev.mtu()) {
            return drop(h, Verdict.UNREACHABLE, new Cause.TooBig(h.name(), dev.name(), dev.mtu(), p.size()), "mtu " + dev.mtu() + " on " + dev.name());
        }
        LinkKind kind = dev == null ? new LinkKind.Ethernet() : dev.kind();
        Ipv4 nextHop = r.via() != null ? r.via() : p.dst();
        return switch (kind) {
            case LinkKind.Bridge b -> toBridge(h, p, r.dev(), nextHop, ingress);
            case LinkKind.Vxlan x -> toVxlan(h, p, dev, x, nextHop);
            case LinkKind.Loopback l -> localIn(h, p, ingress);
            default -> toWire(h, p, r, nextHop);
        };
    }

    /** A nat outcome applied: the DNAT step and its conntrack binding, or only a changed mark. */
    private Packet dnat(HostView h, Packet p, Netfilter.Outcome nat) {
        if (nat.dnat()) {
            backend = nat.packet().dst() + ":" + nat.packet().dport();
            backendIp = nat.packet().dst();
            Packet before = p;
            String to = backend + alternativesNote();
            step(h, Stage.NAT, () -> "DNAT " + before.dst() + ":" + before.dport() + " -> " + to, nat::rule);
            bind(h, p, nat.packet());
            return nat.packet();
        }
        return nat.packet().mark() != p.mark() ? nat.packet() : p;
    }

    /**
     * nftables at prerouting/output (kube-proxy's nftables mode): the filter chains before DNAT (dstnat - 10: no
     * endpoints, firewall), the nat chains (dstnat), and for a local packet the filter chains after DNAT (dstnat + 10:
     * a ClusterIP port no service has). Returns the packet to go on with, or the End where a chain rejected it.
     */
    private Object nftDestinationNat(HostView h, Packet p, boolean local) {
        NftHooks nft = new NftHooks(h, this);
        String hook = local ? "output" : "prerouting";
        End e = nftFilterVerdict(h, hook, p, nft.run("filter", hook, p, prio -> prio < -100));
        if (e != null) return e;
        p = dnat(h, p, nft.run("nat", hook, p, prio -> true));
        if (local) {
            e = nftFilterVerdict(h, hook, p, nft.run("filter", hook, p, prio -> prio > -100));
            if (e != null) return e;
        }
        return p;
    }

    private End nftFilterVerdict(HostView h, String hook, Packet p, Netfilter.Outcome o) {
        return switch (o.action()) {
            case DROP -> drop(h, Verdict.TIMEOUT, new Cause.Filtered(h.name(), "nftables " + hook, false, p.endpoints(), o.rule()), o.rule());
            case REJECT -> drop(h, p.protocol() != Protocol.ICMP ? Verdict.REFUSED : Verdict.UNREACHABLE,
                    new Cause.Filtered(h.name(), "nftables " + hook, true, p.endpoints(), o.rule()), o.rule());
            default -> null;
        };
    }

    /**
     * Rule KUBE_IPVS0_ADDRESS: a ClusterIP the host has an IPVS virtual server for is bound to kube-ipvs0, where its
     * address listing does not show it (kube-proxy binds every one; a line of the listing may be lost). Only when the
     * address is not local already: a host without rules for the ClusterIP is not concerned.
     */
    private boolean boundToKubeIpvs0(HostView h, Packet p) {
        if (reply) return h == kubeIpvs0Host && p.dst().equals(kubeIpvs0Address); // the answer from that address comes back to it
        if (!h.host.knows(Facet.IPVS) || dp.serviceByClusterIp(p.dst()).isEmpty()) return false;
        VirtualServer vs = h.virtualServer(p.protocol(), p.dst(), p.dport());
        if (vs == null) return false;
        basis = basis.weakest(Basis.INFERRED);
        kubeIpvs0Host = h;
        kubeIpvs0Address = p.dst();
        steps.add(new LazySteps.Draft(h.name(), Stage.LOCAL, () -> p.dst() + " is on kube-ipvs0 of " + h.name(), () -> null, Basis.INFERRED,
                List.of("KUBE_IPVS0_ADDRESS: IPVS " + vs.describe() + " on " + h.name() + "; kube-proxy binds its ClusterIP to kube-ipvs0")));
        return true;
    }

    private End noRoute(HostView h, Packet p, boolean local) {
        return drop(h, Verdict.UNREACHABLE, new Cause.NoRoute(h.name(), where(p.dst()), local), null);
    }

    /** Local delivery: the answer of IPVS, a listening socket, or the kernel's RST / echo reply. */
    private End localIn(HostView h, Packet p, String ingress) {
        End filtered = filter(h, "INPUT", p, ingress, null);
        if (filtered != null) return filtered;
        if (reply) {
            if (h == origin && p.dst().equals(senderAddress)) {
                step(h, Stage.REPLY, () -> "the answer reaches the sender " + p.endpoints(), () -> null);
                return forwardEnd;
            }
            return drop(h, Verdict.TIMEOUT, new Cause.AnswerMisdirected(h.name(), "the answer to " + senderAddress + " ends at " + h.name()
                    + " instead of the sender"), null);
        }
        VirtualServer vs = h.virtualServer(p.protocol(), p.dst(), p.dport());
        if (vs == null) confirm(h, p); // IPVS sends the packet on: its entry is confirmed where it leaves
        if (p.protocol() == Protocol.ICMP) {
            step(h, Stage.LOCAL, p.dst() + " is a local address of " + h.name() + ": the kernel answers the echo", null);
            return answer(h, p, null, new End(Verdict.DELIVERED, new Cause.Answered(h.name(), "echo reply from " + p.dst()), "echo reply"));
        }
        if (vs != null) return ipvs(h, p, vs);
        Optional<Service> svc = dp.serviceByClusterIp(p.dst());
        boolean serviceAddress = svc.isPresent() || dp.isNodePort(p.dport());
        if (serviceAddress && !h.serviceRulesKnown()) return unknownServiceRules(h, p);
        if (!h.host.knows(Facet.SOCKETS)) {
            assume(h, Facet.SOCKETS, "nothing listens on " + p.dst() + ":" + p.dport() + " of " + h.name() + " (sockets not in the snapshot)",
                    "nothing listens on " + p.dst() + ":" + p.dport() + " of " + h.name());
        }
        for (Socket s : h.host.sockets()) {
            if (s.accepts(p.protocol(), p.dst(), p.dport())) {
                step(h, Stage.SOCKET, () -> s.process() + " listens on " + s.ip() + ":" + s.port(), () -> null);
                return answer(h, p, null, new End(Verdict.DELIVERED, new Cause.Answered(h.name(), "connected to " + s.process() + " on " + h.name()), null));
            }
        }
        Cause why = new Cause.NothingListens(h.name(), p.dst(), p.dport(), h.host.knows(Facet.IPVS), p.protocol());
        step(h, Stage.SOCKET, why.text(), null);
        return answer(h, p, null, new End(Verdict.REFUSED, why, null));
    }

    /** IPVS in NAT mode: pick a real server (this walk's choice), DNAT, mark for masquerade, send it on. */
    private End ipvs(HostView h, Packet p, VirtualServer vs) {
        if (vs.reals().isEmpty()) {
            Cause why = new Cause.NoRealServers(h.name(), vs.describe());
            step(h, Stage.IPVS, why.text(), vs.describe());
            return answer(h, p, null, new End(Verdict.REFUSED, why, null));
        }
        int i = choose(vs.reals().size());
        VirtualServer.RealServer real = vs.reals().get(i);
        backend = real.address().toString();
        backendIp = real.address().ip();
        String note = alternativesNote();
        step(h, Stage.IPVS, () -> vs.describe() + " -> " + real.address() + " " + real.forward() + note,
                () -> vs.describe() + "\n  -> " + real.address() + " " + real.forward() + " " + real.weight());
        Packet q = p.withDst(real.address().ip(), real.address().port());
        if (wire != null) wire.ipvs(h.name());
        boolean nodePort = dp.serviceByClusterIp(p.dst()).isEmpty();
        boolean outsider = dp.clusterCidr().map(c -> !c.contains(p.src())).orElse(true);
        if (nodePort || outsider) q = q.withMark(q.mark() | Packet.MASQ_MARK);
        bind(h, p, q);
        return atHost(h, q, null);
    }

    /**
     * A service frontend on a host whose service rules are not in the snapshot. On a node whose kube-proxy is not
     * known to be stopped, the rules are taken as kube-proxy writes them (an assumption the verdict names): to the
     * service's endpoints as {@link DataPlane#assumedEndpoints} finds them. Elsewhere, or with no endpoint to take,
     * the flow is unknown.
     */
    private End unknownServiceRules(HostView h, Packet p) {
        Service svc = dp.serviceByClusterIp(p.dst()).orElse(null);
        boolean nodePort = svc == null;
        if (nodePort) svc = dp.serviceByNodePort(p.dport()).orElse(null);
        Service.Port port = null;
        if (svc != null) {
            for (Service.Port x : svc.ports()) {
                if (x.protocol() == p.protocol() && (nodePort ? x.nodePort() == p.dport() : x.port() == p.dport())) port = x;
            }
        }
        Cause unknown = unknown(h, Facet.IPVS, p.dst() + ":" + p.dport());
        if (port == null || !dp.runsKubeProxy(h.host)) return drop(h, Verdict.INSUFFICIENT_INFO, unknown, null);
        String[] how = {""};
        List<DataPlane.AssumedEndpoint> eps = dp.assumedEndpoints(svc, port, x -> how[0] = x);
        if (eps.isEmpty()) {
            // no endpoint among the pods of a cut listing: not "no endpoints", the listing may have left them out
            var cut = dp.endpointsCut(svc);
            Cause why = cut.isEmpty() ? unknown : new Cause.ListingCut(h.name(), "where kube-proxy on " + h.name() + " sends " + p.dst() + ":"
                    + p.dport() + " of " + svc.key() + " (its service rules are not in the snapshot, nor are its Endpoints or a pod of it)", cut.get());
            return drop(h, Verdict.INSUFFICIENT_INFO, why, null);
        }
        String list = String.join(", ", eps.stream().map(e -> e.ip() + ":" + e.port()).toList());
        String key = svc.key();
        assume(h, Facet.IPVS, "kube-proxy on " + h.name() + " (a node) sends " + p.dst() + ":" + p.dport() + " of " + key + " to " + list
                + ", " + how[0] + " (its service rules are not in the snapshot)", "kube-proxy on " + h.name() + " sends " + key + " to " + list);
        DataPlane.AssumedEndpoint e = eps.get(choose(eps.size()));
        backend = e.ip() + ":" + e.port();
        backendIp = e.ip();
        String note = alternativesNote();
        assumedStep(h, Stage.IPVS, p.dst() + ":" + p.dport() + " -> " + backend + note + " (kube-proxy's rules for " + key + ", assumed)",
                "kube-proxy on " + h.name() + " sends " + key + " to " + list + ", " + how[0]);
        Packet q = p.withDst(e.ip(), e.port());
        boolean outsider = dp.clusterCidr().map(c -> p.src() == null || !c.contains(p.src())).orElse(true);
        if (nodePort || outsider) q = q.withMark(q.mark() | Packet.MASQ_MARK);
        bind(h, p, q);
        return atHost(h, q, null);
    }

    private String alternativesNote() {
        return alternatives > 1 ? " (backend " + (choice % alternatives + 1) + " of " + alternatives + ")" : "";
    }

    // ---- leaving a host ---------------------------------------------------------------------------------------

    private End toBridge(HostView h, Packet p, String bridge, Ipv4 nextHop, String ingress) {
        if (!h.host.knows(Facet.CONTAINERS)) {
            var pod = reply ? null : dp.podOnBridge(h.name(), bridge, nextHop);
            if (pod == null) {
                // no pod listed there: with a cut pod listing that is unknown, never "no pod"
                var cut = reply ? java.util.Optional.<dev.kubepath.model.PartialListing>empty() : dp.podsCut();
                Cause why = cut.isEmpty() ? unknown(h, Facet.CONTAINERS, bridge)
                        : new Cause.ListingCut(h.name(), "the pod holding " + nextHop + " on " + bridge + " of " + h.name(), cut.get());
                return drop(h, Verdict.INSUFFICIENT_INFO, why, null);
            }
            return atInferredPod(h, p, bridge, pod);
        }
        Container c = h.container(bridge, nextHop);
        if (c == null) return drop(h, Verdict.UNREACHABLE, new Cause.NoPod(h.name(), bridge, nextHop), null);
        End hairpin = hairpin(h, c, bridge, ingress);
        if (hairpin != null) return hairpin;
        leave(h, bridge, p, null);
        step(h, Stage.BRIDGE, () -> bridge + " delivers to " + DataPlane.podLabel(c), () -> null);
        return atContainer(h, c, p);
    }

    /**
     * The sending pod's own packet, DNAT'ed to the pod itself (its Service chose it), goes back to the port it came
     * in by. With br_netfilter the DNAT and the routing happen while the frame still belongs to that port, and the
     * bridge sends a frame out of its ingress port only with hairpin mode on (br_forward.c, should_deliver); without
     * br_netfilter it is routed up through the bridge device and sent down from there, which needs no hairpin.
     */
    private End hairpin(HostView h, Container c, String bridge, String ingress) {
        if (reply || sender == null || h != origin || !bridge.equals(ingress) || !bridge.equals(sender.bridge()) || !c.ip().equals(sender.ip())) return null;
        if (!brNetfilter(h)) return null;
        if (c.hairpin() == null) {
            assume(h, Facet.CONTAINERS, "hairpin on for pod " + c.pod() + "'s port on " + bridge + " (its hairpin mode is not in the snapshot)",
                    "hairpin on " + c.pod());
            return null;
        }
        if (!c.hairpin()) return drop(h, Verdict.TIMEOUT, new Cause.HairpinOff(h.name(), c.pod(), bridge), "hairpin off on pod " + c.pod() + "'s port");
        step(h, Stage.BRIDGE, () -> bridge + " sends it back out of pod " + c.pod() + "'s port, where it came in: hairpin on", () -> "hairpin on");
        return null;
    }

    /**
     * A pod known only from the API server (rule POD_ON_BRIDGE): the bridge delivers to it; what listens inside is
     * not in the snapshot, so a connection to it is taken as accepted, and the verdict says so.
     */
    private End atInferredPod(HostView h, Packet p, String bridge, dev.kubepath.model.Pod pod) {
        String label = "pod " + pod.key() + " (" + pod.ip() + ")";
        basis = basis.weakest(Basis.INFERRED);
        steps.add(new LazySteps.Draft(h.name(), Stage.BRIDGE, () -> bridge + " delivers to " + label, () -> null, Basis.INFERRED,
                List.of("POD_ON_BRIDGE: " + pod.key() + " Running on " + h.name() + " at " + pod.ip() + ", inside " + bridge + "'s subnet")));
        if (p.protocol() == Protocol.ICMP) {
            step(h, Stage.POD, label + " answers the echo", null);
            return answer(h, p, bridge, new End(Verdict.DELIVERED, new Cause.Answered(h.name(), "echo reply from " + label), "echo reply"));
        }
        String what = pod.key() + " listens on port " + p.dport() + " (its sockets are not in the snapshot)";
        assume(h, Facet.CONTAINERS, what, pod.name() + " listens on " + p.dport());
        assumedStep(h, Stage.POD, label + " accepts on port " + p.dport(), what);
        return answer(h, p, bridge, new End(Verdict.DELIVERED, new Cause.Answered(h.name(), "answered by " + label + " on " + h.name()), null));
    }

    private End atContainer(HostView h, Container c, Packet p) {
        if (reply && sender != null && h == origin && c.ip().equals(sender.ip()) && c.bridge().equals(sender.bridge())) return atSender(h, p);
        if (reply) return drop(h, Verdict.TIMEOUT, new Cause.AnswerMisdirected(h.name(), "the answer goes to pod " + c.pod() + " instead of the sender"), null);
        if (p.protocol() == Protocol.ICMP) {
            step(h, Stage.POD, "pod " + c.pod() + " answers the echo", null);
            return answer(h, p, c.bridge(), new End(Verdict.DELIVERED, new Cause.Answered(h.name(), "echo reply from pod " + c.pod()), "echo reply"));
        }
        for (Socket s : c.listeners()) {
            if (s.accepts(p.protocol(), p.dst(), p.dport())) {
                String server = c.server() != null ? c.server() : s.process();
                step(h, Stage.POD, () -> "pod " + c.pod() + ": " + server + " accepts on port " + p.dport(), () -> null);
                String response = c.server() != null && p.protocol() == Protocol.TCP ? "HTTP/1.0 200 OK" : null;
                return answer(h, p, c.bridge(), new End(Verdict.DELIVERED, new Cause.Answered(h.name(), "answered by pod " + c.pod() + " on " + h.name()), response));
            }
        }
        Cause why = new Cause.PodNotListening(h.name(), c.pod(), p.dport(), p.protocol());
        step(h, Stage.POD, why.text(), null);
        return answer(h, p, c.bridge(), new End(Verdict.REFUSED, why, null));
    }

    // Long on purpose: the kernel's steps of VXLAN encapsulation in its order (neighbour of the next hop, FDB entry,
    // outer packet's route, underlay MTU, then the remote VTEP's checks before decapsulation), each of which may end
    // the walk with its cause; read top to bottom as one path.
    private End toVxlan(HostView h, Packet p, Link dev, LinkKind.Vxlan x, Ipv4 nextHop) {
        Neighbour n = h.neighbour(dev.name(), nextHop);
        Mac mac;
        if (n != null && n.mac() != null && n.state() != Neighbour.State.FAILED && n.state() != Neighbour.State.INCOMPLETE) {
            mac = n.mac();
            Mac resolved = mac;
            step(h, Stage.NEIGHBOUR, () -> nextHop + " is " + resolved + " on " + dev.name(), n::describe);
        } else if (!h.host.knows(Facet.NEIGHBOURS)) {
            Optional<Lease> lease = dp.leaseByGateway(nextHop);
            if (lease.isEmpty() || lease.get().vtepMac() == null) {
                return drop(h, Verdict.INSUFFICIENT_INFO, unknown(h, Facet.NEIGHBOURS, nextHop.toString()), null);
            }
            mac = lease.get().vtepMac();
            String assumed = "neighbour " + nextHop + " lladdr " + mac + " on " + dev.name() + " of " + h.name()
                    + ", as flannel writes it from lease " + lease.get().subnet() + " (neighbour table not in the snapshot)";
            assume(h, Facet.NEIGHBOURS, assumed, "the overlay entries of " + h.name() + " match the leases");
            assumedStep(h, Stage.NEIGHBOUR, nextHop + " is " + mac + " (from lease " + lease.get().subnet() + ")", assumed);
        } else {
            boolean stale = dp.leasesKnown() && dp.leaseCovering(nextHop).isEmpty();
            return drop(h, Verdict.TIMEOUT, new Cause.NoNeighbour(h.name(), dev.name(), nextHop, stale), null);
        }
        if (wire != null) wire.cross(h.name(), dev.name(), Wire.Direction.OUT, reply, p, null);
        FdbEntry e = h.fdb(dev.name(), mac);
        Ipv4 vtep;
        if (e != null && e.dst() != null) {
            vtep = e.dst();
            Ipv4 remote = vtep;
            step(h, Stage.FDB, () -> mac + " is behind VTEP " + remote, e::describe);
        } else if (!h.host.knows(Facet.FDB)) {
            Optional<Lease> lease = dp.leaseByMac(mac);
            if (lease.isEmpty()) {
                return drop(h, Verdict.INSUFFICIENT_INFO, unknown(h, Facet.FDB, mac.toString()), null);
            }
            vtep = lease.get().publicIp();
            String assumed = "FDB " + mac + " dst " + vtep + " on " + dev.name() + " of " + h.name() + ", from lease "
                    + lease.get().subnet() + " (FDB not in the snapshot)";
            assume(h, Facet.FDB, assumed, "the overlay entries of " + h.name() + " match the leases");
            assumedStep(h, Stage.FDB, mac + " is behind VTEP " + vtep + " (from lease " + lease.get().subnet() + ")", assumed);
        } else {
            return drop(h, Verdict.TIMEOUT, new Cause.NoFdb(h.name(), dev.name(), mac), null);
        }
        Route underlayRoute = h.lookup(vtep);
        if (underlayRoute == null) return drop(h, Verdict.TIMEOUT, new Cause.NoUnderlayRoute(h.name(), vtep), null);
        if (underlayRoute.gatewayUnknown()) {
            return drop(h, Verdict.INSUFFICIENT_INFO, new Cause.UnknownGateway(h.name(), underlayRoute), underlayRoute.describe());
        }
        Ipv4 outerSrc = x.local() != null ? x.local() : sourceFor(h, underlayRoute);
        Packet outer = new Packet(Protocol.UDP, outerSrc, 0, vtep, x.port(), 0, p.size() + 50);
        Ipv4 outerFrom = outerSrc, vtepIp = vtep;
        step(h, Stage.ENCAP, () -> "VXLAN VNI " + x.vni() + ": inner " + p.endpoints() + " in outer " + outerFrom + " -> "
                + vtepIp + " UDP " + x.port() + " (" + outer.size() + " bytes)", () -> null);
        End cut = underlayFilter(h, "OUTPUT", outer, null, underlayRoute.dev());
        if (cut != null) return cut;
        Link out = h.links.get(underlayRoute.dev());
        if (out != null && out.mtu() != Link.MTU_UNKNOWN && outer.size() > out.mtu()) {
            // the probe's DF is copied to no outer header, but the VXLAN driver checks the inner packet's DF against
            // the underlay's MTU less its 50 bytes and answers "fragmentation needed" (checked on the lab's kernel)
            return drop(h, Verdict.UNREACHABLE, new Cause.UnderlayTooSmall(h.name(), out.name(), out.mtu(), outer.size(), false),
                    "mtu " + out.mtu() + " on " + out.name());
        }
        // the outer packet goes to the VTEP's owner: directly on its link, or through the underlay's gateway (a routed
        // underlay between the hosts' subnets, rule UNDERLAY_VIA_GATEWAY; the gateway's own address is no VTEP)
        Optional<HostView> peer = dp.underlayOwner(vtep);
        if (peer.isEmpty()) {
            String unknownAddresses = dp.hostWithUnknownAddresses();
            if (peer.isEmpty() && unknownAddresses != null) {
                // "no host has this VTEP" is a claim about every host: one whose addresses are unknown may hold it
                return drop(h, Verdict.INSUFFICIENT_INFO, new Cause.Unknown(unknownAddresses, Facet.ADDRESSES, "whether it holds " + vtep, filteredAddresses(unknownAddresses)), null);
            }
            return drop(h, Verdict.TIMEOUT, new Cause.ForeignVtep(h.name(), vtep), underlayRoute.describe());
        }
        HostView to = peer.get();
        if (underlayRoute.via() != null) viaGatewayStep(h, to, vtepIp, underlayRoute, "UDP " + x.port());
        else underlayStep(h, to, vtepIp, () -> underlayRoute.dev() + " -> " + to.name() + " (" + vtepIp + ")", underlayRoute::describe);
        Wire.Outer encap = new Wire.Outer(outerSrc, vtep, x.port(), x.vni());
        leave(h, underlayRoute.dev(), p, encap);
        String inDev = dp.underlayOwnerDev(vtep);
        Link in = inDev == null ? null : to.links.get(inDev);
        if (in != null && in.mtu() != Link.MTU_UNKNOWN && outer.size() > in.mtu()) {
            return drop(to, Verdict.TIMEOUT, new Cause.UnderlayTooSmall(to.name(), in.name(), in.mtu(), outer.size(), true), "mtu " + in.mtu() + " on " + in.name());
        }
        if (wire != null) wire.cross(to.name(), inDev, Wire.Direction.IN, reply, p, encap);
        End martian = reversePath(to, outer, inDev);
        if (martian != null) return martian;
        cut = underlayFilter(to, "INPUT", outer, inDev, null);
        if (cut != null) return cut;
        Link decap = to.vxlanFor(x.port(), x.vni());
        if (decap == null) return drop(to, Verdict.TIMEOUT, new Cause.NoVxlanDevice(to.name(), x.vni(), x.port()), null);
        if (decap.kind() instanceof LinkKind.Vxlan dx && dx.port() != x.port()) {
            int port = dx.port() == Inference.UNKNOWN_PORT ? x.port() : dx.port();
            assume(to, Facet.LINKS, decap.name() + " of " + to.name() + " and " + dev.name() + " of " + h.name() + " use one UDP port"
                    + (port == Inference.UNKNOWN_PORT ? "" : " (" + port + ")") + " (a VXLAN port not in the snapshot)",
                    "the VXLAN ports of " + (h.name().compareTo(to.name()) < 0 ? h.name() + " and " + to.name() : to.name() + " and " + h.name()) + " match");
        }
        if (decap.mac() != null && !decap.mac().equals(mac)) {
            return drop(to, Verdict.TIMEOUT, new Cause.VtepMacMismatch(to.name(), mac, decap.name(), decap.mac()), null);
        }
        step(to, Stage.DECAP, () -> decap.name() + " decapsulates VNI " + x.vni() + ": " + p.endpoints(), () -> null);
        if (wire != null) wire.cross(to.name(), decap.name(), Wire.Direction.IN, reply, p, null);
        return atHost(to, p.withMark(0), decap.name()); // a mark is per host: it does not travel in the packet
    }

    private End toWire(HostView h, Packet p, Route r, Ipv4 nextHop) {
        Optional<HostView> peer = dp.underlayOwner(nextHop);
        if (peer.isPresent() && peer.get() != h) {
            HostView to = peer.get();
            underlayStep(h, to, nextHop, () -> r.dev() + " -> " + to.name() + " (" + nextHop + " answers ARP)", () -> null);
            String ingress = dp.underlayOwnerDev(nextHop);
            leave(h, r.dev(), p, null);
            if (wire != null) wire.cross(to.name(), ingress, Wire.Direction.IN, reply, p, null);
            return atHost(to, p.withMark(0), ingress);
        }
        Optional<HostView> dest = r.via() == null ? Optional.empty() : dp.underlayOwner(p.dst());
        if (dest.isPresent() && dest.get() != h) {
            // a host of the cluster in another underlay subnet, reached through the gateway (rule UNDERLAY_VIA_GATEWAY)
            HostView to = dest.get();
            viaGatewayStep(h, to, p.dst(), r, "its traffic");
            String ingress = dp.underlayOwnerDev(p.dst());
            leave(h, r.dev(), p, null);
            if (wire != null) wire.cross(to.name(), ingress, Wire.Direction.IN, reply, p, null);
            return atHost(to, p.withMark(0), ingress);
        }
        String unknownAddresses = dp.hostWithUnknownAddresses();
        if (unknownAddresses != null && r.via() == null) {
            // nobody answering ARP is a claim about every host on the link: one whose addresses are unknown may hold it
            return drop(h, Verdict.INSUFFICIENT_INFO, new Cause.Unknown(unknownAddresses, Facet.ADDRESSES, "whether it holds " + nextHop, filteredAddresses(unknownAddresses)), null);
        }
        if (r.via() != null) {
            leave(h, r.dev(), p, null); // sent to the gateway: what happens beyond is not in the snapshot
            String service = dp.serviceByClusterIp(p.dst()).map(Service::key).orElse(null);
            return drop(h, Verdict.TIMEOUT, new Cause.LeavesCluster(h.name(), where(p.dst()), r, service, p.dport()), r.describe());
        }
        return drop(h, Verdict.UNREACHABLE, new Cause.NoArpAnswer(h.name(), r.dev(), nextHop), r.describe());
    }

    // ---- netfilter pieces -------------------------------------------------------------------------------------

    private End filter(HostView h, String chain, Packet p, String in, String out) {
        if (NftHooks.present(h) && !"OUTPUT".equals(chain)) { // output's nft filter chains ran before DNAT, in atHost
            String hook = chain.toLowerCase(java.util.Locale.ROOT);
            End e = nftFilterVerdict(h, hook, p, new NftHooks(h, this).run("filter", hook, p, prio -> true));
            if (e != null) return e;
        }
        if (!h.host.knows(Facet.IPTABLES)) {
            if ("FORWARD".equals(chain)) {
                assume(h, Facet.IPTABLES, "the FORWARD chain of " + h.name() + " accepts (iptables not in the snapshot)",
                        "the FORWARD chain of " + h.name() + " accepts");
            }
            return null;
        }
        Netfilter.Outcome o = new Netfilter(h, this).run("filter", chain, p, in, out);
        return switch (o.action()) {
            case DROP -> drop(h, Verdict.TIMEOUT, new Cause.Filtered(h.name(), chain, false, p.endpoints(), o.rule()), o.rule());
            case REJECT -> drop(h, p.protocol() != Protocol.ICMP ? Verdict.REFUSED : Verdict.UNREACHABLE,
                    new Cause.Filtered(h.name(), chain, true, p.endpoints(), o.rule()), o.rule());
            default -> null;
        };
    }

    /** The filter chain of a host on the outer VXLAN packet: a host firewall there cuts the overlay. */
    private End underlayFilter(HostView h, String chain, Packet outer, String in, String out) {
        if (!h.host.knows(Facet.IPTABLES)) return null;
        Netfilter.Outcome o = new Netfilter(h, this).run("filter", chain, outer, in, out);
        if (o.action() != Netfilter.Action.DROP && o.action() != Netfilter.Action.REJECT) return null;
        // a REJECT's ICMP goes to the sending host's VXLAN socket, not to the inner sender: it times out either way
        return drop(h, Verdict.TIMEOUT, new Cause.UnderlayFiltered(h.name(), chain, o.action() == Netfilter.Action.REJECT, outer.src(),
                outer.dst(), outer.dport(), o.rule()), o.rule());
    }

    /**
     * Reverse-path filtering of a packet received on {@code ingress} (the kernel's fib_validate_source): with
     * rp_filter 1 the route back to the source must leave by the same device, with 2 some route back must exist.
     * The kernel takes the larger of conf.all and conf.DEV; a value the snapshot lacks is an assumption, made only
     * where the two devices differ (on a single-homed host they never do).
     */
    private End reversePath(HostView h, Packet p, String ingress) {
        if (ingress == null || p.src() == null || h.isLocal(p.src())) return null;
        Route back = h.lookup(p.src());
        String backDev = back == null || back.type() != Route.Type.UNICAST ? null : back.dev();
        if (ingress.equals(backDev)) return null;
        String all = h.host.knows(Facet.SYSCTLS) ? h.host.sysctls().get(dev.kubepath.model.Host.RP_FILTER_ALL) : null;
        String own = h.host.knows(Facet.SYSCTLS) ? h.host.sysctls().get(rpKey(ingress)) : null;
        String where = p.src() + " arrives on " + ingress + " of " + h.name() + (backDev == null ? " with no route back" : ", the route back leaves by " + backDev);
        if (all == null && own == null) {
            assume(h, Facet.SYSCTLS, "rp_filter off on " + h.name() + ": " + where + " (rp_filter not in the snapshot)", "rp_filter off on " + h.name());
            return null;
        }
        int mode = Math.max(rpValue(all), rpValue(own));
        if (all == null || own == null) {
            String missing = all == null ? "net.ipv4.conf.all.rp_filter" : rpKey(ingress);
            assume(h, Facet.SYSCTLS, missing + " of " + h.name() + " not above " + mode + " (not in the snapshot): " + where,
                    "rp_filter=" + mode + " on " + h.name());
        }
        if (mode == 0 || (mode == 2 && backDev != null)) return null;
        String decided = (rpValue(own) > rpValue(all) ? rpKey(ingress) : dev.kubepath.model.Host.RP_FILTER_ALL) + " = " + mode;
        return drop(h, Verdict.TIMEOUT, new Cause.ReversePathFiltered(h.name(), p.src(), ingress, backDev, mode), decided);
    }

    /**
     * A device's rp_filter key as the snapshot holds it: sysctl prints a dot in the device's name as a slash
     * (flannel/1), which the sysctl.txt parser reads back as the dot.
     */
    private static String rpKey(String dev) {
        return "net.ipv4.conf." + dev + ".rp_filter";
    }

    private static int rpValue(String v) {
        if (v == null) return 0;
        try {
            return Math.clamp(Integer.parseInt(v.trim()), 0, 2);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * POSTROUTING: MASQUERADE rewrites the source to the outgoing device's address (kube-proxy's 0x4000 mark). Null
     * when that address is unknown ({@link #addressOn}): where the answer goes is then not known.
     */
    private Packet postrouting(HostView h, Packet p, String dev) {
        if (reply) return p;
        boolean masq;
        String rule;
        if (h.host.knows(Facet.IPTABLES) && h.host.chain("nat", "POSTROUTING").isPresent()) {
            Netfilter.Outcome o = new Netfilter(h, this).run("nat", "POSTROUTING", p, null, dev);
            masq = o.masquerade();
            rule = o.rule();
        } else {
            masq = (p.mark() & Packet.MASQ_MARK) != 0;
            rule = "KUBE-POSTROUTING: MASQUERADE packets marked 0x4000";
        }
        if (!masq && NftHooks.present(h)) {
            Netfilter.Outcome o = new NftHooks(h, this).run("nat", "postrouting", p, prio -> true);
            masq = o.masquerade();
            rule = o.rule();
        }
        if (!masq) return p;
        Ipv4 to = addressOn(h, dev);
        if (to == null) return null;
        if (to.equals(Ipv4.ANY) || to.equals(p.src())) return p;
        Packet q = p.withSrc(to, p.sport());
        String masqRule = rule;
        step(h, Stage.SNAT, () -> "MASQUERADE " + p.src() + " -> " + to + " (address of " + dev + ")", () -> masqRule);
        bind(h, p, q);
        return q;
    }

    /**
     * The address the kernel takes on a device (source selection, MASQUERADE): the device's first; where it shows
     * none, as the kernel, a global address of another device, never a loopback one ({@link Ipv4#ANY}: none at all).
     * Null, unknown, where that absence is not observed: the host's addresses are not in the snapshot (an inferred
     * address says nothing of the others), the device is not in its link listing ({@code ifconfig docker0} alone), or
     * it is flannel's VXLAN device, which flanneld always gives subnet.0/32 of its lease (a listing without it lost
     * the line; no lease of the host's gave it by FLANNEL_VXLAN_DEVICE).
     */
    private static Ipv4 addressOn(HostView h, String dev) {
        Ipv4 a = dev != null ? h.primaryAddress(dev) : null;
        if (a != null) return a;
        if (!h.host.knows(Facet.ADDRESSES)) return null;
        if (dev != null && (h.links.get(dev) == null || dev.startsWith("flannel."))) return null;
        for (var x : h.host.addresses()) if ((x.ip().bits() >>> 24) != 127) return x.ip();
        return Ipv4.ANY;
    }

    private void bind(HostView h, Packet before, Packet after) {
        for (int i = bindings.size() - 1; i >= 0; i--) {
            Binding b = bindings.get(i);
            if (b.host().equals(h.name()) && b.translated().equals(before)) {
                bindings.set(i, new Binding(b.host(), b.original(), after));
                return;
            }
        }
        bindings.add(new Binding(h.name(), before, after));
    }

    /**
     * conntrack on the reply: an answer to a translated tuple gets its original destination back at once
     * (PREROUTING), and its original source on the way out (POSTROUTING), so the filter chains in between see
     * the pod's address as the source, as the kernel's do.
     */
    private Packet undoNat(HostView h, Packet p) {
        for (Binding b : bindings) {
            if (!b.host().equals(h.name())) continue;
            Packet t = b.translated();
            if (p.src().equals(t.dst()) && p.dst().equals(t.src()) && p.sport() == t.dport() && p.dport() == t.sport()) {
                Packet back = b.original().reversed();
                restoredSource = back;
                Packet q = new Packet(p.protocol(), p.src(), p.sport(), back.dst(), back.dport(), 0, p.size());
                Packet reply = p;
                step(h, Stage.CONNTRACK, () -> "reply " + reply.endpoints() + " is un-NATed to " + back.src() + ":" + back.sport()
                        + " -> " + back.dst() + ":" + back.dport(), () -> null);
                return q;
            }
        }
        return p;
    }

    /** The source half of the un-NAT, applied where the kernel applies it: after the filter, before leaving. */
    private Packet restoreSource(Packet p) {
        if (restoredSource == null) return p;
        Packet q = p.withSrc(restoredSource.src(), restoredSource.sport());
        restoredSource = null;
        return q;
    }

    /** The responder answers: the answer walks back, and the verdict stands only if it reaches the sender. */
    private End answer(HostView h, Packet p, String fromBridge, End verdict) {
        reply = true;
        forwardEnd = verdict;
        Packet back = p.reversed();
        // an answer to a pod of the same bridge is switched there, not routed through the host
        if (fromBridge != null && h.container(fromBridge, back.dst()) != null) return bridged(h, back, fromBridge);
        return atHost(h, back, fromBridge);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** The kernel's source for a route: its src, else the device's first address, else any; null when the host's addresses are unknown. */
    private Ipv4 sourceFor(HostView h, Route r) {
        return r.src() != null ? r.src() : addressOn(h, r.dev());
    }

    private String routeStory(HostView h, Packet p, Route r) {
        String to = r.dst().length() == 0 ? "default route" : r.dst().toString();
        String gateway = r.via() == null ? "" : " via " + r.via() + (r.gatewayName() == null ? "" : " (" + r.gatewayName() + ", inferred)");
        return p.dst() + " matches " + to + gateway + " dev " + r.dev();
    }

    /** Where an address lives, as the snapshot tells: for the typed cause of a drop. */
    private Cause.Where where(Ipv4 dst) {
        Optional<Prefix> subnet = dp.bridgeSubnet(dst);
        Optional<Lease> l = dp.leasesKnown() ? dp.leaseCovering(dst) : Optional.empty();
        return new Cause.Where(dst, subnet.orElse(null), subnet.isPresent() ? dp.bridgeOwner(dst).orElse(null) : null,
                l.map(Lease::subnet).orElse(null), l.map(Lease::publicIp).orElse(null), dp.leasesKnown());
    }

    /** The sender's own address is fixed by its first routing decision; the answer must come back to it. */
    private Packet sent(Packet p) {
        senderAddress = p.src();
        return p;
    }

    private void assume(HostView h, Facet facet, String what, String brief) {
        assumptions.add(new Assumption(h.name(), facet, what, brief));
        basis = basis.weakest(Basis.ASSUMED);
    }

    private void assumedStep(HostView h, Stage stage, String detail, String assumption) {
        steps.add(new LazySteps.Draft(h.name(), stage, () -> detail, () -> null, Basis.ASSUMED, List.of(assumption)));
    }

    /** The route decision: observed, unless the route's gateway address was inferred from its name (then the rule is named). */
    private void routeStep(HostView h, Packet p, Route r) {
        Inference.Fact inferred = r.gatewayName() == null ? null : dp.inferredGateway(h.name(), r);
        if (inferred == null) {
            step(h, Stage.ROUTE, () -> routeStory(h, p, r), r::describe);
            return;
        }
        basis = basis.weakest(Basis.INFERRED);
        steps.add(new LazySteps.Draft(h.name(), Stage.ROUTE, () -> routeStory(h, p, r), r::describe, Basis.INFERRED, List.of(inferred.toString())));
    }

    /** The hop across the underlay: observed, unless the peer's address was inferred (then the rule is named). */
    private void underlayStep(HostView h, HostView to, Ipv4 address, Supplier<String> detail, Supplier<String> decidedBy) {
        Inference.Fact inferred = dp.inferredAddress(address);
        if (inferred == null) {
            step(h, Stage.UNDERLAY, detail, decidedBy);
            return;
        }
        basis = basis.weakest(Basis.INFERRED);
        steps.add(new LazySteps.Draft(h.name(), Stage.UNDERLAY, detail, decidedBy, Basis.INFERRED, List.of(inferred.toString())));
    }

    /**
     * The hop to a VTEP in another underlay subnet, sent to the gateway of the host's route: inferred by rule
     * UNDERLAY_VIA_GATEWAY, which rests on the router between the subnets forwarding the VXLAN port (no snapshot shows it).
     */
    private void viaGatewayStep(HostView h, HostView to, Ipv4 vtep, Route r, String traffic) {
        Inference.Fact f = Inference.underlayViaGateway(h.name(), to.name(), vtep, r, traffic);
        basis = basis.weakest(Basis.INFERRED);
        steps.add(new LazySteps.Draft(h.name(), Stage.UNDERLAY, () -> r.dev() + " -> gateway " + r.via() + " -> " + to.name() + " (" + vtep + ")",
                r::describe, Basis.INFERRED, List.of(f.toString())));
    }

    /** The packet leaves {@code h} on {@code dev}: it crosses the device, and the host's connection tracking confirms it. */
    private void leave(HostView h, String dev, Packet p, Wire.Outer outer) {
        if (wire == null) return;
        wire.cross(h.name(), dev, Wire.Direction.OUT, reply, p, outer);
        confirm(h, p);
    }

    /**
     * The host's connection tracking confirms the packet's entry (at the end of POSTROUTING or INPUT): the tuple it
     * came in with, the reply tuple from the packet as it leaves. Only on a host whose netfilter tracks connections:
     * one with kube-proxy's or flannel's nat rules, nftables or IPVS (a namespace without them tracks nothing).
     */
    private void confirm(HostView h, Packet p) {
        if (wire == null || reply || !h.name().equals(ctHost) || !tracks(h)) return;
        // a local process's packet has its source from the first routing decision, before any MASQUERADE
        Packet original = ctIn.src() == null ? ctIn.withSrc(senderAddress != null ? senderAddress : p.src(), ctIn.sport()) : ctIn;
        wire.confirm(h.name(), original, p);
    }

    private static boolean tracks(HostView h) {
        return NftHooks.present(h) || h.host.knows(Facet.IPTABLES) && h.host.chain("nat", "POSTROUTING").isPresent()
                || h.host.knows(Facet.IPVS) && !h.host.virtualServers().isEmpty();
    }

    private void step(HostView h, Stage stage, String detail, String decidedBy) {
        steps.add(new LazySteps.Draft(h.name(), stage, () -> detail, () -> decidedBy));
    }

    private void step(HostView h, Stage stage, Supplier<String> detail, Supplier<String> decidedBy) {
        steps.add(new LazySteps.Draft(h.name(), stage, detail, decidedBy));
    }

    /** The packet's fate is decided here: the last step, and the verdict the sender sees. */
    private End drop(HostView h, Verdict v, Cause why, String decidedBy) {
        step(h, Stage.DROP, why::text, () -> decidedBy);
        return finish(v, why);
    }

    /** A failure on the way back turns any answer into a timeout: the sender never hears it. */
    private End finish(Verdict v, Cause why) {
        if (reply && v != Verdict.INSUFFICIENT_INFO) return new End(Verdict.TIMEOUT, new Cause.AnswerLost(why), null);
        return new End(v, why, null);
    }
}
