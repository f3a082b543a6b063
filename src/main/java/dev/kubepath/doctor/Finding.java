package dev.kubepath.doctor;

import java.util.List;

/**
 * One root cause: its code and severity, what it involves, the lines it rests on, the flows it breaks (counted in
 * {@code broken}, a few named in {@code brokenFlows}: each flow, or a class of flows as "312 flows like A -> B") and
 * the commands that fix it, in order.
 */
public record Finding(Code code, Severity severity, String summary, List<String> hosts, List<String> subnets,
                      List<String> services, List<Evidence> evidence, List<String> brokenFlows, List<String> fix, long broken) {
    public Finding {
        hosts = List.copyOf(hosts);
        subnets = List.copyOf(subnets);
        services = List.copyOf(services);
        evidence = List.copyOf(evidence);
        brokenFlows = List.copyOf(brokenFlows);
        fix = List.copyOf(fix);
    }

    /** Every broken flow named. */
    public Finding(Code code, Severity severity, String summary, List<String> hosts, List<String> subnets,
                   List<String> services, List<Evidence> evidence, List<String> brokenFlows, List<String> fix) {
        this(code, severity, summary, hosts, subnets, services, evidence, brokenFlows, fix, brokenFlows.size());
    }

    public String impact() {
        if (broken == 0) return "no flow fails because of it";
        return flowCount() + ": " + String.join("; ", brokenFlows);
    }

    /** "3 flows fail"; the flows of INSUFFICIENT_INFO are unknown, not failing, and are counted so ("3 flows unknown"). */
    public String flowCount() {
        String verb = code == Code.INSUFFICIENT_INFO ? "unknown" : broken == 1 ? "fails" : "fail";
        return broken + (broken == 1 ? " flow " : " flows ") + verb;
    }
}
