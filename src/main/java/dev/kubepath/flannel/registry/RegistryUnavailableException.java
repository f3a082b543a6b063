package dev.kubepath.flannel.registry;

/** The registry (etcd) could not be reached or did not answer in time; the caller keeps its state and retries. */
public final class RegistryUnavailableException extends RuntimeException {
    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public RegistryUnavailableException(String message) {
        super(message);
    }
}
