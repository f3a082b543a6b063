package dev.kubepath.dataplane;

import dev.kubepath.net.Ipv4;

import java.util.List;

/**
 * The answer for one flow. {@code steps} is the path of one representative backend (the first that gives
 * {@code verdict}). When the flow was load-balanced, {@code backends} lists each backend's own outcome and
 * {@code coverage} says whether all, some or none answer; otherwise {@code backends} is empty and coverage null.
 * {@code cause} is why it ended so (typed: decisions read it, people read its text, {@link #reason()}).
 * {@code assumed} lists what the trace took as the usual case because the snapshot lacked it; {@code basis} is the
 * weakest basis of the steps the verdict rests on. {@code backend} is the address IPVS or DNAT chose on the way
 * {@code steps} follow, or null.
 */
public record Trace(String from, Probe probe, Verdict verdict, Cause cause, String response, List<Step> steps,
                    List<Backend> backends, EndpointCoverage coverage, List<Assumption> assumed, Basis basis, Ipv4 backend) {

    public Trace {
        steps = java.util.Collections.unmodifiableList(steps); // may be lazily written (LazySteps): not copied
        backends = List.copyOf(backends);
        assumed = List.copyOf(assumed);
    }

    /** One backend of a load-balanced flow: the pod address and what a connection to it ends in. */
    public record Backend(String address, Verdict verdict, Cause cause) {
        public String reason() {
            return cause.text();
        }
    }

    /** Why the flow ended as it did, in words. */
    public String reason() {
        return cause.text();
    }

    /** The assumptions in words. */
    public List<String> assumptions() {
        return assumed.stream().map(Assumption::text).toList();
    }

    /** The verdict in words with what it rests on: "ok", "ok, assuming mcwk8s06 forwards", "unknown". */
    public String verdictWithBasis(String word) {
        if (assumed.isEmpty() || verdict == Verdict.INSUFFICIENT_INFO) return word;
        return word + ", assuming " + String.join(" and ", assumed.stream().map(Assumption::brief).distinct().toList());
    }

    /** The last step: where the packet's fate was decided. */
    public Step last() {
        return steps.get(steps.size() - 1);
    }
}
