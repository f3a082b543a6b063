package dev.kubepath.dataplane;

import java.util.Locale;

/**
 * What a step or a verdict rests on: facts read from the snapshot (observed), facts derived from them by a named
 * rule (inferred), or something the snapshot does not hold and the trace took as the usual case (assumed).
 * The order is from strongest to weakest: a verdict's basis is the weakest of its steps'.
 */
public enum Basis {
    OBSERVED, INFERRED, ASSUMED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Basis weakest(Basis other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
