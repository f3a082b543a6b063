package dev.kubepath.doctor;

import java.util.List;

/**
 * The doctor's answer: a one-word verdict (critical, warning, ok), the findings most severe first, the symptoms:
 * every flow of a small cluster, or, of a large one, the classes of failing flows. {@code totalFlows} is the whole
 * matrix; {@code stride} is 1 (every flow is accounted for).
 */
public record Report(String snapshot, String verdict, List<Finding> findings, List<Symptom> symptoms, long totalFlows, int stride) {
    public Report {
        findings = List.copyOf(findings);
        symptoms = List.copyOf(symptoms);
    }

    public List<Finding> findings(Code code) {
        return findings.stream().filter(f -> f.code() == code).toList();
    }

    /** How many flows fail (a class of flows counts as its flows). */
    public long failing() {
        return symptoms.stream().filter(Symptom::failed).mapToLong(Symptom::flows).sum();
    }

    /** Whether every flow is listed on its own (a small cluster), rather than failing classes only. */
    public boolean flowByFlow() {
        return symptoms.size() == totalFlows;
    }
}
