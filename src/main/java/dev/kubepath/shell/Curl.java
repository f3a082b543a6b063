package dev.kubepath.shell;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * curl's command line, the part the shell answers (curl 7.29, CentOS 7's, whose words and exit codes these are):
 * {@code -I}, {@code -s}, {@code -S}, {@code -m|--max-time SECONDS}, {@code --connect-timeout SECONDS},
 * {@code -o /dev/null}, {@code -w FORMAT} ({@code %{http_code}}, {@code %{response_code}}, {@code \n}), and the
 * harmless {@code -k}, {@code -L}. With a time limit a connection the network never answers ends after it with
 * {@code curl: (28) Connection timed out after N milliseconds} (N the limit plus 1, as public runs print it: the
 * simulation has no clock inside a command); without one the kernel gives up first and curl says (7) ... Connection
 * timed out. An unknown option is refused in curl's words (exit 2).
 */
record Curl(String url, boolean head, boolean silent, boolean showError, BigDecimal timeout, boolean discard, String writeOut) {
    private static final String TRY = "curl: try 'curl --help' or 'curl --manual' for more information\n";
    /** Options curl 7.29 has that the simulation does not answer: refused in one line rather than ignored. */
    private static final List<String> OTHER = List.of("-v", "--verbose", "-X", "--request", "-H", "--header", "-d", "--data", "-x", "--proxy",
            "-u", "--user", "-A", "--user-agent", "-i", "--include", "-b", "--cookie", "-c", "--cookie-jar", "-F", "--form", "-T", "--upload-file",
            "--resolve", "--interface", "-4", "-6", "--ipv4", "--ipv6", "-O", "--remote-name", "--retry", "-D", "--dump-header", "--trace",
            "--trace-ascii", "-G", "--get", "-e", "--referer", "-r", "--range", "--limit-rate", "-Y", "-y", "--http1.0", "-0", "-N", "--no-buffer");

    static Curl parse(List<String> args) {
        String url = null, writeOut = null;
        boolean head = false, silent = false, showError = false, discard = false;
        BigDecimal maxTime = null, connectTimeout = null;
        for (int i = 0; i < args.size(); i++) {
            String w = args.get(i);
            if (!w.startsWith("-") || w.equals("-")) {
                if (url == null) url = w;
                continue;
            }
            switch (w) {
                case "-I", "--head" -> head = true;
                case "-s", "--silent" -> silent = true;
                case "-S", "--show-error" -> showError = true;
                case "-k", "--insecure", "-L", "--location" -> { }
                case "-m", "--max-time" -> maxTime = seconds(w, value(args, ++i, w));
                case "--connect-timeout" -> connectTimeout = seconds(w, value(args, ++i, w));
                case "-w", "--write-out" -> writeOut = value(args, ++i, w);
                case "-o", "--output" -> {
                    String file = value(args, ++i, w);
                    if (!file.equals("/dev/null")) {
                        throw new ToolError("kubepath shell: curl -o " + file + ": the simulated hosts have no files to write; only discarding the response is simulated\n", 2);
                    }
                    discard = true;
                }
                default -> {
                    if (w.length() > 2 && w.matches("-[IsSkL]*[mow].*|-[IsSkL]+")) {
                        // short options joined as curl reads them (-sS, -sSm5, -so/dev/null): split and read again
                        List<String> again = new java.util.ArrayList<>(args.subList(0, i));
                        again.addAll(split(w));
                        again.addAll(args.subList(i + 1, args.size()));
                        return parse(again);
                    } else if (OTHER.contains(w) || OTHER.contains(w.replaceFirst("=.*", ""))) {
                        throw new ToolError("kubepath shell: curl " + w + " is not simulated (-I, -s, -S, -m, --max-time, --connect-timeout, -o, -w are)\n", 2);
                    } else {
                        throw new ToolError("curl: option " + w + ": is unknown\n" + TRY, 2);
                    }
                }
            }
        }
        if (url == null) throw new ToolError("curl: no URL specified!\n" + TRY, 2);
        BigDecimal timeout = maxTime == null ? connectTimeout : connectTimeout == null ? maxTime : maxTime.min(connectTimeout);
        return new Curl(url, head, silent, showError, timeout, discard, writeOut);
    }

    /** {@code -sSm5} as {@code -s -S -m 5}: flags up to the first option that takes a value, which takes the rest. */
    private static List<String> split(String w) {
        List<String> out = new java.util.ArrayList<>();
        for (int k = 1; k < w.length(); k++) {
            char c = w.charAt(k);
            out.add("-" + c);
            if ("mow".indexOf(c) >= 0) {
                if (k + 1 < w.length()) out.add(w.substring(k + 1));
                return out;
            }
        }
        return out;
    }

    private static String value(List<String> args, int i, String option) {
        if (i < args.size()) return args.get(i);
        throw new ToolError("curl: option " + option + ": requires parameter\n" + TRY, 2);
    }

    private static BigDecimal seconds(String option, String s) {
        if (!s.matches("\\d+(\\.\\d+)?")) throw new ToolError("curl: option " + option + ": expected a proper numerical parameter\n" + TRY, 2);
        return new BigDecimal(s);
    }

    /** What a timed-out connection prints with a limit set: the limit in milliseconds, plus the one curl's clock shows past it. */
    String timedOut() {
        long ms = timeout.multiply(BigDecimal.valueOf(1000)).longValue() + 1;
        return String.format(Locale.ROOT, "curl: (28) Connection timed out after %d milliseconds", ms);
    }

    /**
     * The output of one transfer: {@code head} the response's header (null when there was none), {@code code} the
     * HTTP status (0: none), {@code error} curl's message (null: none), {@code exit} its exit code. Errors go to
     * standard error unless -s without -S silences them; -w is written last, to standard output.
     */
    String render(String header, int code, String error, int exit) {
        StringBuilder out = new StringBuilder();
        if (header != null && !discard) out.append(header);
        if (writeOut != null) out.append(writeOut(code));
        if (exit == 0) return out.toString();
        String err = error != null && (!silent || showError) ? error + "\n" : "";
        throw new ToolError(err + out, exit);
    }

    /** -w's variables: http_code and response_code (000 when no response came), and \n, \r, \t, %%. */
    private String writeOut(int code) {
        StringBuilder sb = new StringBuilder();
        String f = writeOut;
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c == '\\' && i + 1 < f.length()) {
                char n = f.charAt(++i);
                sb.append(switch (n) {
                    case 'n' -> "\n";
                    case 'r' -> "\r";
                    case 't' -> "\t";
                    default -> "\\" + n;
                });
            } else if (c == '%' && f.startsWith("%%", i)) {
                sb.append('%');
                i++;
            } else if (c == '%' && f.startsWith("%{", i) && f.indexOf('}', i) > 0) {
                String var = f.substring(i + 2, f.indexOf('}', i));
                i = f.indexOf('}', i);
                if (!var.equals("http_code") && !var.equals("response_code")) {
                    throw new ToolError("kubepath shell: curl -w %{" + var + "} is not simulated (%{http_code} is)\n", 2);
                }
                sb.append(String.format(Locale.ROOT, "%03d", code));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
