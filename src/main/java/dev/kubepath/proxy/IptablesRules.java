package dev.kubepath.proxy;

import dev.kubepath.model.Chain;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Rule;
import dev.kubepath.model.Service;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.SocketAddress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.kubepath.proxy.Rules.*;

/**
 * kube-proxy 1.15's iptables mode: the nat and filter rules for every service port, as iptables-save prints them.
 * ClusterIP:port jumps from KUBE-SERVICES to KUBE-SVC-*, which picks an endpoint with statistic-random rules
 * (1/n, 1/(n-1), ..., last unconditional) and jumps to KUBE-SEP-*, which DNATs. A service port without endpoints
 * gets a REJECT in the filter table instead (connection refused).
 * {@code clusterCidr} (kube-proxy's --cluster-cidr) may be null: then only NodePort traffic is masqueraded.
 */
public final class IptablesRules {
    private IptablesRules() {}

    public static ProxyRules compute(List<Service> services, List<Endpoints> endpoints, Prefix clusterCidr) {
        Map<String, List<Rule>> nat = new LinkedHashMap<>();
        Map<String, List<Rule>> filter = new LinkedHashMap<>();
        for (String c : List.of(KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ)) nat.put(c, new ArrayList<>());
        for (String c : List.of(KUBE_EXTERNAL_SERVICES, KUBE_SERVICES, KUBE_FORWARD)) filter.put(c, new ArrayList<>());

        nat.get(KUBE_POSTROUTING).add(postroutingMasquerade());
        nat.get(KUBE_MARK_MASQ).add(markMasq());
        filter.get(KUBE_FORWARD).add(rule(KUBE_FORWARD, Rule.Match.ANY.withMark(MASQ_MARK, MASQ_MARK),
                new Rule.Target.Accept(), "kubernetes forwarding rules"));

        for (ServicePort sp : ServicePort.join(services, endpoints)) servicePort(sp, nat, filter, clusterCidr);
        nat.get(KUBE_SERVICES).add(jump(KUBE_SERVICES, Rule.Match.ANY.withDstTypeLocal(true, false), KUBE_NODEPORTS,
                "kubernetes service nodeports; NOTE: this must be the last rule in this chain"));

        List<Chain> chains = new ArrayList<>();
        nat.forEach((name, rules) -> chains.add(new Chain(NAT, name, null, rules)));
        filter.forEach((name, rules) -> chains.add(new Chain(FILTER, name, null, rules)));
        return new ProxyRules(chains, hooks());
    }

    /**
     * One service port's rules: with endpoints, its KUBE-SERVICES and KUBE-NODEPORTS jumps to its KUBE-SVC chain and
     * the KUBE-SEP chains under it; without, the filter table's REJECTs.
     */
    private static void servicePort(ServicePort sp, Map<String, List<Rule>> nat, Map<String, List<Rule>> filter, Prefix clusterCidr) {
        String name = sp.name();
        Service.Port port = sp.port();
        String svcChain = ChainNames.serviceChain(name, port.protocol());
        Rule.Match clusterMatch = Rule.Match.ANY.withDst(Prefix.host(sp.service().clusterIp()), false)
                .withPort(port.protocol(), port.port());
        String clusterComment = name + " cluster IP";
        boolean hasEndpoints = !sp.endpoints().isEmpty();
        if (hasEndpoints) {
            List<Rule> services1 = nat.get(KUBE_SERVICES);
            if (clusterCidr != null) {
                services1.add(jump(KUBE_SERVICES, clusterMatch.withSrc(clusterCidr, true), KUBE_MARK_MASQ, clusterComment));
            }
            services1.add(jump(KUBE_SERVICES, clusterMatch, svcChain, clusterComment));
            List<Rule> svcRules = new ArrayList<>();
            int n = sp.endpoints().size();
            List<Map.Entry<String, SocketAddress>> seps = new ArrayList<>();
            for (SocketAddress ep : sp.endpoints()) seps.add(Map.entry(ChainNames.endpointChain(name, port.protocol(), ep), ep));
            for (int i = 0; i < n; i++) {
                Rule.Match m = i < n - 1 ? Rule.Match.ANY.withProbability(probability(n - i)) : Rule.Match.ANY;
                svcRules.add(jump(svcChain, m, seps.get(i).getKey(), name));
            }
            nat.put(svcChain, svcRules);
            for (Map.Entry<String, SocketAddress> sep : seps) {
                String sepChain = sep.getKey();
                SocketAddress ep = sep.getValue();
                nat.put(sepChain, List.of(
                        jump(sepChain, Rule.Match.ANY.withSrc(Prefix.host(ep.ip()), false), KUBE_MARK_MASQ, name),
                        rule(sepChain, Rule.Match.ANY.withPort(port.protocol(), null), new Rule.Target.Dnat(ep), name)));
            }
        } else {
            Rule reject = rule(KUBE_SERVICES, clusterMatch, new Rule.Target.Reject(), name + " has no endpoints");
            filter.get(KUBE_SERVICES).add(withText(reject, reject.describe() + " --reject-with icmp-port-unreachable"));
        }
        if (port.nodePort() > 0) {
            Rule.Match npMatch = Rule.Match.ANY.withPort(port.protocol(), port.nodePort());
            if (hasEndpoints) {
                nat.get(KUBE_NODEPORTS).add(jump(KUBE_NODEPORTS, npMatch, KUBE_MARK_MASQ, name));
                nat.get(KUBE_NODEPORTS).add(jump(KUBE_NODEPORTS, npMatch, svcChain, name));
            } else {
                Rule reject = rule(KUBE_EXTERNAL_SERVICES, npMatch.withDstTypeLocal(true, false),
                        new Rule.Target.Reject(), name + " has no endpoints");
                filter.get(KUBE_EXTERNAL_SERVICES).add(withText(reject, reject.describe() + " --reject-with icmp-port-unreachable"));
            }
        }
    }

