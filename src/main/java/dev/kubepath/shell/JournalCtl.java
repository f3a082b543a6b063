package dev.kubepath.shell;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * journalctl's command line (systemd 219, CentOS 7's): {@code -u UNIT}, {@code -n N} (or {@code --lines=N}; alone,
 * 10), {@code --since TIME} ({@code -S}), {@code -f} ({@code --follow}: the last 10 entries unless -n says otherwise),
 * {@code --no-pager}, {@code -l}, {@code --full}. Times are the simulation's, in UTC (the hosts' zone in the
 * simulation). An option journalctl does not have is refused in getopt's words; one it has that the simulation does
 * not answer, in one line saying so.
 */
final class JournalCtl {
    /** What was asked: the unit, how many of the last entries (null: all), from when (null: the start), -f. */
    record Options(String unit, Integer lines, Instant since, boolean follow) {}

    /** journalctl 219's options that take an argument, short and long, which the simulation does not answer. */
    private static final Set<String> OTHER_LONG = Set.of("--boot", "--dmesg", "--priority", "--output", "--reverse", "--pager-end", "--all",
            "--quiet", "--catalog", "--identifier", "--until", "--disk-usage", "--list-boots", "--directory", "--file", "--machine", "--merge",
            "--user", "--system", "--user-unit", "--field", "--cursor", "--after-cursor", "--show-cursor", "--this-boot", "--vacuum-size",
            "--vacuum-time", "--flush", "--rotate", "--verify", "--header", "--setup-keys", "--interval", "--force", "--utc", "--help", "--version");
    private static final String OTHER_SHORT = "abcehkmopqrtxADFMNU";

    private JournalCtl() {}

    static Options parse(List<String> args, Instant now) {
        String unit = null;
        Integer lines = null;
        Instant since = null;
        boolean follow = false;
        for (int i = 0; i < args.size(); i++) {
            String w = args.get(i);
            String name = w.startsWith("--") && w.contains("=") ? w.substring(0, w.indexOf('=')) : w;
            String inline = w.startsWith("--") && w.contains("=") ? w.substring(w.indexOf('=') + 1) : null;
            switch (name) {
                case "-u", "--unit" -> unit = inline != null ? inline : argument(args, ++i, name);
                case "-S", "--since" -> since = timestamp(inline != null ? inline : argument(args, ++i, name), now);
                case "--lines" -> lines = lines(inline != null ? inline : "10");
                case "-n" -> lines = i + 1 < args.size() && args.get(i + 1).matches("\\d+") ? lines(args.get(++i)) : 10;
                case "-f", "--follow" -> follow = true;
                case "--no-pager", "-l", "--full" -> { }
                default -> {
                    if (w.matches("-n\\d+")) lines = lines(w.substring(2));
                    else if (w.matches("-u.+")) unit = w.substring(2);
                    else if (w.matches("-[fl]+")) follow |= w.contains("f");
                    else if (OTHER_LONG.contains(name) || w.matches("-[" + OTHER_SHORT + "].*")) {
                        throw new ToolError("kubepath shell: journalctl " + w + " is not simulated (-u UNIT, -n N, --since, -f, --no-pager, -l are)\n", 1);
                    } else if (w.startsWith("--")) {
                        throw new ToolError("journalctl: unrecognized option '" + name + "'\n", 1);
                    } else if (w.startsWith("-") && w.length() > 1) {
                        throw new ToolError("journalctl: invalid option -- '" + w.charAt(1) + "'\n", 1);
                    } else {
                        throw new ToolError("kubepath shell: journalctl's match arguments (" + w + ") are not simulated; use -u UNIT\n", 1);
                    }
                }
            }
        }
        if (unit == null) throw new ToolError("kubepath shell: journalctl without -u UNIT is not simulated\n", 1);
        return new Options(unit, follow && lines == null ? Integer.valueOf(10) : lines, since, follow);
    }

