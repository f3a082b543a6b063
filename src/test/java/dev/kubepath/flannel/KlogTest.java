package dev.kubepath.flannel;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Klog#line} writes glog's layout digit by digit: it must print exactly what glog's format
 * ({@code Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg}, the thread id padded to 7) gives, for any time and pid,
 * as String.format spells that layout.
 */
class KlogTest {
    private static String byFormat(char severity, Instant at, int pid, String fileLine, String message) {
        var t = at.atZone(java.time.ZoneOffset.UTC);
        String file = fileLine.substring(fileLine.lastIndexOf('/') + 1);
        return String.format(Locale.ROOT, "%c%02d%02d %02d:%02d:%02d.%06d %7d %s] %s", severity, t.getMonthValue(),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1000, pid, file, message);
    }

    @Test
    void everyFieldIsPaddedAsGlogPadsIt() {
        Random r = new Random(15);
        int[] pids = {1, 9, 10, 999, 1000, 31000, 1234567, 12345678};
        for (int i = 0; i < 2_000; i++) {
            Instant at = Instant.ofEpochSecond(r.nextLong(4_102_444_800L), r.nextInt(1_000_000_000));
            int pid = i < pids.length ? pids[i] : r.nextInt(100_000);
            char severity = "IWEF".charAt(r.nextInt(4));
            assertThat(Klog.line(severity, at, pid, Klog.VXLAN_ADDED, "Subnet added: 10.244." + i + ".0/24"))
                    .isEqualTo(byFormat(severity, at, pid, Klog.VXLAN_ADDED, "Subnet added: 10.244." + i + ".0/24"));
        }
        // a line of a real flanneld's journal (flannel#959, src/test/resources/shell/journalctl/SOURCE.md), the year not printed
        assertThat(Klog.line('I', Instant.parse("2019-03-07T20:20:26.686376Z"), 1, "flannel/main.go:352",
                "Found network config - Backend type: vxlan"))
                .isEqualTo("I0307 20:20:26.686376       1 main.go:352] Found network config - Backend type: vxlan");
    }
}
