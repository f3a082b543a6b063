package dev.kubepath.ingest;

import java.util.List;
import java.util.Set;

/**
 * Which iptables table a rule belongs to when its listing does not say (an iptables-save fragment cut by grep, an
 * {@code iptables -S} or {@code -L} pasted without its command). Only named rules decide, each naming why:
 * <ul>
 *   <li>nat: a DNAT, SNAT, MASQUERADE or REDIRECT target (nat-only targets); a chain or jump kube-proxy keeps only
 *   in nat (KUBE-SVC-*, KUBE-SEP-*, KUBE-SVL-*, KUBE-EXT-*, KUBE-FW-*, KUBE-MARK-MASQ, KUBE-POSTROUTING,
 *   KUBE-NODE-PORT); flannel's FLANNEL-POSTRTG;</li>
 *   <li>filter: a REJECT target; a chain kube-proxy, flannel or docker keep only in filter (KUBE-FORWARD,
 *   KUBE-FIREWALL, KUBE-PROXY-FIREWALL, KUBE-EXTERNAL-SERVICES, FLANNEL-FWD, DOCKER-USER, DOCKER-ISOLATION-*).</li>
 * </ul>
 * Anything else (a bare {@code -A FORWARD -j ACCEPT}: FORWARD is in filter and mangle) is unknown.
 */
final class IptablesTables {
    private IptablesTables() {}

    static final String RULES = "nat: DNAT/SNAT/MASQUERADE/REDIRECT or KUBE-SVC-/KUBE-SEP-/KUBE-MARK-MASQ/KUBE-POSTROUTING chains;"
            + " filter: REJECT or KUBE-FORWARD/KUBE-FIREWALL/FLANNEL-FWD/DOCKER-USER chains";
    static final Set<String> BUILT_IN = Set.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING");

    private static final List<String> NAT_TARGETS = List.of("DNAT", "SNAT", "MASQUERADE", "REDIRECT");
    private static final List<String> NAT_PREFIXES = List.of("KUBE-SVC-", "KUBE-SEP-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-");
    private static final Set<String> NAT_CHAINS = Set.of("KUBE-MARK-MASQ", "KUBE-POSTROUTING", "KUBE-NODE-PORT", "FLANNEL-POSTRTG");
    private static final Set<String> FILTER_CHAINS = Set.of("KUBE-FORWARD", "KUBE-FIREWALL", "KUBE-PROXY-FIREWALL",
            "KUBE-EXTERNAL-SERVICES", "FLANNEL-FWD", "DOCKER-USER");

    /** "nat", "filter", or null when no named rule tells, for one {@code -A CHAIN ... -j TARGET} line. */
    static String ofRule(String line) {
        String why = why(line);
        return why == null ? null : why.substring(0, why.indexOf(':'));
    }

    /** The table and the rule that told it, e.g. "nat: target DNAT is nat-only"; null when none tells. */
    static String why(String line) {
        String[] t = Tokens.split(line);
        String chain = t.length > 1 ? t[1] : "";
        String target = null;
        for (int i = 0; i + 1 < t.length; i++) if (t[i].equals("-j") || t[i].equals("--jump")) target = t[i + 1];
        return why(chain, target);
    }

    static String why(String chain, String target) {
        if (target != null && NAT_TARGETS.contains(target)) return "nat: target " + target + " is nat-only";
        if ("REJECT".equals(target)) return "filter: target REJECT is filter-only";
        for (String name : target == null ? List.of(chain) : List.of(chain, target)) {
            if (NAT_CHAINS.contains(name) || NAT_PREFIXES.stream().anyMatch(name::startsWith)) return "nat: kube-proxy and flannel keep " + name + " in nat";
            if (FILTER_CHAINS.contains(name) || name.startsWith("DOCKER-ISOLATION-")) return "filter: " + name + " is a filter chain";
        }
        return null;
    }
}
