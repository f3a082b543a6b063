package dev.kubepath.dataplane;

import java.util.List;

/**
 * One hop of a trace: on which host, at which stage, what happened, and the object that decided it
 * (a route line, an IPVS virtual server, an FDB entry, a lease, an iptables rule), or null when nothing did.
 * {@code basis} says whether the facts it used were observed, inferred by a named rule, or assumed; {@code facts}
 * lists them (the deciding line, the rule and what it rests on, or the assumption).
 */
public record Step(String host, Stage stage, String detail, String decidedBy, Basis basis, List<String> facts) {
    public Step {
        facts = List.copyOf(facts);
    }

    public Step(String host, Stage stage, String detail, String decidedBy) {
        this(host, stage, detail, decidedBy, Basis.OBSERVED, decidedBy == null ? List.of() : List.of(decidedBy));
    }
}
