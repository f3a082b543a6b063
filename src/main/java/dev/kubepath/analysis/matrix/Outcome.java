package dev.kubepath.analysis.matrix;

import dev.kubepath.dataplane.EndpointCoverage;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;

/**
 * What every flow of one equivalence class ends in, taken from the real trace of one of them: the flow from
 * {@code from} to {@code to}, which stands for the class wherever one is named.
 */
record Outcome(Verdict verdict, EndpointCoverage endpoints, String reason, String from, Destination to) {
    static Outcome of(Trace t, Destination to) {
        EndpointCoverage c = t.coverage() != null ? t.coverage()
                : t.verdict() == Verdict.DELIVERED ? EndpointCoverage.ALL : EndpointCoverage.NONE;
        return new Outcome(t.verdict(), c, t.reason(), t.from(), to);
    }

    Flow flow() {
        return new Flow(from, to, verdict, endpoints, reason);
    }
}
