package dev.kubepath.ingest;

import dev.kubepath.model.Socket;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Protocol;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ss's listings of listening sockets. The lines are iproute2 6.1.0's own, printed in a network namespace where
 * src/main/resources/dev/kubepath/lab/dns_responder.py listened on 0.0.0.0:53 (UDP and TCP) and, for -ltn, a lab
 * pod's HTTP server on 8080.
 */
class SsTextTest {
    @Test
    void tcpAndUdpListingNamesEachSocketsProtocol() {
        String text = """
                udp UNCONN 0      0      0.0.0.0:53 0.0.0.0:*
                tcp LISTEN 0      128    0.0.0.0:53 0.0.0.0:*
                """;
        Parsed<List<Socket>> p = SsText.parse("ss.txt", text);
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).containsExactly(new Socket(Protocol.UDP, Ipv4.ANY, 53, null), new Socket(Protocol.TCP, Ipv4.ANY, 53, null));
    }

    @Test
    void tcpListingWithoutTheProtocolColumnIsTcp() {
        Parsed<List<Socket>> p = SsText.parse("ss.txt", "LISTEN 0      128    0.0.0.0:8080 0.0.0.0:*\n");
        assertThat(p.value()).containsExactly(new Socket(Protocol.TCP, Ipv4.ANY, 8080, null));
    }

    @Test
    void aLineWithoutAPortIsAProblemWithItsLine() {
        Parsed<List<Socket>> p = SsText.parse("ss.txt", "udp UNCONN 0 0 nonsense 0.0.0.0:*\n");
        assertThat(p.problems()).singleElement().satisfies(x -> assertThat(x.message()).contains("nonsense"));
    }
}
