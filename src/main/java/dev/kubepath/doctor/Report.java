package dev.kubepath.doctor;

import dev.kubepath.dataplane.Inference;

import java.util.List;

/**
 * The doctor's answer: a one-word verdict (critical, warning, ok, or insufficient when the snapshot holds nothing to
 * judge by), the findings most severe first, the symptoms: every flow of a small cluster, or, of a large one, the
 * classes of failing flows; and the facts inferred by named rules. {@code totalFlows} is the whole matrix;
 * {@code stride} is 1 (every flow is accounted for).
 */
public record Report(String snapshot, String verdict, List<Finding> findings, List<Symptom> symptoms, long totalFlows, int stride,
                     List<Inference.Fact> inferred, List<Seen> seen) {
    public static final String INSUFFICIENT = "insufficient";

    /**
     * A probe typed in a pasted session ({@code observed}: how it ended, at which line) beside the doctor's trace of
     * the same flow on the snapshot ({@code traced}: ok, refused, timeout, unreachable or unknown, and why).
     */
    public record Seen(dev.kubepath.ingest.ProbeText.Observed observed, String traced, String reason) {
        /** The session and the snapshot say the same: both got through, or both failed. */
        public boolean agrees() {
            return !"unknown".equals(traced) && observed.failed() == !"ok".equals(traced);
        }
    }

    public Report {
        findings = List.copyOf(findings);
        symptoms = List.copyOf(symptoms);
        inferred = List.copyOf(inferred);
        seen = List.copyOf(seen);
    }

    public Report(String snapshot, String verdict, List<Finding> findings, List<Symptom> symptoms, long totalFlows, int stride,
                  List<Inference.Fact> inferred) {
        this(snapshot, verdict, findings, symptoms, totalFlows, stride, inferred, List.of());
    }

    public Report(String snapshot, String verdict, List<Finding> findings, List<Symptom> symptoms, long totalFlows, int stride) {
        this(snapshot, verdict, findings, symptoms, totalFlows, stride, List.of());
    }

    public List<Finding> findings(Code code) {
        return findings.stream().filter(f -> f.code() == code).toList();
    }

    /** Flows traced to a failure (a class of flows counts as its flows); unknown flows are counted apart. */
    public long failing() {
        return symptoms.stream().filter(Symptom::failed).mapToLong(Symptom::flows).sum();
    }

    /** Whether every flow is listed on its own (a small cluster), rather than failing classes only. */
    public boolean flowByFlow() {
        return symptoms.size() == totalFlows;
    }

    public long unknown() {
        return symptoms.stream().filter(Symptom::unknown).mapToLong(Symptom::flows).sum();
    }

    /** Every flow is accounted for, and above the per-flow limit the flows that work are not listed: the rest. */
    public long ok() {
        return totalFlows - failing() - unknown();
    }

    /** The exit code of {@code kubepath doctor} (docs/doctor.md): 0 ok, 1 findings, 3 insufficient evidence. */
    public int exitCode() {
        if (INSUFFICIENT.equals(verdict)) return 3;
        return "ok".equals(verdict) ? 0 : 1;
    }
}
