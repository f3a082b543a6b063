package dev.kubepath.proxy;

import dev.kubepath.model.Endpoints;
import dev.kubepath.model.NftChain;
import dev.kubepath.model.NftRule;
import dev.kubepath.model.NftSet;
import dev.kubepath.model.NftTable;
import dev.kubepath.model.Service;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.SocketAddress;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * kube-proxy's nftables mode (GA in Kubernetes 1.33) for one node: the whole table {@code ip kube-proxy} as its
 * proxier writes it (pkg/proxy/nftables/proxier.go). Service traffic is dispatched from chain {@code services} by
 * the verdict maps {@code service-ips} (ClusterIP . protocol . port) and {@code service-nodeports} (protocol .
 * port, for destinations in the set {@code nodeport-ips}) to a chain per service port,
 * {@code service-HASH-NS/NAME/PROTO/PORT}, which marks non-pod sources for masquerade and picks an endpoint with
 * {@code numgen random mod N vmap}; the endpoint chain {@code endpoint-HASH-...__IP/PORT} DNATs. A service port
 * without endpoints is an element of {@code no-endpoint-services} / {@code no-endpoint-nodeports} whose verdict
 * rejects (filter hooks, before DNAT); any other port of an active ClusterIP is rejected by {@code cluster-ips-check}.
 * Masquerading: {@code mark-for-masquerade} sets 0x4000, {@code masquerading} (nat postrouting) masquerades marked
 * packets. Not modelled: session affinity, traffic policies Local, LoadBalancer and external IPs, firewall ranges
 * (their chains and maps are present and empty, as kube-proxy leaves them without such services).
 */
public final class NftablesRules {
    public static final String TABLE = "kube-proxy";
    static final String MASQ_MARK_CHAIN = "mark-for-masquerade";
    static final String REJECT_CHAIN = "reject-chain";
    private static final List<String> SERVICE_KEY = List.of("ip daddr", "meta l4proto", "th dport");
    private static final List<String> NODEPORT_KEY = List.of("meta l4proto", "th dport");

    private NftablesRules() {}

    /**
     * @param clusterCidr kube-proxy's --cluster-cidr (null: no masquerade of non-pod sources to ClusterIPs)
     * @param nodePortIps the node's primary addresses (--nodeport-addresses primary, the nftables mode's default)
     * @param serviceCidr the service CIDR, whose unallocated addresses are dropped (null: no such rule)
     */
    public static NftTable compute(List<Service> services, List<Endpoints> endpoints, Prefix clusterCidr,
                                   List<Ipv4> nodePortIps, Prefix serviceCidr) {
        Set<Ipv4> clusterIps = new LinkedHashSet<>();
        List<NftSet.Element> serviceIps = new ArrayList<>(), serviceNodePorts = new ArrayList<>();
        List<NftSet.Element> noEndpointServices = new ArrayList<>(), noEndpointNodePorts = new ArrayList<>();
        List<NftChain> serviceChains = new ArrayList<>();
        for (ServicePort sp : ServicePort.join(services, endpoints)) {
            Service.Port port = sp.port();
            String proto = port.protocol().lower();
            String name = portNameString(sp);
            String base = chainNameBase(sp, proto);
            String clusterKey = sp.service().clusterIp() + " . " + proto + " . " + port.port();
            clusterIps.add(sp.service().clusterIp());
            if (sp.endpoints().isEmpty()) {
                noEndpointServices.add(new NftSet.Element(clusterKey, "goto " + REJECT_CHAIN, name));
                if (port.nodePort() > 0) noEndpointNodePorts.add(new NftSet.Element(proto + " . " + port.nodePort(), "goto " + REJECT_CHAIN, name));
                continue;
            }
            serviceIps.add(new NftSet.Element(clusterKey, "goto service-" + base, null));
            if (port.nodePort() > 0) serviceNodePorts.add(new NftSet.Element(proto + " . " + port.nodePort(), "goto external-" + base, null));
            serviceChains.addAll(chains(sp, proto, base, clusterCidr));
        }
        List<NftSet> sets = new ArrayList<>();
        sets.add(new NftSet("cluster-ips", false, "ipv4_addr", "Active ClusterIPs",
                clusterIps.stream().map(ip -> new NftSet.Element(ip.toString(), null, null)).toList()));
        sets.add(new NftSet("nodeport-ips", false, "ipv4_addr", "IPs that accept NodePort traffic",
                nodePortIps.stream().map(ip -> new NftSet.Element(ip.toString(), null, null)).toList()));
        sets.add(new NftSet("no-endpoint-services", true, "ipv4_addr . inet_proto . inet_service : verdict",
                "vmap to drop or reject packets to services with no endpoints", noEndpointServices));
        sets.add(new NftSet("no-endpoint-nodeports", true, "inet_proto . inet_service : verdict",
                "vmap to drop or reject packets to service nodeports with no endpoints", noEndpointNodePorts));
        sets.add(new NftSet("firewall-ips", true, "ipv4_addr . inet_proto . inet_service : verdict",
                "destinations that are subject to LoadBalancerSourceRanges", List.of()));
        sets.add(new NftSet("service-ips", true, "ipv4_addr . inet_proto . inet_service : verdict",
                "ClusterIP, ExternalIP and LoadBalancer IP traffic", serviceIps));
        sets.add(new NftSet("service-nodeports", true, "inet_proto . inet_service : verdict", "NodePort traffic", serviceNodePorts));
        List<NftChain> chains = new ArrayList<>(baseChains());
        chains.addAll(topChains(serviceCidr));
        chains.addAll(serviceChains);
        return new NftTable("ip", TABLE, "rules for kube-proxy", sets, chains);
    }

