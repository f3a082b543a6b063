package dev.kubepath.ingest;

import dev.kubepath.net.Ipv4;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a probe typed in a pasted session showed: a {@code curl} or {@code ping} to an address and how it ended, in
 * the tools' own words. Pasted sessions nearly always carry the failing probe that made the operator look; it is
 * an observed symptom, which the doctor holds against its own trace of the same flow.
 *
 * <p>Only what the output says is taken: a curl that printed nothing (with {@code -s}, or cut from the paste) says
 * nothing, and a probe to a name rather than an address is not judged (which address the name had is not shown).
 */
public final class ProbeText {
    private ProbeText() {}

    /**
     * A probe seen in the session: from {@code host} (null where no prompt names it), {@code tool} curl or ping, to
     * {@code ip} (and {@code port}, 0 for ping), ending {@code result}: ok, timeout, refused, unreachable, reset or
     * failed (curl's words do not say which), at session line {@code line} saying {@code said}; {@code earlier} when
     * the session shows again, after it, state it had shown before: the snapshot holds the later state.
     */
    public record Observed(String host, String tool, String command, Ipv4 ip, int port, String result, int line, String said, boolean earlier) {
        public Observed(String host, String tool, String command, Ipv4 ip, int port, String result, int line, String said) {
            this(host, tool, command, ip, port, result, line, said, false);
        }

        /** The same probe, seen before the session showed again some state it had shown (its snapshot is of later). */
        public Observed beforeRestated() {
            return new Observed(host, tool, command, ip, port, result, line, said, true);
        }

        public boolean failed() {
            return !"ok".equals(result);
        }

        public String target() {
            return port == 0 ? ip.toString() : ip + ":" + port;
        }
    }

    /** curl's options that take a value (the URL is the operand that is not one of their values). */
    private static final Set<String> CURL_VALUED = Set.of("-m", "--max-time", "--connect-timeout", "-o", "--output", "-w", "--write-out",
            "-H", "--header", "-X", "--request", "-d", "--data", "-u", "--user", "-A", "--user-agent", "-e", "--referer", "--resolve",
            "-x", "--proxy", "--interface", "-b", "--cookie", "-c", "--cookie-jar", "--cacert", "--cert", "--key", "-T", "--upload-file",
            "--retry", "-r", "--range", "-Y", "-y", "--local-port", "--data-raw", "--data-binary");
    private static final Pattern URL = Pattern.compile("^(?:(https?)://)?(\\d{1,3}(?:\\.\\d{1,3}){3})(?::(\\d{1,5}))?(?:[/?#].*)?$");
    /**
     * curl's error line. Without -s, curl's progress meter is its last line before the error, and it ends in no newline,
     * so the error is pasted on the meter's line ({@code ... --:--:--     0curl: (7) Failed to connect ...},
     * kubeadm#139): what precedes it may be meter characters only.
     */
    private static final Pattern CURL_ERROR = Pattern.compile("^[\\d\\s:.kMG-]*?(curl: \\((\\d+)\\) (.*))$");
    private static final Pattern PING_SUMMARY = Pattern.compile("^(\\d+) packets transmitted, (\\d+) (?:packets )?received");
    private static final Pattern PING_UNREACHABLE = Pattern.compile("Destination (Host|Net|Port) Unreachable");

    /** The probe a command and its output lines show, if it is a curl or ping to an address whose end the output says. */
    public static Optional<Observed> of(String host, Command c, List<Transcript.Line> output) {
        if (c == null || output.isEmpty()) return Optional.empty();
        return switch (c.tool()) {
            case "curl" -> curl(host, c, output);
            case "ping" -> ping(host, c, output);
            default -> Optional.empty();
        };
    }

    private static Optional<Observed> curl(String host, Command c, List<Transcript.Line> output) {
        Matcher url = null;
        List<String> args = c.args();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (CURL_VALUED.contains(a)) {
                i++;
                continue;
            }
            if (a.startsWith("-")) continue;
            Matcher m = URL.matcher(a.replaceAll("^['\"]|['\"]$", ""));
            if (m.matches()) url = m;
            break;
        }
        if (url == null) return Optional.empty();
        Ipv4 ip = address(url.group(2));
        if (ip == null) return Optional.empty();
        int port = url.group(3) != null ? Integer.parseInt(url.group(3)) : "https".equals(url.group(1)) ? 443 : 80;
        for (Transcript.Line l : output) {
            Matcher e = CURL_ERROR.matcher(l.text().strip());
            if (!e.matches()) continue;
            String said = e.group(3);
            String result = switch (Integer.parseInt(e.group(2))) {
                case 28 -> "timeout";
                case 7 -> said.contains("refused") ? "refused" : said.contains("No route to host") || said.contains("unreachable") ? "unreachable"
                        : said.contains("timed out") ? "timeout" : "failed";
                case 52 -> "ok"; // "Empty reply from server": a connection was made, and closed
                case 56 -> "reset";
                default -> "failed";
            };
            return Optional.of(new Observed(host, "curl", c.raw(), ip, port, result, l.number(), e.group(1)));
        }
        // no error line and some output: an answer (a body, a header, or -w's code)
        Transcript.Line first = output.get(0);
        if (first.text().strip().equals("000")) return Optional.of(new Observed(host, "curl", c.raw(), ip, port, "failed", first.number(), "000"));
        return Optional.of(new Observed(host, "curl", c.raw(), ip, port, "ok", first.number(), first.text().strip()));
    }

    private static Optional<Observed> ping(String host, Command c, List<Transcript.Line> output) {
        Ipv4 ip = null;
        List<String> args = c.args();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.matches("-[cWwIisQtl]")) {
                i++;
                continue;
            }
            if (a.startsWith("-")) continue;
            ip = address(a);
            break;
        }
        if (ip == null) return Optional.empty();
        boolean unreachable = false;
        for (Transcript.Line l : output) {
            String t = l.text().strip();
            if (PING_UNREACHABLE.matcher(t).find()) unreachable = true;
            Matcher m = PING_SUMMARY.matcher(t);
            if (!m.find()) continue;
            String result = Integer.parseInt(m.group(2)) > 0 ? "ok" : unreachable ? "unreachable" : "timeout";
            return Optional.of(new Observed(host, "ping", c.raw(), ip, 0, result, l.number(), t));
        }
        return Optional.empty();
    }

    private static Ipv4 address(String text) {
        try {
            return Ipv4.parse(text);
        } catch (IllegalArgumentException e) {
            return null; // a name, or not an address: not judged
        }
    }
}
