package dev.kubepath.host.linux;

/** A command that exited non-zero; the message names the command, the status and what it printed on stderr. */
public final class CommandFailedException extends RuntimeException {
    private final CommandResult result;

    public CommandFailedException(CommandResult result) {
        super("'" + result.commandLine() + "' exited " + result.exit() + ": " + result.stderr().strip());
        this.result = result;
    }

    public CommandResult result() {
        return result;
    }
}
