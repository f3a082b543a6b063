package dev.kubepath.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A command as typed at a prompt, reduced to the tool that printed the output and its arguments. What only changes
 * who runs the tool or where it asks is taken away, because it does not change what is printed: {@code sudo},
 * environment assignments ({@code ETCDCTL_API=3}), a path before the tool ({@code ./etcdctl},
 * {@code /usr/bin/etcdctl}), {@code docker exec ID}, {@code kubectl exec POD -n NS --}, {@code k3s kubectl}, and the
 * connection options of etcdctl and kubectl (endpoints, TLS files, kubeconfig). A pipe ({@code | grep x}) is kept.
 *
 * @param raw  the command as typed (continuations joined with a space)
 * @param tool the program whose output follows ({@code kubectl}, {@code etcdctl}, {@code ip}, ...)
 * @param args its arguments, flags included, in order
 */
public record Command(String raw, String tool, List<String> args) {
    public Command {
        args = List.copyOf(args);
    }

    /** The reduced command line: tool and arguments joined by single spaces (what repeated commands are compared by). */
    public String text() {
        return args.isEmpty() ? tool : tool + " " + String.join(" ", args);
    }

    /** The arguments that are not flags (and not a flag's value), up to a pipe: {@code get /coreos.com/...}. */
    public List<String> operands() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("|")) break;
            if (a.startsWith("-")) {
                if (!a.contains("=") && VALUE_FLAGS.contains(a)) i++;
                continue;
            }
            out.add(a);
        }
        return out;
    }

    /** True when the command line (before any pipe) has this flag, alone or with a value ({@code -o wide}, {@code -o=json}). */
    public boolean has(String flag) {
        for (String a : args) {
            if (a.equals("|")) break;
            if (a.equals(flag) || a.startsWith(flag + "=")) return true;
        }
        return false;
    }

    /**
     * The filter the output was piped into ({@code grep eth1}, {@code grep -v docker}, {@code head}, {@code awk ...},
     * a pager), from the first such stage to the end; null when none. A filtered output is part of its listing.
     */
    public String filter() {
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("|") && FILTERS.contains(basename(args.get(i + 1)))) {
                return String.join(" ", args.subList(i + 1, args.size()));
            }
        }
        return null;
    }

    /** Programs that print part of what they read. */
    private static final Set<String> FILTERS = Set.of("grep", "egrep", "fgrep", "zgrep", "rg", "head", "tail", "sed",
            "awk", "gawk", "mawk", "less", "more", "most", "cut", "uniq", "findstr", "select-string");

    /** Flags of kubectl and etcdctl that take the next word as their value. */
    private static final Set<String> VALUE_FLAGS = Set.of("-n", "--namespace", "-o", "--output", "-l", "--selector", "-c",
            "--container", "-w", "--write-out", "--field-selector", "--sort-by", "-t", "--table");

    /** Options that say where to ask or as whom, never what is printed: dropped (with their value when separate). */
    private static final Set<String> CONNECTION_FLAGS = Set.of("--endpoints", "--endpoint", "--peers", "-C", "--cacert",
            "--cert", "--key", "--ca-file", "--cert-file", "--key-file", "--user", "--password", "--dial-timeout",
            "--command-timeout", "--kubeconfig", "--context", "--cluster", "-s", "--server", "--token",
            "--certificate-authority", "--client-certificate", "--client-key", "--request-timeout", "--discovery-srv");
    private static final Set<String> CONNECTION_SWITCHES = Set.of("--insecure-skip-tls-verify", "--insecure-transport",
            "--debug", "--no-sync");

    /** Words that run the next command: {@code sudo}, {@code time}, ... */
    private static final Set<String> WRAPPERS = Set.of("sudo", "time", "nsenter", "env", "command", "exec", "watch");

    /** The command in a line typed at a prompt, or null when the line holds no command (blank, or only a comment). */
    public static Command parse(String typed) {
        if (typed == null) return null;
        String raw = typed.strip();
        List<String> w = new ArrayList<>(List.of(Tokens.split(stripComment(raw).replace("|", " | "))));
        int i = 0;
        while (i < w.size()) {
            String word = w.get(i);
            if (WRAPPERS.contains(word)) {
                i++;
                // the wrapper's own options: sudo -E, sudo -u root, nsenter -t 1 -n, watch -n 1
                while (i < w.size() && w.get(i).startsWith("-")) {
                    String f = w.get(i);
                    i++;
                    if (Set.of("-u", "-g", "-t", "-n").contains(f) && i < w.size() && !w.get(i).startsWith("-")) i++;
                }
            } else if (isAssignment(word)) {
                i++;
            } else if ((word.equals("docker") || word.equals("crictl") || word.equals("nerdctl") || word.equals("podman"))
                    && i + 1 < w.size() && w.get(i + 1).equals("exec")) {
                // docker exec [-it] [-e X=Y] CONTAINER cmd...
                i += 2;
                while (i < w.size() && w.get(i).startsWith("-")) {
                    String f = w.get(i);
                    i++;
                    if ((f.equals("-e") || f.equals("-u") || f.equals("-w") || f.equals("--env") || f.equals("--user")) && i < w.size()) i++;
                }
                i++; // the container
            } else if (basename(word).equals("kubectl") && w.subList(i, w.size()).contains("exec") && w.contains("--")) {
                i = w.indexOf("--") + 1; // kubectl exec POD -n NS -- cmd: the command inside the pod
            } else if (word.equals("k3s") && i + 1 < w.size() && (w.get(i + 1).equals("kubectl") || w.get(i + 1).equals("crictl"))) {
                i++;
            } else if (word.equals("k")) { // the common alias of kubectl
                w.set(i, "kubectl");
                break;
            } else {
                break;
            }
        }
        if (i >= w.size()) return null;
        String tool = basename(w.get(i));
        List<String> args = new ArrayList<>();
        for (int j = i + 1; j < w.size(); j++) {
            String a = w.get(j);
            String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (CONNECTION_SWITCHES.contains(a)) continue;
            if (CONNECTION_FLAGS.contains(flag) && (tool.equals("etcdctl") || tool.equals("kubectl"))) {
                if (!a.contains("=") && j + 1 < w.size()) j++;
                continue;
            }
            args.add(a);
        }
        return new Command(raw, tool, args);
    }

    /** {@code NAME=value}, as the shell reads an assignment before a command. */
    static boolean isAssignment(String word) {
        int eq = word.indexOf('=');
        if (eq <= 0) return false;
        for (int i = 0; i < eq; i++) {
            char c = word.charAt(i);
            if (!(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9')) return false;
        }
        return true;
    }

    private static String basename(String word) {
        int slash = word.lastIndexOf('/');
        return slash >= 0 && slash < word.length() - 1 ? word.substring(slash + 1) : word;
    }

    /** A shell comment after the command ({@code route -n # before}); a '#' inside a word or quotes stays. */
    private static String stripComment(String s) {
        boolean single = false, dbl = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' && !dbl) single = !single;
            else if (c == '"' && !single) dbl = !dbl;
            else if (c == '#' && !single && !dbl && (i == 0 || s.charAt(i - 1) <= ' ')) return s.substring(0, i);
        }
        return s;
    }
}
