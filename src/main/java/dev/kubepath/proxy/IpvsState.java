package dev.kubepath.proxy;

import dev.kubepath.model.Chain;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.IpSet;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Rule;
import dev.kubepath.model.Service;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.SocketAddress;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static dev.kubepath.proxy.Rules.*;

/**
 * kube-proxy 1.15's IPVS mode for one node: every ClusterIP bound as /32 on the dummy device kube-ipvs0, one
 * virtual server per ClusterIP:port and, for a NodePort, one per local address:nodePort (every address of the
 * host except those on kube-ipvs0 and loopback, so docker0's and flannel.1's too), scheduler rr, real servers
 * Masq weight 1. The nat rules mark service traffic 0x4000 so POSTROUTING masquerades it; kube-proxy matches
 * ipsets (KUBE-CLUSTER-IP, KUBE-NODE-PORT-TCP), which the model holds as one rule per set member carrying the
 * real line as text; {@link #ipsets()} are those sets as {@code ipset list} shows them.
 */
public record IpvsState(List<Ipv4> clusterIps, List<VirtualServer> virtualServers, ProxyRules rules, List<IpSet> ipsets) {
    public static final String DUMMY_DEVICE = "kube-ipvs0";
    public static final String SCHEDULER = "rr";

    public IpvsState {
        clusterIps = List.copyOf(clusterIps);
        virtualServers = List.copyOf(virtualServers);
        ipsets = List.copyOf(ipsets);
    }

    /** The addresses a NodePort listens on: every address but kube-ipvs0's and loopback's. */
    public static List<Ipv4> nodePortAddresses(Host host) {
        TreeSet<Ipv4> out = new TreeSet<>();
        for (IfAddress a : host.addresses()) {
            if (a.dev().equals(DUMMY_DEVICE) || a.dev().equals("lo")) continue;
            if (host.link(a.dev()).map(l -> l.kind() instanceof LinkKind.Loopback).orElse(false)) continue;
            if (Prefix.parse("127.0.0.0/8").contains(a.ip())) continue;
            out.add(a.ip());
        }
        return List.copyOf(out);
    }

    /** The last state computed, and what it was computed from. */
    private record Last(List<Service> services, List<Endpoints> endpoints, List<Ipv4> localAddresses, Prefix clusterCidr,
                        boolean nodePorts, IpvsState state) {}

    private static volatile Last last;

    /**
     * kube-proxy's desired state. Every node of a cluster computes it from the same services and endpoints, and
     * without a NodePort the node's addresses play no part: the state computed last is returned again (the same
     * immutable object) when its inputs are equal, so 1,000 nodes compute 20,000 real servers once, not
     * 1,000 times, and share them.
     */
    public static IpvsState compute(List<Service> services, List<Endpoints> endpoints, List<Ipv4> localAddresses,
                                    Prefix clusterCidr) {
        Last l = last;
        // equal lists: cheap when they hold the very same objects, as every node's kube-proxy is given in one settle
        if (l != null && java.util.Objects.equals(l.clusterCidr(), clusterCidr) && l.services().equals(services)
                && l.endpoints().equals(endpoints) && (!l.nodePorts() || l.localAddresses().equals(localAddresses))) {
            return l.state();
        }
        services = List.copyOf(services); // kept: a caller's list may change after
        endpoints = List.copyOf(endpoints);
        boolean nodePorts = services.stream().anyMatch(s -> s.ports().stream().anyMatch(p -> p.nodePort() > 0));
        IpvsState state = computeAfresh(services, endpoints, localAddresses, clusterCidr);
        last = new Last(services, endpoints, List.copyOf(localAddresses), clusterCidr, nodePorts, state);
        return state;
    }

