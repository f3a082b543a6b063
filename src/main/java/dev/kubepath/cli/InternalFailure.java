package dev.kubepath.cli;

/**
 * A failure of kubepath itself, as opposed to bad input ({@link dev.kubepath.ingest.InputException}): what failed,
 * and a request to report it. The cause keeps the stack trace.
 */
public final class InternalFailure extends RuntimeException {
    public InternalFailure(Throwable cause) {
        super("internal error: " + describe(cause) + " (please report it, with the command line and the trace below)", cause);
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
