package dev.kubepath.dataplane;

import java.util.List;

/**
 * The answer for one flow. {@code steps} is the path of one representative backend (the first that gives
 * {@code verdict}). When the flow was load-balanced, {@code backends} lists each backend's own outcome and
 * {@code coverage} says whether all, some or none answer; otherwise {@code backends} is empty and coverage null.
 * {@code assumptions} lists what the trace had to take from the leases because the snapshot lacked it.
 */
public record Trace(String from, Probe probe, Verdict verdict, String reason, String response, List<Step> steps,
                    List<Backend> backends, EndpointCoverage coverage, List<String> assumptions) {

    public Trace {
        steps = java.util.Collections.unmodifiableList(steps); // may be lazily written (LazySteps): not copied
        backends = List.copyOf(backends);
        assumptions = List.copyOf(assumptions);
    }

    /** One backend of a load-balanced flow: the pod address and what a connection to it ends in. */
    public record Backend(String address, Verdict verdict, String reason) {}

    /** The last step: where the packet's fate was decided. */
    public Step last() {
        return steps.get(steps.size() - 1);
    }
}
