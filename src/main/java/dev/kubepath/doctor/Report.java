package dev.kubepath.doctor;

import java.util.List;

/**
 * The doctor's answer: a one-word verdict (critical, warning, ok), the findings most severe first, every traced flow.
 * {@code totalFlows} is the full matrix; when it was too large, {@code stride} > 1 says 1 in stride was traced.
 */
public record Report(String snapshot, String verdict, List<Finding> findings, List<Symptom> symptoms, long totalFlows, int stride) {
    public Report {
        findings = List.copyOf(findings);
        symptoms = List.copyOf(symptoms);
    }

    public List<Finding> findings(Code code) {
        return findings.stream().filter(f -> f.code() == code).toList();
    }

    public long failing() {
        return symptoms.stream().filter(Symptom::failed).count();
    }
}
