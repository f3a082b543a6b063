package dev.kubepath.dataplane;

import dev.kubepath.cluster.Synthetic;
import dev.kubepath.model.Snapshot;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * UDP in the tracer, on a synthetic cluster with cluster DNS: a datagram a socket takes is answered (through IPVS's
 * DNAT and conntrack's un-NAT on the way back), one no socket takes gets ICMP port unreachable (refused), on a pod
 * that listens on the port over TCP only as on a host with nothing on it.
 */
class UdpTraceTest {
    static final Synthetic.Spec SPEC = new Synthetic.Spec(3, 1, 1, 1, 5, Synthetic.Faults.NONE, true);
    final Snapshot s = Synthetic.build(SPEC);
    final DataPlane dp = new DataPlane(s);

    @Test
    void aDnsQueryToKubeDnsIsAnsweredByACoreDnsPodAcrossTheOverlay() {
        Trace t = dp.trace(Synthetic.hostName(2), new Probe.Udp(new SocketAddress(Synthetic.dnsIp(), 53)));
        assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(t.coverage()).isEqualTo(EndpointCoverage.ALL);
        assertThat(t.backends()).extracting(Trace.Backend::address)
                .containsExactlyInAnyOrder(Synthetic.coreDnsIp(SPEC, 0) + ":53", Synthetic.coreDnsIp(SPEC, 1) + ":53");
        assertThat(TraceText.story(t)).contains("UDP datagram to " + Synthetic.dnsIp() + ":53").contains("UDP  " + Synthetic.dnsIp() + ":53 rr");
        assertThat(TraceText.json(t).get("kind")).isEqualTo("udp");
    }

    @Test
    void noUdpSocketMeansIcmpPortUnreachable() {
        Trace pod = dp.trace(Synthetic.hostName(2), new Probe.Udp(new SocketAddress(Synthetic.podIp(0, 0), Synthetic.POD_PORT)));
        assertThat(pod.verdict()).isEqualTo(Verdict.REFUSED);
        assertThat(pod.reason()).isEqualTo("nothing listens on UDP port " + Synthetic.POD_PORT + " in pod pod-0-0: ICMP port unreachable");
        Trace tcp = dp.trace(Synthetic.hostName(2), new Probe.Curl(new SocketAddress(Synthetic.podIp(0, 0), Synthetic.POD_PORT)));
        assertThat(tcp.verdict()).as("the same port over TCP").isEqualTo(Verdict.DELIVERED);
        Trace host = dp.trace(Synthetic.hostName(2), new Probe.Udp(new SocketAddress(Synthetic.hostIp(1), 53)));
        assertThat(host.verdict()).isEqualTo(Verdict.REFUSED);
        assertThat(host.reason()).endsWith(": the kernel answers ICMP port unreachable");
    }
}
