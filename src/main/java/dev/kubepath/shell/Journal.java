package dev.kubepath.shell;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * journalctl's short output (systemd 219 to 245, CentOS 7's): the header naming the journal's first and last entry
 * times, then each entry as {@code Oct 05 06:27:03 HOST UNIT[PID]: MESSAGE}. A klog line carries its own time and
 * the process id ({@code I1005 06:27:03.438225 1189617 file.go:79] ...}), which the entry's prefix repeats; other
 * daemons' lines (dockerd's logrus lines, systemd's own) are kept as {@code INSTANT IDENT[PID]: MESSAGE}. Checked
 * against public output by JournalTest.
 */
final class Journal {
    private static final DateTimeFormatter HEADER = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter PREFIX = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    private static final Pattern KLOG = Pattern.compile("[IWEF](\\d{2})(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})\\.(\\d{6}) +(\\d+) .*");
    private static final Pattern STAMPED = Pattern.compile("(\\S+) (\\S+\\[\\d+]): (.*)");

    private Journal() {}

    /** One entry: when it was written and the line journalctl prints for it. */
    record Entry(Instant at, String text) {}

    static String header(Instant begin, Instant end) {
        return "-- Logs begin at " + HEADER.format(begin) + ", end at " + HEADER.format(end) + ". --\n";
    }

    /** The entry for one klog line that {@code unit} on {@code host} wrote: its time and pid read from the line. */
    static String entry(String host, String unit, String klog) {
        if (!klog.matches("[IWEF]\\d{4} \\d{2}:\\d{2}:\\d{2}\\.\\d{6} +\\d+ .*")) {
            throw new IllegalArgumentException("not a klog line: " + klog);
        }
        int month = Integer.parseInt(klog.substring(1, 3));
        String day = klog.substring(3, 5);
        String time = klog.substring(6, 14);
        String pid = klog.substring(21).strip().split(" ")[0];
        return String.format(Locale.ROOT, "%s %s %s %s %s[%s]: %s%n", MONTHS[month - 1], day, time, host, unit, pid, klog);
    }

    /**
     * The entries of one unit's lines, oldest first. A klog line has no year: it is the year of {@code end} (the
     * journal's last entry), or the one before for a date after it.
     */
    static List<Entry> entries(String host, String unit, List<String> lines, Instant end) {
        List<Entry> out = new ArrayList<>();
        int year = end.atZone(ZoneOffset.UTC).getYear();
        for (String l : lines) {
            Matcher k = KLOG.matcher(l);
            if (k.matches()) {
                LocalDateTime t = LocalDateTime.of(year, Integer.parseInt(k.group(1)), Integer.parseInt(k.group(2)), Integer.parseInt(k.group(3)),
                        Integer.parseInt(k.group(4)), Integer.parseInt(k.group(5)), Integer.parseInt(k.group(6)) * 1000);
                Instant at = t.toInstant(ZoneOffset.UTC);
                if (at.isAfter(end)) at = t.minusYears(1).toInstant(ZoneOffset.UTC);
                out.add(new Entry(at, entry(host, unit, l)));
                continue;
            }
            Matcher s = STAMPED.matcher(l);
            if (!s.matches()) throw new IllegalArgumentException("not a journal line: " + l);
            Instant at = Instant.parse(s.group(1));
            out.add(new Entry(at, PREFIX.format(at) + " " + host + " " + s.group(2) + ": " + s.group(3) + "\n"));
        }
        return out;
    }

    /** {@code journalctl -u UNIT}: the header, then the entries, or systemd's line for none. */
    static String render(List<Entry> entries, Instant begin, Instant end) {
        StringBuilder sb = new StringBuilder(header(begin, end));
        if (entries.isEmpty()) return sb.append("-- No entries --\n").toString();
        for (Entry e : entries) sb.append(e.text());
        return sb.toString();
    }

    /** {@code journalctl -u UNIT} of klog lines: the header, then the unit's entries, or systemd's line for none. */
    static String unit(String host, String unit, List<String> klogLines, Instant begin, Instant end) {
        return render(entries(host, unit, klogLines, end), begin, end);
    }
}
