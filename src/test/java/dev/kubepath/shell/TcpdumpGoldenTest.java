package dev.kubepath.shell;

import dev.kubepath.cluster.Manifests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tcpdump -ni DEV} and {@code conntrack -L} against tcpdump 4.99 and conntrack-tools 1.4.7 across two
 * namespaces built like the seed's mcwk8s05 and mcwk8s06 joined by VXLAN (the traceroute capture's addresses, a pod at
 * 172.17.9.2 answering HTTP on port 80), captured by scripts/capture-packet-goldens.sh. The simulation runs the same
 * probes on the seed booted with the same subnets (as TracerouteGoldenTest.onNode05 boots it). What differs run to run, or with
 * the software and not the network, is masked: times, initial sequence numbers, TCP timestamps, ephemeral and outer
 * UDP ports (the kernel's picks), ping's id, windows after the handshake, conntrack's seconds left; the answer's
 * length is the server's (python 3.11's http.server in the lab, the simulation's python3 http.server line otherwise), so the capture's numbers that
 * follow from it are rewritten to the simulated server's before comparing.
 */
class TcpdumpGoldenTest {
    static final Path FILE = Path.of("src/test/resources/shell/tcpdump/commands.txt");
    static Map<String, String> real;

    @BeforeAll
    static void read() throws IOException {
        real = CapturedCommands.read(FILE);
    }

    /**
     * The seed booted as TracerouteGoldenTest.onNode05 boots it (mcwk8s05 172.17.89.0/24, mcwk8s06 172.17.9.0/24), with
     * the capture's pod instead of nginx: python3's http.server on port 80 at 172.17.9.2 on mcwk8s06.
     */
    static SimShell onNode05() {
        dev.kubepath.cluster.SimCluster cluster = dev.kubepath.cluster.SimCluster.embedded(
                dev.kubepath.cluster.SeedCluster.spec(java.time.Instant.parse("2024-06-03T14:00:00Z")));
        cluster.pinNextSubnet(dev.kubepath.cluster.SeedCluster.MASTER, dev.kubepath.net.Prefix.parse("172.17.83.0/24"));
        cluster.pinNextSubnet(dev.kubepath.cluster.SeedCluster.NODE05, dev.kubepath.net.Prefix.parse("172.17.89.0/24"));
        cluster.pinNextSubnet(dev.kubepath.cluster.SeedCluster.NODE06, dev.kubepath.net.Prefix.parse("172.17.9.0/24"));
        cluster.boot();
        String web = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  replicas: 1
                  selector:
                    matchLabels:
                      app: web
                  template:
                    metadata:
                      labels:
                        app: web
                    spec:
                      nodeName: mcwk8s06
                      containers:
                      - name: web
                        image: python:3
                        command: ["python3", "-m", "http.server", "80"]
                """;
        cluster.api().apply(Manifests.load("web.yaml", new ByteArrayInputStream(web.getBytes(StandardCharsets.UTF_8))));
        var pod = cluster.api().pods().stream().filter(p -> p.name().startsWith("web")).findFirst().orElseThrow();
        cluster.docker(dev.kubepath.cluster.SeedCluster.NODE06).pinAddress(pod.key(), dev.kubepath.net.Ipv4.parse("172.17.9.2"));
        cluster.settle();
        SimShell shell = new SimShell(cluster, dev.kubepath.cluster.SeedCluster.NODE05);
        assertThat(shell.run("kubectl get pods -o wide")).contains("172.17.9.2");
        return shell;
    }

    static String masked(String s) {
        return s.replaceAll("\\d\\d:\\d\\d:\\d\\d\\.\\d{6} ", "T ")
                .replaceAll("(seq|ack) \\d{6,}", "$1 N")
                .replaceAll("TS val \\d+ ecr [1-9]\\d*", "TS val V ecr E").replaceAll("TS val \\d+ ecr 0", "TS val V ecr 0")
                .replaceAll("(\\d+\\.\\d+\\.\\d+\\.\\d+)\\.(3[3-9]\\d{3}|[4-6]\\d{4})\\b", "$1.P")
                .replaceAll("(sport|dport)=(3[3-9]\\d{3}|[4-6]\\d{4})\\b", "$1=P")
                .replaceAll("id \\d+", "id I").replaceAll("id=\\d+", "id=I")
                .replaceAll("win [1-9]\\d{0,2},", "win W,")
                .replaceAll("(?m)^(tcp|udp|icmp)( +\\d+) \\d+ ", "$1$2 S ")
                .replaceAll("\\d+ flow entries", "N flow entries");
    }

    /** The capture's answer length ({@code real}) and what follows from it, as the simulated server's {@code ours}. */
    static String answerLength(String text, int real, int ours) {
        return text.replace("length " + real, "length " + ours).replace(":" + (real + 1) + ",", ":" + (ours + 1) + ",")
                .replace("ack " + (real + 1) + ",", "ack " + (ours + 1) + ",").replace("seq " + (real + 1) + ",", "seq " + (ours + 1) + ",")
                .replace("ack " + (real + 2) + ",", "ack " + (ours + 2) + ",");
    }

    /**
     * tcpdump -ni DEV on {@code captureHost}, then {@code probe} on mcwk8s05: tcpdump's own lines (the header, the
     * packets, the summary) as one terminal shows them, the probe's output left out.
     */
    static String capture(SimShell shell, String captureHost, String dev, String probe) {
        if (!captureHost.equals(shell.host())) shell.run("ssh " + captureHost);
        String header = shell.run("tcpdump -ni " + dev);
        if (shell.hops() > 0) shell.run("exit");
        StringBuilder packets = new StringBuilder();
        List<String> lines = shell.run(probe).lines().toList();
        boolean inner = false;
        for (String l : lines) {
            if (l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6} .*") || inner && l.startsWith("IP ")) packets.append(l).append('\n');
            inner = l.contains(": OTV, ");
        }
        List<String> tail = lines.subList(lines.size() - 4, lines.size());
        return header + packets + String.join("\n", tail) + "\n";
    }

    private static int answerLength(String ours) {
        Matcher m = Pattern.compile(", length (\\d{3,})").matcher(ours); // the request is shorter than 100 bytes, the answer longer
        assertThat(m.find()).as("an HTTP answer in %s", ours).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static void assertSame(String ours, String realKey) {
        String want = real.get(realKey);
        assertThat(want).as(realKey).isNotNull();
        if (want.contains("Flags [P.], seq 1:1")) want = answerLength(want, answerLength(want), answerLength(ours));
        if (want.contains("Flags [F.]")) {
            // who closes first is a race between curl and the server (the lab's captures have both orders): the
            // closing packets are compared for their direction and flags, every packet before them as printed
            assertThat(opening(masked(ours))).as(realKey).isEqualTo(opening(masked(want)));
            assertThat(closing(masked(ours))).as(realKey).isEqualTo(closing(masked(want)));
            return;
        }
        assertThat(masked(ours)).as(realKey).isEqualTo(masked(want));
    }

    private static List<String> opening(String s) {
        List<String> lines = s.lines().toList();
        int fin = 0;
        while (!lines.get(fin).contains("Flags [F.]")) fin++;
        if (lines.get(fin - 1).endsWith("instance 1")) fin--; // the outer line of the same packet
        return lines.subList(0, fin);
    }

    private static List<String> closing(String s) {
        List<String> lines = new java.util.ArrayList<>(s.lines().toList().subList(opening(s).size(), (int) s.lines().count()));
        // each side's FIN, and as many packets in all; the last ACK is the first closer's, whichever that was
        List<String> fins = new java.util.ArrayList<>(lines.stream().filter(l -> l.contains("[F.]"))
                .map(l -> l.replaceAll("seq \\d+, ", "").replaceAll("ack \\d+", "ack A")).sorted().toList());
        fins.add(lines.size() + " closing lines");
        return fins;
    }

    @Test
    void pingAcrossVxlanOnTheUnderlayTheOverlayAndTheBridge() {
        SimShell shell = onNode05();
        assertSame(capture(shell, "mcwk8s05", "eth0", "ping -c 2 172.17.9.2"), "tcpdump -ni eth0 (node05, ping -c 2 172.17.9.2)");
        assertSame(capture(shell, "mcwk8s05", "flannel.1", "ping -c 2 172.17.9.2"), "tcpdump -ni flannel.1 (node05, ping -c 2 172.17.9.2)");
        assertSame(capture(shell, "mcwk8s06", "docker0", "ping -c 2 172.17.9.2"), "tcpdump -ni docker0 (node06, ping -c 2 172.17.9.2)");
    }

    @Test
    void curlToAPodTheWholeConnectionOnEachDevice() {
        SimShell shell = onNode05();
        assertSame(capture(shell, "mcwk8s05", "eth0", "curl -I 172.17.9.2"), "tcpdump -ni eth0 (node05, curl -I 172.17.9.2)");
        assertSame(capture(shell, "mcwk8s05", "flannel.1", "curl -I 172.17.9.2"), "tcpdump -ni flannel.1 (node05, curl -I 172.17.9.2)");
        assertSame(capture(shell, "mcwk8s06", "docker0", "curl -I 172.17.9.2"), "tcpdump -ni docker0 (node06, curl -I 172.17.9.2)");
    }

    @Test
    void aPortNothingListensOnIsAnsweredByReset() {
        SimShell shell = onNode05();
        assertSame(capture(shell, "mcwk8s05", "flannel.1", "curl -I 172.17.9.2:81"), "tcpdump -ni flannel.1 (node05, curl -I 172.17.9.2:81)");
    }

    /** The pod behind a NodePort on mcwk8s06 (IPVS there; the capture's iptables DNAT and MASQUERADE do the same to the packet). */
    static SimShell withNodePort() {
        SimShell shell = onNode05();
        String svc = """
                apiVersion: v1
                kind: Service
                metadata:
                  name: nginx-np
                spec:
                  type: NodePort
                  selector:
                    app: web
                  ports:
                  - port: 80
                    nodePort: 30080
                    protocol: TCP
                """;
        shell.cluster().api().apply(Manifests.load("nginx-np.yaml", new ByteArrayInputStream(svc.getBytes(StandardCharsets.UTF_8))));
        shell.cluster().settle();
        return shell;
    }

    /**
     * Through the NodePort: the underlay carries the node's address and port; on the bridge the SYN is DNATed and
     * masqueraded, and the answer is seen with its destination already restored (br_netfilter), so tcpdump's relative
     * numbering starts over in the middle, as it did in the lab.
     */
    @Test
    void throughANodePortTheBridgeSeesTheTranslatedPackets() {
        SimShell shell = withNodePort();
        assertSame(capture(shell, "mcwk8s06", "eth0", "curl -I 10.0.0.36:30080"), "tcpdump -ni eth0 (node06, curl -I 10.0.0.36:30080)");
        assertSame(capture(shell, "mcwk8s06", "docker0", "curl -I 10.0.0.36:30080"), "tcpdump -ni docker0 (node06, curl -I 10.0.0.36:30080)");
    }

    /** The SYN the far node's FORWARD chain drops: sent again and again on the underlay, never seen on the far bridge. */
    @Test
    void aForwardDropShowsTheSynAgainAndNothingBeyond() {
        SimShell shell = onNode05();
        shell.run("fault forward-drop mcwk8s06");
        String ours = capture(shell, "mcwk8s05", "eth0", "curl -I 172.17.9.2");
        String want = real.get("tcpdump -ni eth0 (node05, curl -I 172.17.9.2 (node06's FORWARD chain drops it))");
        // the lab's newer kernel sends the SYN again each second at first; the seed's doubles the wait: the same packets
        assertThat(distinct(masked(ours))).isEqualTo(distinct(masked(want)));
        assertThat(ours).contains(Exchange.SYN_RETRIES.length + " packets captured");
        assertSame(capture(shell, "mcwk8s06", "docker0", "curl -I 172.17.9.2"),
                "tcpdump -ni docker0 (node06, curl -I 172.17.9.2 (node06's FORWARD chain drops it))");
    }

    private static Set<String> distinct(String s) {
        Set<String> out = new LinkedHashSet<>();
        for (String l : s.lines().toList()) if (!l.matches("\\d+ packets .*")) out.add(l);
        return out;
    }

    @Test
    void tcpdumpsOwnErrors() {
        SimShell shell = onNode05();
        for (String cmd : List.of("tcpdump -ni nosuch0", "tcpdump -ni eth0 -k", "tcpdump -ni eth0 -c x", "tcpdump -ni eth0 bogus")) {
            assertThat(shell.run(cmd)).as(cmd).isEqualTo(real.get(cmd));
            assertThat(shell.status()).as(cmd).isEqualTo(1);
        }
    }

    /** conntrack's lines for what the probes left: the lab's, kind for kind (the VXLAN datagrams, the echo, the closed connection). */
    @Test
    void conntrackListsWhatThePingAndTheCurlsLeft() {
        SimShell shell = onNode05();
        shell.run("ping -c 2 172.17.9.2");
        shell.run("curl -I 172.17.9.2");
        shell.run("curl -I 172.17.9.2:81");
        shell.run("sleep 11s"); // the reset connection's CLOSE entry (10 s) is gone, as it was when the lab listed
        assertThat(lineKinds(shell.run("conntrack -L"))).isEqualTo(lineKinds(real.get("conntrack -L (node05, after ping -c 2, curl -I and curl -I :81 to 172.17.9.2)")));
        shell.run("ssh mcwk8s06");
        assertThat(lineKinds(shell.run("conntrack -L"))).isEqualTo(lineKinds(
                real.get("conntrack -L (node06, after ping -c 2, curl -I and curl -I :81 to 172.17.9.2)").replaceAll("(?m)^unknown .*\\n", "")));
    }

    /** The NodePort's entry on mcwk8s06: the reply tuple names the pod and the bridge address MASQUERADE took. */
    @Test
    void conntrackAfterANodePortCurl() {
        SimShell shell = withNodePort();
        shell.run("ssh mcwk8s06");
        assertThat(shell.run("conntrack -L -p tcp")).isEqualTo("conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n");
        shell.run("exit");
        shell.run("curl -I 10.0.0.36:30080");
        assertThat(lineKinds(shell.run("conntrack -L -p tcp"))).isEqualTo(lineKinds(real.get("conntrack -L -p tcp (node05, after curl -I 10.0.0.36:30080)")));
        shell.run("ssh mcwk8s06");
        for (String cmd : List.of("conntrack -L", "conntrack -L -p tcp", "conntrack -L -d 10.0.0.36")) {
            assertThat(lineKinds(shell.run(cmd))).as(cmd).isEqualTo(lineKinds(real.get(cmd + " (node06, after curl -I 10.0.0.36:30080)")));
        }
        assertThat(shell.run("conntrack -L -p udp")).isEqualTo(real.get("conntrack -L -p udp (node06)"));
        assertThat(shell.run("conntrack -L -d 10.0.0")).isEqualTo(real.get("conntrack -L -d 10.0.0 (node06)"));
    }

    @Test
    void conntracksOwnErrors() {
        SimShell shell = onNode05();
        for (String args : List.of("-L --bogus", "-L -p", "-L -d bogus", "-L -p sctpx", "-Z")) {
            assertThat(shell.run("conntrack " + args)).as(args).isEqualTo(real.get("conntrack " + args + " (node06)"));
            assertThat(shell.status()).as(args).isEqualTo(2);
        }
    }

    /** The masked lines as a set, the count line first wherever it was (stderr, unbuffered, came first in the capture's file). */
    private static Set<String> lineKinds(String out) {
        Set<String> kinds = new java.util.TreeSet<>();
        for (String l : masked(out).lines().toList()) kinds.add(l);
        return kinds;
    }

    /** ipvsadm's connection listing laid out as print_conn lays it out, against a public paste (SOURCE.md). */
    @Test
    void ipvsadmConnectionEntriesAsIpvsadmPrintsThem() throws IOException {
        List<String> paste = java.nio.file.Files.readAllLines(Path.of("src/test/resources/shell/ipvsadm/lnc-keepalived-1138.txt"));
        StringBuilder ours = new StringBuilder(Conntrack.IPVS_HEADER);
        for (String l : paste.subList(2, paste.size())) {
            String[] f = l.split(" +");
            String[] ms = f[1].split(":");
            ours.append(Conntrack.ipvsLine(f[0], Integer.parseInt(ms[0]) * 60 + Integer.parseInt(ms[1]), f[2], f[3], f[4], f[5]));
        }
        assertThat(ours.toString()).isEqualTo(String.join("\n", paste) + "\n");
    }
}
