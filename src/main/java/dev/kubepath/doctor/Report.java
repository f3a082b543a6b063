package dev.kubepath.doctor;

import dev.kubepath.dataplane.Inference;

import java.util.List;

/**
 * The doctor's answer: a one-word verdict (critical, warning, ok, or insufficient when the snapshot holds nothing to
 * judge by), the findings most severe first, every traced flow, and the facts inferred by named rules.
 * {@code totalFlows} is the full matrix; when it was too large, {@code stride} > 1 says 1 in stride was traced.
 */
public record Report(String snapshot, String verdict, List<Finding> findings, List<Symptom> symptoms, long totalFlows, int stride,
                     List<Inference.Fact> inferred) {
    public static final String INSUFFICIENT = "insufficient";

    public Report {
        findings = List.copyOf(findings);
        symptoms = List.copyOf(symptoms);
        inferred = List.copyOf(inferred);
    }

    public Report(String snapshot, String verdict, List<Finding> findings, List<Symptom> symptoms, long totalFlows, int stride) {
        this(snapshot, verdict, findings, symptoms, totalFlows, stride, List.of());
    }

    public List<Finding> findings(Code code) {
        return findings.stream().filter(f -> f.code() == code).toList();
    }

    /** Flows traced to a failure; flows whose result is unknown are counted apart ({@link #unknown()}). */
    public long failing() {
        return symptoms.stream().filter(Symptom::failed).count();
    }

    public long unknown() {
        return symptoms.stream().filter(Symptom::unknown).count();
    }

    public long ok() {
        return symptoms.stream().filter(Symptom::ok).count();
    }

    /** The exit code of {@code kubepath doctor} (docs/doctor.md): 0 ok, 1 findings, 3 insufficient evidence. */
    public int exitCode() {
        if (INSUFFICIENT.equals(verdict)) return 3;
        return "ok".equals(verdict) ? 0 : 1;
    }
}
