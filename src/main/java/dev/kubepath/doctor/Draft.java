package dev.kubepath.doctor;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A finding while the doctor still collects the flows it explains. */
final class Draft {
    final Code code;
    Severity severity;
    String summary;
    final Set<String> hosts = new LinkedHashSet<>();
    final Set<String> subnets = new LinkedHashSet<>();
    final Set<String> services = new LinkedHashSet<>();
    final List<Evidence> evidence = new ArrayList<>();
    final List<String> fix = new ArrayList<>();
    /** The flows it breaks: a few named (all of them flow by flow, one per class by classes), and how many in all. */
    final List<String> broken = new ArrayList<>();
    long brokenCount;

    Draft(Code code, Severity severity, String summary) {
        this.code = code;
        this.severity = severity;
        this.summary = summary;
    }

    Draft host(String h) {
        hosts.add(h);
        return this;
    }

    Draft subnet(Object s) {
        subnets.add(s.toString());
        return this;
    }

    Draft service(String s) {
        services.add(s);
        return this;
    }

    Draft evidence(Evidence e) {
        if (e != null && !evidence.contains(e)) evidence.add(e);
        return this;
    }

    Draft fix(String f) {
        if (!fix.contains(f)) fix.add(f);
        return this;
    }

    /** A fresh copy, before any flow was put down to it. */
    Draft copy() {
        Draft d = new Draft(code, severity, summary);
        d.hosts.addAll(hosts);
        d.subnets.addAll(subnets);
        d.services.addAll(services);
        d.evidence.addAll(evidence);
        d.fix.addAll(fix);
        return d;
    }

    /** {@code flows} flows, named by one of them (a class of flows that end alike) or by the flow itself. */
    void broken(String label, long flows) {
        if (broken.size() < MAX_NAMED) broken.add(label);
        brokenCount += flows;
    }

    /** Beyond this many named flows (or classes), the finding only counts them. */
    static final int MAX_NAMED = 2_000;

    /**
     * Severity follows impact: a critical finding no traced flow fails because of becomes a warning, and says why it
     * still matters.
     */
    void followImpact(boolean allTraced) {
        if (severity != Severity.CRITICAL || !broken.isEmpty() || !allTraced) return;
        severity = Severity.WARNING;
        summary = summary + " (no traced flow fails because of it; it still matters: " + code.stillMatters() + ")";
    }

    Finding build() {
        return new Finding(code, severity, summary, List.copyOf(hosts), List.copyOf(subnets), List.copyOf(services),
                evidence, broken, fix, brokenCount);
    }
}
