package dev.kubepath.analysis.matrix;

import dev.kubepath.dataplane.EndpointCoverage;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;

/** What every flow of one equivalence class ends in, taken from the real trace of one of them. */
record Outcome(Verdict verdict, EndpointCoverage endpoints, String reason) {
    static Outcome of(Trace t) {
        EndpointCoverage c = t.coverage() != null ? t.coverage()
                : t.verdict() == Verdict.DELIVERED ? EndpointCoverage.ALL : EndpointCoverage.NONE;
        return new Outcome(t.verdict(), c, t.reason());
    }
}
