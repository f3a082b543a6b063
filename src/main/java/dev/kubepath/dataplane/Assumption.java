package dev.kubepath.dataplane;

import dev.kubepath.model.Facet;

/**
 * What a trace took as the usual case because the snapshot lacks the fact: on which host, which facet is missing,
 * and what was assumed ({@code text}, e.g. "net.ipv4.ip_forward=1 on mcwk8s06 (sysctls not in the snapshot)";
 * {@code short} the same in a few words for a verdict line, e.g. "mcwk8s06 forwards").
 */
public record Assumption(String host, Facet facet, String text, String brief) {
    @Override
    public String toString() {
        return text;
    }
}
