package dev.kubepath.host.linux;

import java.util.List;

/** What one finished process said: its command line, exit status and both output streams. */
public record CommandResult(List<String> command, int exit, String stdout, String stderr) {
    public CommandResult {
        command = List.copyOf(command);
    }

    public boolean ok() {
        return exit == 0;
    }

    /** The command line as a shell would show it, for messages. */
    public String commandLine() {
        return String.join(" ", command);
    }

    /** Throws {@link CommandFailedException} unless the process exited 0. */
    public CommandResult orThrow() {
        if (!ok()) throw new CommandFailedException(this);
        return this;
    }
}