    /**
     * The chains of one service port with endpoints: {@code service-BASE} (masquerade from outside the cluster CIDR,
     * then numgen over the endpoints), {@code external-BASE} for its NodePort, and one {@code endpoint-...} per endpoint.
     */
    private static List<NftChain> chains(ServicePort sp, String proto, String base, Prefix clusterCidr) {
        Service.Port port = sp.port();
        String serviceChain = "service-" + base;
        List<NftChain> out = new ArrayList<>();
        List<NftRule> rules = new ArrayList<>();
        if (clusterCidr != null) {
            rules.add(NftRule.of(new NftRule.Match("ip daddr", false, sp.service().clusterIp().toString()),
                    new NftRule.Match(proto + " dport", false, String.valueOf(port.port())),
                    new NftRule.Match("ip saddr", true, clusterCidr.toString()), jump(MASQ_MARK_CHAIN)));
        }
        List<String> endpointChains = new ArrayList<>();
        for (SocketAddress ep : sp.endpoints()) endpointChains.add("endpoint-" + endpointChainNameBase(sp, proto, ep));
        rules.add(NftRule.of(new NftRule.NumgenVmap(endpointChains)));
        out.add(NftChain.regular(serviceChain, rules));
        if (port.nodePort() > 0) {
            out.add(NftChain.regular("external-" + base, List.of(NftRule.of(jump(MASQ_MARK_CHAIN)),
                    NftRule.of(new NftRule.Verdict("goto", serviceChain)))));
        }
        for (int i = 0; i < sp.endpoints().size(); i++) {
            SocketAddress ep = sp.endpoints().get(i);
            out.add(NftChain.regular(endpointChains.get(i), List.of(
                    NftRule.of(new NftRule.Match("ip saddr", false, ep.ip().toString()), jump(MASQ_MARK_CHAIN)),
                    NftRule.of(new NftRule.Match("meta l4proto", false, proto), new NftRule.Dnat(ep)))));
        }
        return out;
    }

    /**
     * kube-proxy's base chains: filter before DNAT (dstnat - 10), DNAT (dstnat), a filter after DNAT for output
     * (dstnat + 10), SNAT (srcnat). nft names dstnat only on prerouting and srcnat only on postrouting; on the other
     * hooks it takes and lists the same priorities as numbers (-110, -100, -90).
     */
    private static List<NftChain> baseChains() {
        NftRule.CtState ctNew = new NftRule.CtState("new");
        return List.of(
                base("filter-prerouting", "filter", "prerouting", "dstnat - 10", NftRule.of(ctNew, jump("firewall-check"))),
                base("filter-input", "filter", "input", "-110", NftRule.of(ctNew, jump("nodeport-endpoints-check")),
                        NftRule.of(ctNew, jump("service-endpoints-check"))),
                base("filter-forward", "filter", "forward", "-110", NftRule.of(ctNew, jump("service-endpoints-check")),
                        NftRule.of(ctNew, jump("cluster-ips-check"))),
                base("filter-output", "filter", "output", "-110", NftRule.of(ctNew, jump("service-endpoints-check")),
                        NftRule.of(ctNew, jump("firewall-check"))),
                base("filter-output-post-dnat", "filter", "output", "-90", NftRule.of(ctNew, jump("cluster-ips-check"))),
                base("nat-prerouting", "nat", "prerouting", "dstnat", NftRule.of(jump("services"))),
                base("nat-output", "nat", "output", "-100", NftRule.of(jump("services"))),
                base("nat-postrouting", "nat", "postrouting", "srcnat", NftRule.of(jump("masquerading"))));
    }

