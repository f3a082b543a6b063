package dev.kubepath.ingest;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probes of a pasted session, read from public pastes (src/test/resources/transcript/probes/SOURCE.md): how each
 * ended, where, and to what; their lines are read, not reported as unread output.
 */
class ProbeTextTest {
    static SessionBundle session(String file) throws IOException {
        return SessionBundle.split(file, Files.readString(Path.of("src/test/resources/transcript/probes", file)));
    }

    @Test
    void aPingThatLostEveryPacketIsATimeoutAndOneAnsweredIsOk() throws IOException {
        SessionBundle s = session("ping-kubernetes-7996.txt");
        assertThat(s.observed()).extracting(ProbeText.Observed::target, ProbeText.Observed::result, ProbeText.Observed::line)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("172.16.37.7", "timeout", 4),
                        org.assertj.core.groups.Tuple.tuple("172.16.81.4", "ok", 10));
        assertThat(s.observed()).allSatisfy(o -> {
            assertThat(o.tool()).isEqualTo("ping");
            assertThat(o.host()).as("no prompt names the host").isNull();
        });
        assertThat(s.problems()).noneMatch(p -> p.message().contains("not read"));
    }

    @Test
    void curlsTimeLimitAndOutputOptionsAreNotTakenForItsUrl() throws IOException {
        SessionBundle s = session("curl-flannel-1457.txt");
        assertThat(s.observed()).singleElement().satisfies(o -> {
            assertThat(o.target()).isEqualTo("10.244.7.168:80");
            assertThat(o.result()).isEqualTo("timeout");
            assertThat(o.said()).isEqualTo("curl: (28) Connection timed out after 1001 milliseconds");
            assertThat(o.line()).isEqualTo(2);
        });
    }

    @Test
    void curlsWordsGiveTheEndAndANameOrSilenceGivesNothing() {
        // curl's messages as its versions print them (7.29 and 7.8x); a name's address is not shown, and -s prints nothing
        String text = String.join("\n", List.of(
                "[root@n1 ~]# curl 10.244.1.191", "curl: (7) Failed to connect to 10.244.1.191 port 80 after 0 ms: Connection refused",
                "[root@n1 ~]# curl -k https://10.244.2.21:8080/x", "curl: (7) Failed to connect to 10.244.2.21 port 8080: No route to host",
                "[root@n1 ~]# curl 10.244.0.5", "curl: (7) Failed to connect to 10.244.0.5 port 80 after 14282 ms: Couldn't connect to server",
                "[root@n1 ~]# curl 10.244.1.191:8888", "kubernetes pod-test v0.1!!",
                "[root@n1 ~]# curl kubernetes.default.svc", "curl: (6) Could not resolve host: kubernetes.default.svc",
                "[root@n1 ~]# curl -s 10.244.9.9", "[root@n1 ~]# ")) + "\n";
        SessionBundle s = SessionBundle.split("s.txt", text);
        assertThat(s.observed()).extracting(ProbeText.Observed::target, ProbeText.Observed::result).containsExactly(
                org.assertj.core.groups.Tuple.tuple("10.244.1.191:80", "refused"),
                org.assertj.core.groups.Tuple.tuple("10.244.2.21:8080", "unreachable"),
                org.assertj.core.groups.Tuple.tuple("10.244.0.5:80", "failed"),
                org.assertj.core.groups.Tuple.tuple("10.244.1.191:8888", "ok"));
        assertThat(s.observed()).allSatisfy(o -> assertThat(o.host()).isEqualTo("n1"));
    }

    /**
     * kubeadm#139: without -s, curl's progress meter ends in no newline, so its error is pasted on the meter's last line
     * ({@code ... --:--:--     0curl: (7) ...}). That curl failed; it was read as an answer ("ok").
     */
    @Test
    void curlsErrorPastedOnItsProgressMeterIsItsEnd() throws IOException {
        SessionBundle s = SessionBundle.split("session.txt",
                Files.readString(Path.of("src/test/resources/transcript/threads/kubeadm-139-firewalld-forward-reject/session.txt")));
        assertThat(s.observed()).singleElement().satisfies(o -> {
            assertThat(o.target()).isEqualTo("10.96.0.1:443");
            assertThat(o.result()).isEqualTo("unreachable");
            assertThat(o.line()).isEqualTo(8);
            assertThat(o.said()).isEqualTo("curl: (7) Failed to connect to 10.96.0.1 port 443: No route to host");
        });
        // the next user's paste: a timeout after a meter that counted time; and a body quoting curl's words is an answer
        String text = String.join("\n", List.of(
                "[root@n1 ~]# curl http://10.244.2.5:8080/",
                "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current",
                "                                 Dload  Upload   Total   Spent    Left  Speed",
                "  0     0    0     0    0     0      0      0 --:--:--  0:02:10 --:--:--     0curl: (28) Failed to connect to 10.244.2.5 port 8080: Connection timed out",
                "[root@n1 ~]# curl 10.244.2.6",
                "last error: curl: (7) Failed to connect")) + "\n";
        assertThat(SessionBundle.split("s.txt", text).observed()).extracting(ProbeText.Observed::target, ProbeText.Observed::result, ProbeText.Observed::line)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("10.244.2.5:8080", "timeout", 4),
                        org.assertj.core.groups.Tuple.tuple("10.244.2.6:80", "ok", 6));
    }
}
