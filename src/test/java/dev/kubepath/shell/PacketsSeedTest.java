package dev.kubepath.shell;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tcpdump, conntrack and ipvsadm -Lnc on the seed's incident (mcwk8s05 lost its lease: mcwk8s06 has no route to
 * 172.17.98.0/24, and mcwk8s05 none to mcwk8s06's pods): what an operator sees packet by packet.
 */
class PacketsSeedTest {
    /** The seed cluster in its broken state, as `kubepath shell seed --at incident` opens it, on mcwk8s05. */
    private static SimShell incident() {
        SimCluster cluster = SimCluster.embedded(SeedCluster.spec(java.time.Instant.parse("2024-06-03T14:00:00Z")));
        SeedCluster.incident(cluster);
        return new SimShell(cluster, SeedCluster.NODE05);
    }

    /**
     * A curl from mcwk8s05 to the nginx pod on mcwk8s06: mcwk8s05's default route sends the SYN to the gateway, plain,
     * on its eth0; mcwk8s06's eth0 never sees it, encapsulated or not.
     */
    @Test
    void aPacketLostOnNode05NeverReachesNode06sEth0() {
        SimShell shell = incident();
        shell.run("ssh mcwk8s06");
        assertThat(shell.run("tcpdump -ni eth0")).contains("listening on eth0");
        shell.run("exit");
        String on06 = shell.run("curl -I 172.17.9.2");
        assertThat(on06).contains("curl: (7) Failed connect to 172.17.9.2:80; Connection timed out").endsWith(Tcpdump.summary(0));
        assertThat(on06).doesNotContain(" IP ");

        shell.run("tcpdump -ni eth0");
        String on05 = shell.run("curl -I 172.17.9.2");
        assertThat(on05.lines().filter(l -> l.contains(" IP ")).toList()).hasSize(Exchange.SYN_RETRIES.length)
                .allMatch(l -> l.contains(" IP 10.0.0.35.40000 > 172.17.9.2.80: Flags [S], "));
        assertThat(on05).doesNotContain("OTV").endsWith(Tcpdump.summary(Exchange.SYN_RETRIES.length));
    }

    /**
     * The NodePort on mcwk8s06 from mcwk8s05: IPVS sends the SYN to the pod on mcwk8s05 through mcwk8s06's default
     * route. No entry before the curl; after it, mcwk8s06's entry names the pod in its reply tuple, unreplied, and
     * IPVS's table holds the connection in SYN_RECV until its minute runs out.
     */
    @Test
    void entriesAppearAfterTheCurlAndTheReplyTupleNamesTheEndpoint() {
        SimShell shell = incident();
        shell.run("ssh mcwk8s06");
        assertThat(shell.run("conntrack -L")).isEqualTo("conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n");
        assertThat(shell.run("ipvsadm -Lnc")).isEqualTo(Conntrack.IPVS_HEADER);
        shell.run("exit");
        assertThat(shell.run("curl -I 10.0.0.36:41527")).contains("Connection timed out");
        shell.run("ssh mcwk8s06");
        assertThat(shell.run("conntrack -L -p tcp")).isEqualTo("tcp      6 120 SYN_SENT src=10.0.0.35 dst=10.0.0.36 sport=40000 dport=41527 [UNREPLIED] "
                + "src=172.17.98.13 dst=10.0.0.36 sport=20000 dport=40000 mark=0 use=1\n"
                + "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n");
        assertThat(shell.run("ipvsadm -Lnc")).isEqualTo(Conntrack.IPVS_HEADER
                + "TCP 01:00  SYN_RECV    10.0.0.35:40000    10.0.0.36:41527    172.17.98.13:20000\n");
        assertThat(shell.run("conntrack -L -d 10.0.0.99")).isEqualTo("conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n");
        shell.run("sleep 61s");
        assertThat(shell.run("ipvsadm -Lnc")).isEqualTo(Conntrack.IPVS_HEADER);
        assertThat(shell.run("conntrack -L")).startsWith("tcp      6 59 SYN_SENT ");
        shell.run("sleep 60s");
        assertThat(shell.run("conntrack -L")).isEqualTo("conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n");
    }

    /** The NodePort on mcwk8s05 itself answers: its entry is TIME_WAIT, assured, and the reply comes from the pod. */
    @Test
    void anAnsweredConnectionIsTimeWaitAndAssured() {
        SimShell shell = incident();
        assertThat(shell.run("curl -I 10.0.0.35:41527")).startsWith("HTTP/1.0 200 OK");
        assertThat(shell.run("conntrack -L -p tcp")).startsWith("tcp      6 120 TIME_WAIT src=10.0.0.35 dst=10.0.0.35 sport=40000 dport=41527 "
                + "src=172.17.98.13 dst=172.17.98.1 sport=20000 dport=40000 [ASSURED] mark=0 use=1\n");
        assertThat(shell.run("ipvsadm -Lnc")).endsWith("TCP 02:00  TIME_WAIT   10.0.0.35:40000    10.0.0.35:41527    172.17.98.13:20000\n");
    }

    /** The capture waits for a probe: other commands pass it by, Ctrl-C ends it with nothing captured, -c stops it early. */
    @Test
    void theCaptureWaitsForTheNextProbe() {
        SimShell shell = incident();
        shell.run("tcpdump -ni eth0");
        assertThat(shell.run("hostname")).isEqualTo("mcwk8s05\n");
        assertThat(shell.interrupt()).isEqualTo("^C" + Tcpdump.summary(0));
        assertThat(shell.interrupt()).isEmpty();
        assertThat(shell.run("ping -c 3 10.0.0.36")).doesNotContain("ICMP echo");

        shell.run("tcpdump -ni eth0 -c 2");
        String out = shell.run("ping -c 3 10.0.0.36");
        assertThat(out.lines().filter(l -> l.contains("ICMP echo")).toList()).hasSize(2);
        assertThat(out).endsWith(Tcpdump.summary(2));

        shell.run("tcpdump -ni eth0 icmp and dst 10.0.0.36");
        out = shell.run("ping -c 3 10.0.0.36");
        assertThat(out.lines().filter(l -> l.contains("ICMP echo")).toList()).hasSize(3).allMatch(l -> l.contains("echo request"));
        shell.run("tcpdump -ni eth0 tcp");
        assertThat(shell.run("ping -c 1 10.0.0.36")).endsWith(Tcpdump.summary(0));
    }

    @Test
    void optionsTheSimulationDoesNotKeepAreRefusedInOneLine() {
        SimShell shell = incident();
        assertThat(shell.run("tcpdump -i eth0")).startsWith("kubepath shell: tcpdump without -n");
        assertThat(shell.run("tcpdump -ni eth0 -w x.pcap")).startsWith("kubepath shell: tcpdump -w is not simulated");
        assertThat(shell.run("tcpdump -ni any")).startsWith("kubepath shell: tcpdump -i any");
        assertThat(shell.run("tcpdump -ni eth0 net 10.0.0.0/24")).startsWith("kubepath shell: tcpdump's filter 'net' is not simulated");
        assertThat(shell.run("conntrack -F")).startsWith("kubepath shell: conntrack -F is not simulated");
        assertThat(shell.run("ping -c 1 10.0.0.36")).doesNotContain("packets captured");
    }
}
