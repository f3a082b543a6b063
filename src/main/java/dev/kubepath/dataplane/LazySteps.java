package dev.kubepath.dataplane;

import java.util.AbstractList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A trace's steps, each written out (its detail and deciding object as text) the first time it is read. Whole-cluster
 * questions trace millions of flows and read the verdicts only; a person or a report reads the steps of a few.
 */
final class LazySteps extends AbstractList<Step> {
    /** A step before its text is written: suppliers that capture the values, not the strings. */
    record Draft(String host, Stage stage, Supplier<String> detail, Supplier<String> decidedBy, Basis basis, List<String> facts) {
        Draft(String host, Stage stage, Supplier<String> detail, Supplier<String> decidedBy) {
            this(host, stage, detail, decidedBy, Basis.OBSERVED, null);
        }
    }

    private final Draft[] drafts;
    private final Step[] written;

    LazySteps(List<Draft> drafts) {
        this.drafts = drafts.toArray(new Draft[0]);
        this.written = new Step[this.drafts.length];
    }

    @Override
    public synchronized Step get(int i) {
        if (written[i] == null) {
            Draft d = drafts[i];
            String by = d.decidedBy().get();
            List<String> facts = d.facts() != null ? d.facts() : by == null ? List.of() : List.of(by);
            written[i] = new Step(d.host(), d.stage(), d.detail().get(), by, d.basis(), facts);
        }
        return written[i];
    }

    @Override
    public int size() {
        return drafts.length;
    }
}