    private static List<NftChain> topChains(Prefix serviceCidr) {
        List<NftRule> clusterIpsCheck = new ArrayList<>();
        clusterIpsCheck.add(new NftRule(List.of(new NftRule.Match("ip daddr", false, "@cluster-ips"), new NftRule.Verdict("reject", null)),
                "Reject traffic to invalid ports of ClusterIPs"));
        if (serviceCidr != null) {
            clusterIpsCheck.add(new NftRule(List.of(new NftRule.Match("ip daddr", false, serviceCidr.toString()), new NftRule.Verdict("drop", null)),
                    "Drop traffic to unallocated ClusterIPs"));
        }
        return List.of(
                NftChain.regular("cluster-ips-check", clusterIpsCheck),
                NftChain.regular("firewall-check", List.of(NftRule.of(new NftRule.Vmap(SERVICE_KEY, "firewall-ips")))),
                NftChain.regular("masquerading", List.of(
                        NftRule.of(new NftRule.MarkMatch(Rules.MASQ_MARK, 0), new NftRule.Verdict("return", null)),
                        NftRule.of(new NftRule.MarkSet("^", Rules.MASQ_MARK)),
                        NftRule.of(new NftRule.Masquerade(true)))),
                NftChain.regular(MASQ_MARK_CHAIN, List.of(NftRule.of(new NftRule.MarkSet("|", Rules.MASQ_MARK)))),
                NftChain.regular("nodeport-endpoints-check", List.of(NftRule.of(new NftRule.Match("ip daddr", false, "@nodeport-ips"),
                        new NftRule.Vmap(NODEPORT_KEY, "no-endpoint-nodeports")))),
                new NftChain(REJECT_CHAIN, null, null, null, null, "helper for @no-endpoint-services / @no-endpoint-nodeports",
                        List.of(NftRule.of(new NftRule.Verdict("reject", null)))),
                NftChain.regular("service-endpoints-check", List.of(NftRule.of(new NftRule.Vmap(SERVICE_KEY, "no-endpoint-services")))),
                NftChain.regular("services", List.of(NftRule.of(new NftRule.Vmap(SERVICE_KEY, "service-ips")),
                        NftRule.of(new NftRule.Match("ip daddr", false, "@nodeport-ips"), new NftRule.Vmap(NODEPORT_KEY, "service-nodeports")))));
    }

    private static NftChain base(String name, String type, String hook, String priority, NftRule... rules) {
        return new NftChain(name, type, hook, priority, "accept", null, List.of(rules));
    }

    private static NftRule.Verdict jump(String chain) {
        return new NftRule.Verdict("jump", chain);
    }

    /** kube-proxy's ServicePortName.String(): "ns/name:port", or "ns/name" for an unnamed port. */
    static String portNameString(ServicePort sp) {
        String p = sp.port().name();
        return sp.service().namespace() + "/" + sp.service().name() + (p == null || p.isEmpty() ? "" : ":" + p);
    }

    /** "HASH-ns/name/proto/port": the first 8 characters of base32(sha256(name)), a dash, the name. */
    static String chainNameBase(ServicePort sp, String proto) {
        return hashAndName(sp.service().namespace() + "/" + sp.service().name() + "/" + proto + "/" + portName(sp));
    }

    static String endpointChainNameBase(ServicePort sp, String proto, SocketAddress ep) {
        return hashAndName(sp.service().namespace() + "/" + sp.service().name() + "/" + proto + "/" + portName(sp)
                + "__" + ep.ip() + "/" + ep.port());
    }

    private static String portName(ServicePort sp) {
        return sp.port().name() == null ? "" : sp.port().name();
    }

    /** kube-proxy truncates past 240 characters; names of valid Kubernetes objects never get there. */
    private static String hashAndName(String name) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
        String full = ChainNames.base32(digest).substring(0, 8) + "-" + name;
        return full.length() > 240 ? full.substring(0, 237) + "..." : full;
    }
}
