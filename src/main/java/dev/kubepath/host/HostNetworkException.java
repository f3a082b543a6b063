package dev.kubepath.host;

/** A change the host refused: names the host, the change and what the host said. */
public class HostNetworkException extends RuntimeException {
    public HostNetworkException(String message) {
        super(message);
    }

    public HostNetworkException(String message, Throwable cause) {
        super(message, cause);
    }
}
