package dev.kubepath.shell;

import dev.kubepath.dataplane.Wire;
import dev.kubepath.net.Protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * The packets a probe exchanges, in time order, each travelling the way the tracer found for its direction
 * ({@code reply}: the answer's way). The tracer follows one packet each way; the rest of the exchange is what the
 * two kernels send on that path: ping's echoes one a second; curl -I's TCP handshake, request, answer and closing
 * (HTTP/1.0: the server closes), or a SYN the kernel sends again on the seed's CentOS 7 schedule (tcp_syn_retries 6:
 * at 0, 1, 3, 7, 15, 31 and 63 s) when nothing answers, or a SYN answered by RST. Windows, MSS and window scale are
 * what the lab's kernel sent in TcpdumpGoldenTest's capture (65535 rounded down to the MSS, the answer's to the MSS
 * less the timestamp option; scale 10; 64 after the handshake); sequence numbers and timestamps are drawn from a
 * hash of the connection, so a replayed session prints the same.
 */
record Exchange(List<Segment> segments) {
    /**
     * One packet: its direction, its time after the probe started, and what tcpdump prints of it. {@code attempt}
     * counts a SYN sent again (the kernel picks a new outer UDP port for each).
     */
    record Segment(boolean reply, long micros, String flags, long seq, long ack, int length, int window, String options,
                   String payload, int icmpId, int icmpSeq, int attempt) {}

    /** The SYN schedule of the seed's kernel (3.10, tcp_syn_retries = 6), in seconds after the first. */
    static final int[] SYN_RETRIES = {0, 1, 3, 7, 15, 31, 63};
    static final int WSCALE = 10;
    private static final int STEP_MICROS = 100;

    /** ping -c N with payload bytes each; an echo reply follows each request on the answer's way, where it got. */
    static Exchange ping(int count, int payload, int id) {
        List<Segment> s = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            long at = (i - 1) * 1_000_000L;
            s.add(new Segment(false, at, null, 0, 0, payload + 8, 0, null, null, id, i, 0));
            s.add(new Segment(true, at + 246, null, 0, 0, payload + 8, 0, null, null, id, i, 0));
        }
        return new Exchange(s);
    }

    /** How the connection went, as the trace decided it. */
    enum Outcome { ANSWERED, RESET, SILENT, ONCE }

    /**
     * curl -I's connection. {@code request} and {@code response} are the HTTP bytes (their first lines are what
     * tcpdump prints on port 80); {@code key} seeds the sequence numbers and timestamps; {@code start} is the
     * probe's time in milliseconds (TCP timestamps count milliseconds).
     */
    static Exchange curl(Outcome outcome, int clientMss, int serverMss, String request, String response, long key, long startMillis) {
        long c = (key * 2654435761L) & 0xffffffffL, s = (key * 40503L + 977) & 0xffffffffL;
        long tc = (startMillis + key) & 0xffffffffL, ts = (startMillis + key * 7) & 0xffffffffL;
        String synOptions = "mss %d,sackOK,TS val %d ecr %d,nop,wscale " + WSCALE;
        List<Segment> out = new ArrayList<>();
        if (outcome == Outcome.SILENT || outcome == Outcome.ONCE) {
            int tries = outcome == Outcome.ONCE ? 1 : SYN_RETRIES.length;
            for (int i = 0; i < tries; i++) {
                long at = SYN_RETRIES[i] * 1_000_000L;
                long val = (tc + SYN_RETRIES[i] * 1000L) & 0xffffffffL;
                out.add(new Segment(false, at, "S", c, 0, 0, window(clientMss), fmt(synOptions, clientMss, val, 0), null, 0, 0, i));
                // where the SYN got through and the answer was lost on its way back, the answer is seen as far as it got
                out.add(new Segment(true, at + 50, "S.", s, c + 1, 0, window(serverMss - 12), fmt(synOptions, serverMss, ts, val), null, 0, 0, i));
            }
            return new Exchange(out);
        }
        out.add(new Segment(false, 0, "S", c, 0, 0, window(clientMss), fmt(synOptions, clientMss, tc, 0), null, 0, 0, 0));
        if (outcome == Outcome.RESET) {
            out.add(new Segment(true, STEP_MICROS, "R.", 0, c + 1, 0, 0, null, null, 0, 0, 0));
            return new Exchange(out);
        }
        out.add(new Segment(true, STEP_MICROS, "S.", s, c + 1, 0, window(serverMss - 12), fmt(synOptions, serverMss, ts, tc), null, 0, 0, 0));
        int q = request.length(), r = response.length();
        String ack = "nop,nop,TS val %d ecr %d";
        Object[][] rest = {
            {false, ".", c + 1, s + 1, 0, null},
            {false, "P.", c + 1, s + 1, q, firstLine(request)},
            {true, ".", s + 1, c + 1 + q, 0, null},
            {true, "P.", s + 1, c + 1 + q, r, firstLine(response)},
            {false, ".", c + 1 + q, s + 1 + r, 0, null},
            {true, "F.", s + 1 + r, c + 1 + q, 0, null},
            {false, "F.", c + 1 + q, s + 2 + r, 0, null},
            {true, ".", s + 2 + r, c + 2 + q, 0, null},
        };
        int step = 2;
        for (Object[] x : rest) {
            if (r == 0 && ((int) x[4] > 0 && (boolean) x[0] || x[2].equals(c + 1 + q) && x[1].equals(".") && !(boolean) x[0])) continue; // an empty reply: no answer to send or acknowledge
            boolean reply = (boolean) x[0];
            String options = reply ? fmt(ack, ts, tc) : fmt(ack, tc, ts);
            out.add(new Segment(reply, (long) step++ * STEP_MICROS, (String) x[1], (long) x[2] & 0xffffffffL, (long) x[3] & 0xffffffffL,
                    (int) x[4], 64, options, (String) x[5], 0, 0, 0));
        }
        return new Exchange(out);
    }

    /** Linux's first window: 65535 rounded down to a multiple of the segment size. */
    private static int window(int mss) {
        return 65535 / mss * mss;
    }

    private static String fmt(String f, Object... args) {
        return String.format(java.util.Locale.ROOT, f, args);
    }

    private static String firstLine(String http) {
        int end = http.indexOf("\r\n");
        return end < 0 ? http : http.substring(0, end);
    }

    /**
     * The outer UDP source port the sending kernel takes for a VXLAN packet: a hash of the inner flow in the range of
     * ip_local_port_range (32768-60999). An ICMP flow hashes the same both ways (the lab's echo and reply shared one
     * port); a TCP socket's hash is its own per direction, and a SYN sent again draws a new one (as in the capture).
     */
    static int outerPort(Wire.Crossing x, Segment s) {
        long h;
        if (x.protocol() == Protocol.ICMP) {
            long a = x.src().bits() & 0xffffffffL, b = x.dst().bits() & 0xffffffffL;
            h = Math.min(a, b) * 31 + Math.max(a, b);
        } else {
            h = ((x.src().bits() & 0xffffffffL) * 31 + x.sport()) * 31 + (x.dst().bits() & 0xffffffffL) * 17 + x.dport() + s.attempt() * 7919L;
        }
        h ^= h >>> 17;
        h *= 0x9E3779B97F4A7C15L;
        return 32768 + (int) Long.remainderUnsigned(h, 28232);
    }
}