    private static IpvsState computeAfresh(List<Service> services, List<Endpoints> endpoints, List<Ipv4> localAddresses,
                                           Prefix clusterCidr) {
        TreeSet<Ipv4> clusterIps = new TreeSet<>();
        List<VirtualServer> vs = new ArrayList<>();
        List<Rule> natServices = new ArrayList<>();
        List<Rule> natNodePorts = new ArrayList<>();
        List<IpSet.Member> clusterMembers = new ArrayList<>();
        Map<String, List<IpSet.Member>> nodePortMembers = new LinkedHashMap<>();
        for (ServicePort sp : ServicePort.join(services, endpoints)) {
            Service.Port port = sp.port();
            List<VirtualServer.RealServer> reals = sp.endpoints().stream().map(VirtualServer.RealServer::masq).toList();
            clusterIps.add(sp.service().clusterIp());
            vs.add(new VirtualServer(port.protocol(), sp.clusterAddress(), SCHEDULER, reals));
            clusterMembers.add(new IpSet.Member(Prefix.host(sp.service().clusterIp()), port.protocol(), port.port(), null));
            if (clusterCidr != null) {
                Rule r = jump(KUBE_SERVICES, Rule.Match.ANY.withSrc(clusterCidr, true)
                                .withDst(Prefix.host(sp.service().clusterIp()), false).withPort(port.protocol(), port.port()),
                        KUBE_MARK_MASQ, "Kubernetes service cluster ip + port for masquerade purpose");
                natServices.add(withText(r, "-A KUBE-SERVICES ! -s " + clusterCidr
                        + " -m comment --comment \"Kubernetes service cluster ip + port for masquerade purpose\""
                        + " -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ"));
            }
            if (port.nodePort() > 0) {
                for (Ipv4 local : localAddresses) {
                    vs.add(new VirtualServer(port.protocol(), new SocketAddress(local, port.nodePort()), SCHEDULER, reals));
                }
                String proto = port.protocol().name();
                nodePortMembers.computeIfAbsent("KUBE-NODE-PORT-" + proto, k -> new ArrayList<>()).add(new IpSet.Member(null, null, port.nodePort(), null));
                Rule r = jump("KUBE-NODE-PORT", Rule.Match.ANY.withPort(port.protocol(), port.nodePort()), KUBE_MARK_MASQ,
                        "Kubernetes nodeport " + proto + " port for masquerade purpose");
                natNodePorts.add(withText(r, "-A KUBE-NODE-PORT -p " + port.protocol().lower()
                        + " -m comment --comment \"Kubernetes nodeport " + proto + " port for masquerade purpose\""
                        + " -m set --match-set KUBE-NODE-PORT-" + proto + " dst -j KUBE-MARK-MASQ"));
            }
        }
        if (!natNodePorts.isEmpty()) {
            natServices.add(jump(KUBE_SERVICES, Rule.Match.ANY.withDstTypeLocal(true, false), "KUBE-NODE-PORT", null));
        }
        vs.sort(Comparator.comparing(VirtualServer::protocol).thenComparing(VirtualServer::address));

        Map<String, List<Rule>> nat = new LinkedHashMap<>();
        nat.put(KUBE_SERVICES, natServices);
        nat.put("KUBE-NODE-PORT", natNodePorts);
        nat.put(KUBE_POSTROUTING, List.of(postroutingMasquerade()));
        nat.put(KUBE_MARK_MASQ, List.of(markMasq()));
        List<Chain> chains = new ArrayList<>();
        nat.forEach((name, rules) -> chains.add(new Chain(NAT, name, null, rules)));
        chains.add(new Chain(FILTER, KUBE_FORWARD, null, List.of(rule(KUBE_FORWARD,
                Rule.Match.ANY.withMark(MASQ_MARK, MASQ_MARK), new Rule.Target.Accept(), "kubernetes forwarding rules"))));
        List<ProxyRules.Hook> hooks = new ArrayList<>(IptablesRules.natHooks());
        hooks.add(new ProxyRules.Hook(FILTER, jump("FORWARD", Rule.Match.ANY, KUBE_FORWARD, "kubernetes forwarding rules")));
        List<IpSet> sets = new ArrayList<>();
        sets.add(new IpSet("KUBE-CLUSTER-IP", "hash:ip,port", clusterMembers));
        nodePortMembers.forEach((name, members) -> sets.add(new IpSet(name, "bitmap:port", members)));
        return new IpvsState(List.copyOf(clusterIps), vs, new ProxyRules(chains, hooks), sets);
    }
}
