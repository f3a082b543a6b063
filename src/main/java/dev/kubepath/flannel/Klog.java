package dev.kubepath.flannel;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * flanneld's own log lines, as glog writes them ({@code Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg}, the thread
 * id padded to 7), with the messages and file:line of flannel v0.7.1 (the release CentOS 7 ships): written by the
 * simulated agent when the event happens, stamped with the simulation's clock so a replay prints the same lines.
 * The vxlan backend's "Subnet added/removed" and "Handling initial subnet events" are glog V(1): a real flanneld
 * prints them only with {@code -v=1} or more, which the simulated one is taken to run with (docs/shell.md says so).
 */
public final class Klog {
    private Klog() {}

    /** network/manager.go:250, once the backend holds a lease. */
    public static final String LEASE_ACQUIRED = "network/manager.go:250";
    /** network/network.go:160, after each renewal. */
    public static final String LEASE_RENEWED = "network/network.go:160";
    /** network/network.go:155. */
    public static final String RENEW_FAILED = "network/network.go:155";
    /** network/network.go:170, a Warning. */
    public static final String LEASE_REVOKED = "network/network.go:170";
    /** subnet/watch.go:43, an Error, each time the watch on the registry fails. */
    public static final String WATCH_FAILED = "subnet/watch.go:43";
    /** backend/vxlan/network.go:118 / :134 and :159 (V(1)); backend/hostgw/network.go:83 / :122 (Info). */
    public static final String VXLAN_ADDED = "backend/vxlan/network.go:118", VXLAN_REMOVED = "backend/vxlan/network.go:134",
            VXLAN_INITIAL = "backend/vxlan/network.go:159", HOSTGW_ADDED = "backend/hostgw/network.go:83",
            HOSTGW_REMOVED = "backend/hostgw/network.go:122";

    /**
     * Where a daemon's klog lines go, unformatted: a simulated cluster keeps the message text once for all the nodes
     * that write it and lays out the line ({@link #line}) only when it is read.
     */
    @FunctionalInterface
    public interface Sink {
        void line(char severity, Instant at, int pid, String fileLine, String message);
    }

    /**
     * One line; {@code severity} is glog's I, W, E or F. Written digit by digit, not with String.format: every agent
     * logs "Subnet added" for every other lease, so a 1,000-node simulation writes a million of these lines at boot,
     * and parsing the format string each time was a seventh of the boot. Same text as
     * {@code "%c%02d%02d %02d:%02d:%02d.%06d %7d %s] %s"} (KlogTest).
     */
    public static String line(char severity, Instant at, int pid, String fileLine, String message) {
        String file = fileLine.substring(fileLine.lastIndexOf('/') + 1); // glog prints the base name only
        String p = Integer.toString(pid);
        return new StringBuilder(32 + file.length() + message.length()).append(severity).append(stamp(at))
                .append(' ').repeat(' ', Math.max(0, 7 - p.length())).append(p)
                .append(' ').append(file).append("] ").append(message).toString();
    }

    /** The time of the last line: a settle of the simulation logs thousands of lines at one instant. */
    private record Stamp(Instant at, String text) {}

    private static volatile Stamp last;

    /** {@code mmdd hh:mm:ss.uuuuuu}. */
    private static String stamp(Instant at) {
        Stamp s = last;
        if (s != null && s.at().equals(at)) return s.text();
        ZonedDateTime t = at.atZone(ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(20);
        zeroPadded(sb, t.getMonthValue(), 2);
        zeroPadded(sb, t.getDayOfMonth(), 2);
        zeroPadded(sb.append(' '), t.getHour(), 2);
        zeroPadded(sb.append(':'), t.getMinute(), 2);
        zeroPadded(sb.append(':'), t.getSecond(), 2);
        zeroPadded(sb.append('.'), t.getNano() / 1000, 6);
        last = new Stamp(at, sb.toString());
        return sb.toString();
    }

    /** {@code %0Nd} of a value that is not negative. */
    private static void zeroPadded(StringBuilder sb, int value, int width) {
        String v = Integer.toString(value);
        sb.repeat('0', Math.max(0, width - v.length())).append(v);
    }

    /** Go's time.Time.String() of a lease expiration: {@code 2016-08-08 14:54:13.120058 +0000 UTC}, zeros trimmed. */
    public static String goTime(Instant at) {
        ZonedDateTime t = at.atZone(ZoneOffset.UTC);
        String frac = t.getNano() == 0 ? "" : ("." + String.format(Locale.ROOT, "%09d", t.getNano())).replaceAll("0+$", "");
        return String.format(Locale.ROOT, "%04d-%02d-%02d %02d:%02d:%02d%s +0000 UTC", t.getYear(), t.getMonthValue(),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), frac);
    }
}