    /** The jumps from built-in chains, with the conntrack match kept in the text (the model does not evaluate it). */
    static List<ProxyRules.Hook> hooks() {
        List<ProxyRules.Hook> hooks = new ArrayList<>(natHooks());
        hooks.add(new ProxyRules.Hook(FILTER, newOnly(jump("INPUT", Rule.Match.ANY, KUBE_EXTERNAL_SERVICES,
                "kubernetes externally-visible service portals"))));
        hooks.add(new ProxyRules.Hook(FILTER, newOnly(jump("FORWARD", Rule.Match.ANY, KUBE_SERVICES, "kubernetes service portals"))));
        hooks.add(new ProxyRules.Hook(FILTER, newOnly(jump("OUTPUT", Rule.Match.ANY, KUBE_SERVICES, "kubernetes service portals"))));
        hooks.add(new ProxyRules.Hook(FILTER, jump("FORWARD", Rule.Match.ANY, KUBE_FORWARD, "kubernetes forwarding rules")));
        return hooks;
    }

    static List<ProxyRules.Hook> natHooks() {
        return List.of(
                new ProxyRules.Hook(NAT, jump("PREROUTING", Rule.Match.ANY, KUBE_SERVICES, "kubernetes service portals")),
                new ProxyRules.Hook(NAT, jump("OUTPUT", Rule.Match.ANY, KUBE_SERVICES, "kubernetes service portals")),
                new ProxyRules.Hook(NAT, jump("POSTROUTING", Rule.Match.ANY, KUBE_POSTROUTING, "kubernetes postrouting rules")));
    }

    /** The hook kube-proxy limits to new connections: its match holds the ctstate its text shows. */
    private static Rule newOnly(Rule r) {
        String text = r.describe().replace(" -m comment", " -m conntrack --ctstate NEW -m comment");
        return withText(new Rule(r.chain(), r.match().withCtstate("NEW"), r.target(), r.comment(), null), text);
    }

    /**
     * kube-proxy writes 1/n with five decimals; the kernel's xt_statistic keeps it as a 31-bit fraction, and
     * iptables-save prints that fraction with eleven decimals (1/3 -> 0.33332999982). The value returned is that
     * fraction, so the rendered rule is what the real iptables-save prints.
     */
    static double probability(int n) {
        double written = Double.parseDouble(String.format(java.util.Locale.ROOT, "%.5f", 1.0 / n));
        long stored = Math.round(written * 0x80000000L);
        return stored / (double) 0x80000000L;
    }
}
