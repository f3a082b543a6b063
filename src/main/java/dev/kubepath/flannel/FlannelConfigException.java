package dev.kubepath.flannel;

/** The network config ({@code <prefix>/config}) is malformed or violates one of flannel's rules. */
public final class FlannelConfigException extends RuntimeException {
    public FlannelConfigException(String message) {
        super(message);
    }

    public FlannelConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
