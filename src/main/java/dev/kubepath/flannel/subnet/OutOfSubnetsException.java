package dev.kubepath.flannel.subnet;

/** Every subnet between SubnetMin and SubnetMax is leased. */
public final class OutOfSubnetsException extends RuntimeException {
    public OutOfSubnetsException(String message) {
        super(message);
    }
}
