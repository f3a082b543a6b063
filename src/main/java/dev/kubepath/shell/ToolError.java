package dev.kubepath.shell;

/**
 * What a tool writes to standard error when it refuses its input, in the tool's own words (the text ends with a
 * newline), and its exit status. A pipeline passes it by: {@code ip foo | grep x} still shows ip's complaint.
 */
final class ToolError extends RuntimeException {
    final int status;

    ToolError(String text, int status) {
        super(text, null, false, false);
        this.status = status;
    }

    ToolError(String text) {
        this(text, 1);
    }
}
