package dev.kubepath.shell;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * journalctl's short output (systemd 219 to 245, CentOS 7's): the header naming the journal's first and last entry
 * times, then each entry as {@code Oct 05 06:27:03 HOST UNIT[PID]: MESSAGE}. A klog line carries its own time and
 * the process id ({@code I1005 06:27:03.438225 1189617 file.go:79] ...}), which the entry's prefix repeats. Checked
 * against public output by JournalTest.
 */
final class Journal {
    private static final DateTimeFormatter HEADER = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    private Journal() {}

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

    /** {@code journalctl -u UNIT}: the header, then the unit's entries, or systemd's line for none. */
    static String unit(String host, String unit, List<String> klogLines, Instant begin, Instant end) {
        StringBuilder sb = new StringBuilder(header(begin, end));
        if (klogLines.isEmpty()) return sb.append("-- No entries --\n").toString();
        for (String l : klogLines) sb.append(entry(host, unit, l));
        return sb.toString();
    }
}