    private static String argument(List<String> args, int i, String option) {
        if (i < args.size()) return args.get(i);
        throw new ToolError(option.startsWith("--") ? "journalctl: option '" + option + "' requires an argument\n"
                : "journalctl: option requires an argument -- '" + option.charAt(1) + "'\n", 1);
    }

    private static int lines(String s) {
        if (!s.matches("\\d{1,9}")) throw new ToolError("Failed to parse lines '" + s + "'\n", 1);
        return Integer.parseInt(s);
    }

    private static final Pattern AGO = Pattern.compile("((?:\\d+ *[a-zA-Z]+ *)+) ago|-((?:\\d+ *[a-zA-Z]+ *)+)|\\+((?:\\d+ *[a-zA-Z]+ *)+)");
    private static final Pattern SPAN = Pattern.compile("(\\d+) *([a-zA-Z]+)");

    /**
     * systemd's parse_timestamp: {@code YYYY-MM-DD [HH:MM[:SS]]}, {@code HH:MM[:SS]} (today), {@code now}, {@code today},
     * {@code yesterday}, {@code tomorrow}, {@code N UNIT ago}, {@code -N UNIT}, {@code +N UNIT}; anything else is
     * refused as journalctl refuses it.
     */
    static Instant timestamp(String text, Instant now) {
        String t = text.strip();
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        try {
            switch (t) {
                case "now" -> { return now; }
                case "today" -> { return today.atStartOfDay().toInstant(ZoneOffset.UTC); }
                case "yesterday" -> { return today.minusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC); }
                case "tomorrow" -> { return today.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC); }
                default -> { }
            }
            Matcher ago = AGO.matcher(t);
            if (ago.matches()) {
                Duration d = span(ago.group(1) != null ? ago.group(1) : ago.group(2) != null ? ago.group(2) : ago.group(3));
                return ago.group(3) != null ? now.plus(d) : now.minus(d);
            }
            if (t.matches("\\d{4}-\\d{2}-\\d{2}")) return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
            if (t.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}(:\\d{2})?")) {
                return LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            }
            if (t.matches("\\d{2}:\\d{2}(:\\d{2})?")) return LocalDateTime.of(today, LocalTime.parse(t)).toInstant(ZoneOffset.UTC);
        } catch (java.time.DateTimeException | ArithmeticException e) {
            // an impossible date or hour: refused below, as systemd refuses it
        }
        throw new ToolError("Failed to parse timestamp: " + text + "\n", 1);
    }

    /** systemd's time spans: us, ms, s/sec, m/min, h/hr/hour, d/day, w/week, M/month, y/year (and plurals). */
    private static Duration span(String text) {
        Duration d = Duration.ZERO;
        Matcher m = SPAN.matcher(text);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "us", "usec" -> Duration.ofNanos(n * 1000);
                case "ms", "msec" -> Duration.ofMillis(n);
                case "s", "sec", "second", "seconds" -> Duration.ofSeconds(n);
                case "m", "min", "minute", "minutes" -> Duration.ofMinutes(n);
                case "h", "hr", "hour", "hours" -> Duration.ofHours(n);
                case "d", "day", "days" -> Duration.ofDays(n);
                case "w", "week", "weeks" -> Duration.ofDays(7 * n);
                case "M", "month", "months" -> Duration.ofSeconds(n * 2_629_800); // systemd's month: 30.44 days
                case "y", "year", "years" -> Duration.ofSeconds(n * 31_557_600);  // and its year: 365.25 days
                default -> throw new java.time.DateTimeException(m.group(2));
            });
        }
        return d;
    }

    /** The entries asked for: those since {@code --since}, then the last {@code -n}. */
    static List<Journal.Entry> select(List<Journal.Entry> entries, Options o) {
        List<Journal.Entry> out = o.since() == null ? entries : entries.stream().filter(e -> !e.at().isBefore(o.since())).toList();
        if (o.lines() != null && out.size() > o.lines()) out = out.subList(out.size() - o.lines(), out.size());
        return out;
    }

}
