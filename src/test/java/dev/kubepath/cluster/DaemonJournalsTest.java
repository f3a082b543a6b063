package dev.kubepath.cluster;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** dockerd's time field is Go's RFC3339Nano, as public journals of dockerd print it (src/test/resources/shell/journalctl/SOURCE.md). */
class DaemonJournalsTest {
    @Test
    void timesAreGoRfc3339NanoWithTrailingZerosDropped() {
        // aws/amazon-ecs-ami#121 (nine digits) and docker/for-linux#231 (a whole second: no fraction at all)
        assertThat(DaemonJournals.rfc3339Nano(Instant.parse("2023-06-29T19:14:48.418129539Z"))).isEqualTo("2023-06-29T19:14:48.418129539Z");
        assertThat(DaemonJournals.rfc3339Nano(Instant.parse("2018-02-19T17:05:49Z"))).isEqualTo("2018-02-19T17:05:49Z");
        assertThat(DaemonJournals.rfc3339Nano(Instant.parse("2024-06-03T14:00:00.500Z"))).isEqualTo("2024-06-03T14:00:00.5Z");
    }
}
