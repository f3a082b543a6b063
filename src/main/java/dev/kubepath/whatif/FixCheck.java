package dev.kubepath.whatif;

import dev.kubepath.ingest.BundleReader;
import dev.kubepath.ingest.InputException;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks a prescribed fix on a simulation of the bundle before an operator runs it: "fix checked in simulation:
 * repairs N flows, breaks M", or why it could not be checked (a command outside what the simulation runs, a bundle
 * it cannot be built from).
 */
public final class FixCheck {
    /** {@code result} is null when the fix could not be checked; {@code line} says what the check found either way. */
    public record Outcome(WhatIf.Result result, String line) {
        public boolean checked() {
            return result != null;
        }
    }

    private FixCheck() {}

    /** {@code commands}: the fix as "on HOST: CMD" lines, in the order the operator runs them. */
    public static Outcome check(BundleReader.Result bundle, List<String> commands) {
        List<WhatIf.Command> parsed = new ArrayList<>();
        try {
            for (int i = 0; i < commands.size(); i++) parsed.add(WhatIf.parse(i + 1, commands.get(i)));
            WhatIf.Result r = WhatIf.run(bundle, parsed);
            return new Outcome(r, "fix checked in simulation: repairs " + r.repaired().size() + (r.repaired().size() == 1 ? " flow" : " flows")
                    + ", breaks " + r.broken().size() + (r.stillFailing().isEmpty() ? "" : "; " + r.stillFailing().size() + " still failing")
                    + " (" + r.assumptions().size() + " assumptions)");
        } catch (InputException | IllegalArgumentException e) {
            return new Outcome(null, "fix not checked in simulation: " + e.getMessage());
        }
    }
}
