package dev.kubepath.doctor;

import java.util.List;

/**
 * One root cause: its code and severity, what it involves, the lines it rests on, the flows it breaks (counted and
 * named) and the commands that fix it, in order.
 */
public record Finding(Code code, Severity severity, String summary, List<String> hosts, List<String> subnets,
                      List<String> services, List<Evidence> evidence, List<String> brokenFlows, List<String> fix) {
    public Finding {
        hosts = List.copyOf(hosts);
        subnets = List.copyOf(subnets);
        services = List.copyOf(services);
        evidence = List.copyOf(evidence);
        brokenFlows = List.copyOf(brokenFlows);
        fix = List.copyOf(fix);
    }

    public String impact() {
        if (brokenFlows.isEmpty()) return "no traced flow fails because of it";
        return brokenFlows.size() + (brokenFlows.size() == 1 ? " flow fails: " : " flows fail: ") + String.join("; ", brokenFlows);
    }
}
