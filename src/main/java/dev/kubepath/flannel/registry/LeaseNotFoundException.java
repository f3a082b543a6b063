package dev.kubepath.flannel.registry;

import dev.kubepath.net.Prefix;

/** A lease was to be renewed or deleted but the registry no longer holds it (expired or deleted by hand). */
public final class LeaseNotFoundException extends RuntimeException {
    private final Prefix subnet;

    public LeaseNotFoundException(Prefix subnet) {
        super("lease for " + subnet + " not found in the registry");
        this.subnet = subnet;
    }

    public Prefix subnet() {
        return subnet;
    }
}
