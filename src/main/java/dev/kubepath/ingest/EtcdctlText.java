package dev.kubepath.ingest;

import dev.kubepath.model.Lease;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * etcdctl's text output of flannel's subnets, v2 or v3:
 * <ul>
 * <li>v2 {@code ls <prefix>/subnets}, and v3 {@code get --prefix --keys-only}: keys only. The subnets are listed,
 * their owners are not shown: each is reported and gives no lease;</li>
 * <li>v2 {@code get KEY}: the value alone, its key being the command's argument;</li>
 * <li>v3 {@code get --prefix <prefix>/subnets}: key and value lines in pairs (a {@code <prefix>/config} key and
 * its value are skipped: they are the network config, not a lease);</li>
 * <li>v3 {@code get --prefix --print-value-only}: values without keys. A value holds no subnet, so such a lease
 * cannot be placed: each is reported with the PublicIP it names.</li>
 * </ul>
 * The command is read from the prompt line, or from a line of its own when it was pasted without a prompt, behind
 * {@code sudo}, {@code ETCDCTL_API=3}, a path such as {@code ./etcdctl} and flags anywhere. etcdctl's
 * {@code Error:} lines are reported with the key they name. A value that {@code | jq} spread over several lines is
 * read whole.
 */
final class EtcdctlText {
    private EtcdctlText() {}

    /** What etcdctl was asked: the sub-command, its key argument and the flags that change what it prints. */
    record Command(String verb, String key, boolean valuesOnly, boolean keysOnly) {
        static final Command NONE = new Command(null, null, false, false);
    }

    /** Flags given as {@code --flag value} (with a space); every other flag stands alone or carries {@code =}. */
    private static final Set<String> VALUE_FLAGS = Set.of("endpoints", "endpoint", "peers", "C", "cacert", "cert", "key",
            "ca-file", "cert-file", "key-file", "w", "write-out", "o", "output", "user", "password", "dial-timeout",
            "command-timeout", "keepalive-time", "keepalive-timeout", "limit", "rev", "sort-by", "order", "discovery-srv",
            "discovery-srv-name", "consistency", "range_end");

    /** The etcdctl command in a shell line (wrappers and flags anywhere), or null when the line runs no etcdctl. */
    static Command command(String line) {
        if (line == null) return null;
        String[] t = Tokens.split(line);
        int i = 0;
        while (i < t.length && !(t[i].equals("etcdctl") || t[i].endsWith("/etcdctl"))) i++;
        if (i == t.length) return null;
        String verb = null;
        String key = null;
        boolean values = false;
        boolean keys = false;
        for (i++; i < t.length; i++) {
            String a = t[i];
            if (a.equals("|") || a.startsWith("|")) break; // a pipe: the rest is another command
            if (a.startsWith("-")) {
                String name = a.replaceFirst("^--?", "");
                int eq = name.indexOf('=');
                if (eq < 0 && VALUE_FLAGS.contains(name)) i++;
                if (name.equals("print-value-only")) values = true;
                if (name.equals("keys-only")) keys = true;
            } else if (verb == null) {
                verb = a;
            } else if (key == null) {
                key = a.replaceAll("^[\"']|[\"']$", "");
            }
        }
        return new Command(verb, key, values, keys);
    }

    static Parsed<List<Lease>> parse(String file, Transcript transcript) {
        Reading r = new Reading(new Problems(file));
        for (Transcript.Section s : transcript.sections()) r.section(s);
        r.listed.forEach((subnet, line) -> {
            if (!r.shown.contains(subnet)) {
                r.problems.add(line, "subnet " + subnet + " is listed but its lease value is not shown; its owner is unknown");
            }
        });
        if (r.data == 0 && !r.problems.list().isEmpty()) { // nothing here is etcd output: one clear line, not one per line
            Problems one = new Problems(file);
            one.add(r.problems.list().get(0).line(), "not recognisable as flannel's subnet leases (expected etcdctl ls/get output, "
                    + "kubectl get nodes -o json|yaml, or flannel.alpha.coreos.com/ node annotations); the registry stays unknown");
            return one.result(List.of());
        }
        return r.problems.result(new ArrayList<>(r.leases.values()));
    }

    /** One etcdctl transcript read section by section: the leases, the subnets listed and shown, the key awaiting its value. */
    private static final class Reading {
        final Problems problems;
        final Map<Prefix, Lease> leases = new LinkedHashMap<>();
        final Map<Prefix, Integer> listed = new LinkedHashMap<>();
        final Set<Prefix> shown = new HashSet<>();
        int data = 0; // lines read as etcd keys, values or etcdctl's own errors
        Command cmd;
        String pendingKey;
        int pendingLine;
        int valueEnd;

        Reading(Problems problems) {
            this.problems = problems;
        }

