package dev.kubepath.shell;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.flannel.Klog;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code journalctl -u flanneld}: the lines the simulated flanneld wrote as its lease came and went, in glog's
 * format as a public flanneld paste has it (flannel#959, src/test/resources/shell/journalctl/SOURCE.md).
 */
class FlanneldJournalTest {
    static final Pattern KLOG = Pattern.compile("([IWEF])(\\d{2})(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})\\.(\\d{6}) +(\\d+) (\\S+)] (.*)");

    @Test
    void klogLinesAreLaidOutAsARealFlanneldWritesThem() throws IOException {
        List<String> real = Files.readAllLines(Path.of("src/test/resources/shell/journalctl/flanneld-flannel-959.txt"));
        for (String line : real) {
            Matcher m = KLOG.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            Instant at = LocalDateTime.of(2018, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                    Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)), Integer.parseInt(m.group(7)) * 1000).toInstant(ZoneOffset.UTC);
            assertThat(Klog.line(m.group(1).charAt(0), at, Integer.parseInt(m.group(8)), "some/dir/" + m.group(9), m.group(10)))
                    .isEqualTo(line);
        }
    }

    private static SimShell shell() {
        SimCluster cluster = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")));
        SeedCluster.bootHealthy(cluster);
        return new SimShell(cluster, SeedCluster.NODE05);
    }

    @Test
    void theLeaseAcquiredAtBootIsInTheJournalWithTheSimulatedTime() {
        String out = shell().run("journalctl -u flanneld");
        assertThat(out).startsWith("-- Logs begin at Mon 2024-06-03 14:00:00 UTC");
        assertThat(out).containsPattern("(?m)^Jun 03 14:\\d\\d:\\d\\d mcwk8s05 flanneld\\[(\\d+)]: I0603 14:\\d\\d:\\d\\d\\.\\d{6} +\\d+ "
                + "manager\\.go:250] Lease acquired: 172\\.17\\.98\\.0/24$");
    }

    @Test
    void aDeletedLeaseIsRevokedThenAcquiredAgainOnRestartAndThePeerSeesItGoAndCome() {
        SimShell shell = shell();
        String before = shell.run("journalctl -u flanneld");
        shell.run("fault delete-lease 172.17.98.0/24");
        String revoked = shell.run("journalctl -u flanneld");
        assertThat(revoked.substring(before.indexOf("\n") + 1)).startsWith(before.substring(before.indexOf("\n") + 1));
        assertThat(revoked).containsPattern("flanneld\\[\\d+]: W\\d{4} [^]]+ network\\.go:170] Lease has been revoked\n");
        shell.run("systemctl restart flanneld");
        String after = shell.run("journalctl -u flanneld");
        assertThat(after.lines().filter(l -> l.contains("manager.go:250] Lease acquired: ")).count()).isEqualTo(2);

        shell.run("ssh mcwk8s06");
        String peer = shell.run("journalctl -u flanneld");
        assertThat(peer).contains("network.go:134] Subnet removed: 172.17.98.0/24\n");
        assertThat(peer.lines().filter(l -> l.endsWith("network.go:118] Subnet added: 172.17.98.0/24")).count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void anUnreachableEtcdIsLoggedByTheWatchAndALongRunRenewsTheLease() {
        SimShell shell = shell();
        shell.run("sleep 23h");
        assertThat(shell.run("journalctl -u flanneld")).containsPattern("network\\.go:160] Lease renewed, new expiration: 2024-06-0\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)? \\+0000 UTC\n");
        shell.run("fault etcd down");
        shell.run("sleep 1m");
        assertThat(shell.run("journalctl -u flanneld")).contains("watch.go:43] Watch subnets: client: etcd cluster is unavailable or misconfigured\n");
    }
}
