package dev.kubepath.cluster;

import dev.kubepath.flannel.Klog;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journals keep an entry's text once for all nodes and lay the line out when read: what journalctl prints must be
 * the line as written at the time, with the writing process's pid, after rotation and across a restart.
 */
class PodEventsJournalTest {
    private static final Instant T0 = Instant.parse("2024-06-03T14:00:00.123456Z");

    @Test
    void aRotatedJournalShowsTheNewestLinesEachWithThePidThatWroteIt() {
        PodEvents events = new PodEvents();
        List<String> written = new ArrayList<>();
        int lines = PodEvents.JOURNAL_LINES + 700;
        for (int i = 0; i < lines; i++) {
            Instant at = T0.plus(Duration.ofMillis(i / 3)); // a few lines share each instant, as in a settle
            int pid = i < lines - 300 ? 4242 : 5151;      // flanneld restarted for the last 300 lines
            String message = "Subnet added: 10.244." + (i % 250) + ".0/24";
            events.klog("node1", "flanneld", 'I', at, pid, Klog.VXLAN_ADDED, message);
            written.add(Klog.line('I', at, pid, Klog.VXLAN_ADDED, message));
        }
        assertThat(events.unitJournal("node1", "flanneld")).containsExactlyElementsOf(written.subList(700, lines));
    }

    @Test
    void twoNodesWritingOneTextEachShowTheirOwnPidAndTime() {
        PodEvents events = new PodEvents();
        events.klog("node1", "kube-proxy", 'I', T0, 17, "service.go:309", "Adding new service port \"default/web:\" at 10.96.0.10:80/TCP");
        events.klog("node2", "kube-proxy", 'I', T0.plusSeconds(1), 23, "service.go:309", "Adding new service port \"default/web:\" at 10.96.0.10:80/TCP");
        events.dockerd("node2", T0, 880, "msg=\"Starting up\"");
        events.systemd("node2", "docker", T0, "Started Docker Application Container Engine.");
        assertThat(events.unitJournal("node1", "kube-proxy")).containsExactly("I0603 14:00:00.123456      17 service.go:309] Adding new service port \"default/web:\" at 10.96.0.10:80/TCP");
        assertThat(events.unitJournal("node2", "kube-proxy")).containsExactly("I0603 14:00:01.123456      23 service.go:309] Adding new service port \"default/web:\" at 10.96.0.10:80/TCP");
        assertThat(events.unitJournal("node2", "docker")).containsExactly(
                "2024-06-03T14:00:00.123456Z dockerd[880]: time=\"2024-06-03T14:00:00.123456Z\" level=info msg=\"Starting up\"",
                "2024-06-03T14:00:00.123456Z systemd[1]: Started Docker Application Container Engine.");
        assertThat(events.unitJournal("node3", "kube-proxy")).isEmpty();
    }
}