        void section(Transcript.Section s) {
            cmd = command(s.command());
            if (cmd == null) cmd = Command.NONE;
            // v2 get KEY prints the value alone: the command's argument is its key
            pendingKey = "get".equals(cmd.verb()) && cmd.key() != null && cmd.key().contains("/subnets/") ? cmd.key() : null;
            pendingLine = s.promptLine();
            List<Transcript.Line> lines = s.lines();
            for (int i = 0; i < lines.size(); i++) {
                Transcript.Line l = lines.get(i);
                String line = l.text().trim();
                Command typed = command(line);
                if (typed != null && typed.verb() != null) { // a command pasted without a prompt
                    reportUnshown(pendingKey, pendingLine, listed, cmd);
                    cmd = typed;
                    pendingKey = "get".equals(cmd.verb()) && cmd.key() != null && cmd.key().contains("/subnets/") ? cmd.key() : null;
                    pendingLine = l.number();
                    continue;
                }
                try {
                    if (line.startsWith("/")) key(line, l.number());
                    else if (line.startsWith("{")) {
                        try {
                            value(lines, i);
                        } finally {
                            i = valueEnd; // a value read or rejected whole, over all its lines
                        }
                    }
                    else if (line.startsWith("Error:")) error(line);
                    else throw new IllegalArgumentException("expected a subnet key or its JSON value, got '" + line + "'");
                } catch (IllegalArgumentException e) {
                    problems.add(l.number(), e);
                    pendingKey = null;
                }
            }
            reportUnshown(pendingKey, pendingLine, listed, cmd);
        }

        private void key(String line, int number) {
            data++;
            if (pendingKey != null && !pendingKey.equals(line) && pendingKey.contains("/subnets/")) listed.putIfAbsent(LeasesText.subnetOfKey(pendingKey), pendingLine);
            pendingKey = line;
            pendingLine = number;
            if (line.endsWith("/config") || line.endsWith("/subnets")) return; // the network config, the directory
            if (!line.contains("/subnets/")) throw new IllegalArgumentException("key '" + line + "' is not under <prefix>/subnets/");
            listed.putIfAbsent(LeasesText.subnetOfKey(line), number);
        }

        /** The JSON value starting at line {@code i}; it may span lines, the last of which goes to {@link #valueEnd}. */
        private void value(List<Transcript.Line> lines, int i) {
            valueEnd = i;
            data++;
            int start = i;
            StringBuilder json = new StringBuilder(lines.get(i).text().trim());
            while (depth(json) > 0 && i + 1 < lines.size() && !lines.get(i + 1).text().trim().startsWith("/")
                    && command(lines.get(i + 1).text()) == null) {
                json.append('\n').append(lines.get(++i).text());
            }
            valueEnd = i;
            String key = pendingKey;
            pendingKey = null;
            if (key != null && key.endsWith("/config")) return;
            if (key == null) {
                String ip = Json.text(LeasesText.value(json.toString(), "value"), "PublicIP");
                throw new IllegalArgumentException("lease value" + (ip != null ? " of PublicIP " + ip : "")
                        + " is shown without its key" + (cmd.valuesOnly() ? " (--print-value-only)" : "")
                        + ": its subnet is unknown");
            }
            Prefix subnet = LeasesText.subnetOfKey(key);
            shown.add(subnet); // a damaged value is reported once, not also as "not shown"
            try {
                leases.put(subnet, LeasesText.lease(subnet, json.toString()));
            } catch (IllegalArgumentException e) {
                problems.add(lines.get(start).number(), e);
            }
        }

        private void error(String line) {
            data++;
            int open = line.indexOf('(');
            int close = line.indexOf(')', open + 1);
            String key = open > 0 && close > open ? line.substring(open + 1, close) : null;
            if (key != null && key.contains("/subnets/")) {
                Prefix subnet = LeasesText.subnetOfKey(key);
                shown.add(subnet);
                throw new IllegalArgumentException("etcd has no lease for " + subnet + " (" + line + "): it expired or was never taken");
            }
            throw new IllegalArgumentException("etcdctl failed: " + line);
        }
    }

    /** A v2 {@code get KEY} that printed nothing leaves its key listed without a value. */
    private static void reportUnshown(String pendingKey, int line, Map<Prefix, Integer> listed, Command cmd) {
        if (pendingKey != null && pendingKey.contains("/subnets/") && "get".equals(cmd.verb())) {
            try {
                listed.putIfAbsent(LeasesText.subnetOfKey(pendingKey), line);
            } catch (IllegalArgumentException ignored) {
                // a key that names no subnet was reported where it was read
            }
        }
    }

    /** Unclosed braces in a JSON value (strings are not looked into: lease values hold no braces in strings). */
    private static int depth(CharSequence s) {
        int d = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{') d++;
            else if (c == '}') d--;
        }
        return d;
    }
}
