package dev.kubepath.cluster;

/** A manifest that cannot be loaded; the message names the source, the line and what was expected. */
public final class ManifestException extends RuntimeException {
    public ManifestException(String message, Throwable cause) {
        super(message, cause);
    }

    public ManifestException(String message) {
        super(message);
    }
}
