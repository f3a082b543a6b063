package dev.kubepath.host.linux;

import java.util.ArrayList;
import java.util.List;

/**
 * A named network namespace (as {@code ip netns add} makes it, under /run/netns) and the commands run inside it.
 * Creating and deleting namespaces is the lab's job ({@link dev.kubepath.lab.Lab}); this only runs things in one.
 */
public record Netns(String name, ProcessRunner runner) {
    public Netns {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
            throw new IllegalArgumentException("'" + name + "' is not a usable namespace name (letters, digits, '.', '_', '-')");
        }
    }

    /**
     * Runs {@code argv} inside the namespace: {@code nsenter --net=/run/netns/NAME argv...}. Not {@code ip netns exec}:
     * that one also unshares a mount namespace and remounts /sys for every command, which made the wrapper, not the
     * command, most of the cost of bringing a 50-host lab up on 2 cores. Nothing run here reads /sys/class/net
     * (/proc/sys/net follows the network namespace by itself) or the /etc/netns/NAME overlays.
     */
    public CommandResult exec(String... argv) {
        return exec(List.of(argv), null);
    }

    public CommandResult exec(List<String> argv, String stdin) {
        return runner.run(command(argv), stdin);
    }

    /** {@code ip -n NAME args...}: iproute2 enters the namespace itself, no extra fork for the exec wrapper. */
    public CommandResult ip(String... args) {
        return tool("ip", List.of(args), null);
    }

    /** {@code bridge -n NAME args...}. */
    public CommandResult bridge(String... args) {
        return tool("bridge", List.of(args), null);
    }

    /** Runs iproute2's {@code tool} (ip or bridge) in this namespace, with {@code stdin} for -batch. */
    public CommandResult tool(String tool, List<String> args, String stdin) {
        List<String> cmd = new ArrayList<>(List.of(tool, "-n", name));
        cmd.addAll(args);
        return runner.run(cmd, stdin);
    }

    /** Builds the command line that runs {@code argv} in this namespace, for processes that keep running. */
    public List<String> command(List<String> argv) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + name, "--"));
        cmd.addAll(argv);
        return cmd;
    }
}
