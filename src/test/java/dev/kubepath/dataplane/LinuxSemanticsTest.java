package dev.kubepath.dataplane;

import dev.kubepath.ingest.SnapshotFile;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One small hand-built snapshot per rule of DESIGN.md's "Linux semantics". Two hosts, a and b, on 10.0.0.0/24 with
 * a flannel overlay between them; b runs a pod 172.17.2.5 serving port 80 and kube-proxy for one service.
 * Each test changes one line of the healthy cluster and checks what the operator would see.
 */
class LinuxSemanticsTest {
    static final String HEALTHY = """
            kind: Snapshot
            cluster:
              flannel: '{"Network":"172.17.0.0/16","Backend":{"Type":"vxlan"}}'
              leases:
                /coreos.com/network/subnets/172.17.1.0-24: '{"PublicIP":"10.0.0.1","BackendType":"vxlan","BackendData":{"VtepMAC":"aa:00:00:00:00:01"}}'
                /coreos.com/network/subnets/172.17.2.0-24: '{"PublicIP":"10.0.0.2","BackendType":"vxlan","BackendData":{"VtepMAC":"aa:00:00:00:00:02"}}'
              services:
                - {name: web, type: NodePort, clusterIP: 10.2.0.10, ports: ["80:30080/TCP -> 80"], selector: {app: web}}
                - {name: empty, type: ClusterIP, clusterIP: 10.2.0.11, ports: ["80/TCP"], selector: {app: none}}
            hosts:
              a:
                # no kube-proxy at all: an empty ipvsadm listing alone would not say that no iptables rule translates
                daemons: {kube-proxy: not-found}
                sysctls: {net.ipv4.ip_forward: "1"}
                links:
                  - eth0 ether mtu 1500
                  - docker0 bridge mtu 1450
                  - flannel.1 vxlan id 1 dstport 8472 local 10.0.0.1 dev eth0 nolearning mtu 1450 mac aa:00:00:00:00:01
                addresses:
                  - 10.0.0.1/24 dev eth0
                  - 172.17.1.1/24 dev docker0
                  - 172.17.1.0/32 dev flannel.1
                routes:
                  - default via 10.0.0.254 dev eth0
                  - 10.0.0.0/24 dev eth0 scope link
                  - 172.17.1.0/24 dev docker0 scope link
                  - 172.17.2.0/24 via 172.17.2.0 dev flannel.1 onlink
                neighbours:
                  - 172.17.2.0 dev flannel.1 lladdr aa:00:00:00:00:02 PERMANENT
                fdb:
                  - aa:00:00:00:00:02 dev flannel.1 dst 10.0.0.2 self permanent
                ipvs: []
                sockets: []
                pods: []
              b:
                sysctls: {net.ipv4.ip_forward: "1"}
                links:
                  - eth0 ether mtu 1500
                  - docker0 bridge mtu 1450
                  - flannel.1 vxlan id 1 dstport 8472 local 10.0.0.2 dev eth0 nolearning mtu 1450 mac aa:00:00:00:00:02
                  - kube-ipvs0 dummy down
                addresses:
                  - 10.0.0.2/24 dev eth0
                  - 172.17.2.1/24 dev docker0
                  - 172.17.2.0/32 dev flannel.1
                  - 10.2.0.10/32 dev kube-ipvs0
                  - 10.2.0.11/32 dev kube-ipvs0
                routes:
                  - default via 10.0.0.254 dev eth0
                  - 10.0.0.0/24 dev eth0 scope link
                  - 172.17.2.0/24 dev docker0 scope link
                  - 172.17.1.0/24 via 172.17.1.0 dev flannel.1 onlink
                neighbours:
                  - 172.17.1.0 dev flannel.1 lladdr aa:00:00:00:00:01 PERMANENT
                fdb:
                  - aa:00:00:00:00:01 dev flannel.1 dst 10.0.0.1 self permanent
                ipvs:
                  - -A -t 10.2.0.10:80 -s rr
                  - -a -t 10.2.0.10:80 -r 172.17.2.5:80 -m -w 1
                  - -A -t 10.0.0.2:30080 -s rr
                  - -a -t 10.0.0.2:30080 -r 172.17.2.5:80 -m -w 1
                  - -A -t 10.2.0.11:80 -s rr
                sockets:
                  - tcp 0.0.0.0:22 sshd
                pods:
                  - web-1 172.17.2.5/24 on docker0 listens tcp/80 server "SimpleHTTP/0.6 Python/2.7.18"
            """;

    static Trace curl(String yaml, String from, String to) {
        return new DataPlane(SnapshotFile.parse("test.yaml", yaml)).trace(from, new Probe.Curl(SocketAddress.parse(to)));
    }

    static Trace ping(String yaml, String from, String to) {
        return new DataPlane(SnapshotFile.parse("test.yaml", yaml)).trace(from, new Probe.Ping(Ipv4.parse(to)));
    }

    static Trace ping(String yaml, String from, String to, int payload) {
        return new DataPlane(SnapshotFile.parse("test.yaml", yaml)).trace(from, new Probe.Ping(Ipv4.parse(to), payload));
    }

    /** The healthy cluster with one line replaced; fails loudly if the line is not there. */
    static String with(String line, String replacement) {
        assertThat(HEALTHY).contains(line);
        return HEALTHY.replace(line, replacement);
    }

    @Test
    void healthyCrossHostPodTrafficIsDelivered() {
        Trace t = curl(HEALTHY, "a", "172.17.2.5:80");
        assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(t.steps()).extracting(Step::stage)
                .containsSubsequence(Stage.ROUTE, Stage.NEIGHBOUR, Stage.FDB, Stage.ENCAP, Stage.UNDERLAY, Stage.DECAP,
                        Stage.ROUTE, Stage.BRIDGE, Stage.POD, Stage.REPLY);
    }

    @Nested
    class Routing {
        @Test
        void localTableComesFirstForTheFlannelSlash32Address() {
            Trace t = ping(HEALTHY, "b", "172.17.2.0");
            assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
            assertThat(t.steps()).extracting(Step::stage).doesNotContain(Stage.ROUTE, Stage.BRIDGE);
        }

        @Test
        void longestPrefixWinsOverTheDefaultRoute() {
            Trace t = ping(HEALTHY, "a", "172.17.2.1");
            assertThat(t.steps()).filteredOn(s -> s.stage() == Stage.ROUTE).first()
                    .satisfies(s -> assertThat(s.decidedBy()).startsWith("172.17.2.0/24 via 172.17.2.0 dev flannel.1"));
        }

        @Test
        void theLowerMetricBreaksATie() {
            String yaml = with("      - 172.17.2.0/24 via 172.17.2.0 dev flannel.1 onlink\n",
                    "      - 172.17.2.0/24 via 172.17.2.0 dev flannel.1 onlink metric 10\n      - 172.17.2.0/24 via 10.0.0.99 dev eth0 metric 5\n");
            Trace t = ping(yaml, "a", "172.17.2.1");
            assertThat(t.steps()).filteredOn(s -> s.stage() == Stage.ROUTE).first()
                    .satisfies(s -> assertThat(s.decidedBy()).contains("via 10.0.0.99"));
        }

        @Test
        void aRouteThroughADownDeviceIsUnusable() {
            String yaml = with("mtu 1450 mac aa:00:00:00:00:01\n", "mtu 1450 mac aa:00:00:00:00:01 down\n");
            Trace t = ping(yaml, "a", "172.17.2.1");
            assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
            assertThat(t.reason()).contains("default route via 10.0.0.254 leaves the cluster");
        }

        @Test
        void noRouteAndNoDefaultIsNetworkUnreachable() {
            String yaml = with("      - default via 10.0.0.254 dev eth0\n      - 10.0.0.0/24 dev eth0 scope link\n      - 172.17.1.0/24",
                    "      - 10.0.0.0/24 dev eth0 scope link\n      - 172.17.1.0/24");
            Trace t = ping(yaml, "a", "8.8.8.8");
            assertThat(t.verdict()).isEqualTo(Verdict.UNREACHABLE);
            assertThat(TraceText.toolSays(t)).isEqualTo("connect: Network is unreachable");
        }

        @Test
        void aDefaultRouteToAGatewayOutsideTheModelTimesOut() {
            Trace t = curl(HEALTHY, "a", "8.8.8.8:80");
            assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
            assertThat(t.reason()).contains("leaves the cluster");
        }

        @Test
        void anOnlinkGatewayOutsideTheDevicesPrefixIsUsed() {
            Trace t = ping(HEALTHY, "a", "172.17.2.1");
            assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
            assertThat(t.steps()).filteredOn(s -> s.stage() == Stage.NEIGHBOUR).first()
                    .satisfies(s -> assertThat(s.detail()).startsWith("172.17.2.0 is aa:00:00:00:00:02"));
        }
    }

    /**
     * b is multi-homed: eth1 on a management network, and an administrator's host route sends its traffic for a's
     * 10.0.0.1 out through eth1's gateway, while a's VXLAN frames reach b on eth0.
     */
    @Nested
    class ReversePathFilter {
        String multiHomed(String sysctls) {
            String yaml = with("      - kube-ipvs0 dummy down\n", "      - kube-ipvs0 dummy down\n      - eth1 ether mtu 1500\n")
                    .replace("      - 10.0.0.2/24 dev eth0\n", "      - 10.0.0.2/24 dev eth0\n      - 10.1.0.2/24 dev eth1\n")
                    .replace("      - 172.17.1.0/24 via 172.17.1.0 dev flannel.1 onlink\n",
                            "      - 172.17.1.0/24 via 172.17.1.0 dev flannel.1 onlink\n      - 10.1.0.0/24 dev eth1 scope link\n      - 10.0.0.1 via 10.1.0.254 dev eth1\n");
            String bSysctls = "sysctls: {net.ipv4.ip_forward: \"1\"}\n    links:\n      - eth0 ether mtu 1500\n      - docker0 bridge mtu 1450\n      - flannel.1 vxlan id 1 dstport 8472 local 10.0.0.2";
            assertThat(yaml).contains(bSysctls);
            return yaml.replace(bSysctls, bSysctls.replace("{net.ipv4.ip_forward: \"1\"}", sysctls));
        }

        @Test
        void strictModeDropsFramesArrivingOnTheDeviceTheRouteBackDoesNotUse() {
            Trace t = curl(multiHomed("{net.ipv4.ip_forward: \"1\", net.ipv4.conf.all.rp_filter: \"1\", net.ipv4.conf.eth0.rp_filter: \"0\"}"), "a", "172.17.2.5:80");
            assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
            assertThat(t.cause()).isInstanceOf(Cause.ReversePathFiltered.class);
            assertThat(t.reason()).isEqualTo("rp_filter=1 on b: 10.0.0.1 arrived on eth0 but the route back to it leaves by eth1: dropped");
            assertThat(t.last().decidedBy()).isEqualTo("net.ipv4.conf.all.rp_filter = 1");
            assertThat(t.assumptions()).isEmpty();
        }

        @Test
        void looseModeLetsThemInAndTheAnswerTakesTheOtherWay() {
            Trace t = curl(multiHomed("{net.ipv4.ip_forward: \"1\", net.ipv4.conf.all.rp_filter: \"2\", net.ipv4.conf.eth0.rp_filter: \"0\"}"), "a", "172.17.2.5:80");
            assertThat(t.cause()).isNotInstanceOf(Cause.ReversePathFiltered.class);
            assertThat(t.steps()).extracting(Step::stage).contains(Stage.POD);
        }

        @Test
        void withoutTheSysctlsTheTraceSaysWhatItAssumed() {
            Trace t = ping(multiHomed("{net.ipv4.ip_forward: \"1\"}"), "a", "10.0.0.2");
            assertThat(t.assumptions()).anyMatch(a -> a.startsWith("rp_filter off on b: 10.0.0.1 arrives on eth0 of b, the route back leaves by eth1"));
            Trace strict = ping(multiHomed("{net.ipv4.ip_forward: \"1\", net.ipv4.conf.all.rp_filter: \"1\"}"), "a", "10.0.0.2");
            assertThat(strict.cause()).isInstanceOf(Cause.ReversePathFiltered.class);
            assertThat(strict.assumptions()).singleElement().asString().startsWith("net.ipv4.conf.eth0.rp_filter of b not above 1");
        }

        @Test
        void aSingleHomedHostIsNeverFiltered() {
            String yaml = HEALTHY.replace("sysctls: {net.ipv4.ip_forward: \"1\"}", "sysctls: {net.ipv4.ip_forward: \"1\", net.ipv4.conf.all.rp_filter: \"1\"}");
            assertThat(curl(yaml, "a", "172.17.2.5:80").verdict()).isEqualTo(Verdict.DELIVERED);
        }
    }

    @Nested
    class Vxlan {
        @Test
        void withoutTheNeighbourEntryThePacketIsDropped() {
            String yaml = with("      - 172.17.2.0 dev flannel.1 lladdr aa:00:00:00:00:02 PERMANENT\n", "      - 172.17.9.9 dev flannel.1 lladdr aa:00:00:00:00:09 PERMANENT\n");
            Trace t = ping(yaml, "a", "172.17.2.1");
            assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
            assertThat(t.reason()).contains("no neighbour entry for 172.17.2.0 on flannel.1");
        }

        @Test
        void withoutTheFdbEntryThePacketIsDropped() {
            String yaml = with("      - aa:00:00:00:00:02 dev flannel.1 dst 10.0.0.2 self permanent\n", "      - aa:00:00:00:00:09 dev flannel.1 dst 10.0.0.9 self permanent\n");
            Trace t = ping(yaml, "a", "172.17.2.1");
            assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
            assertThat(t.reason()).contains("no FDB entry for aa:00:00:00:00:02");
        }

        @Test
        void theOuterPacketGoesFromThePublicIpToTheVtepOnUdp8472() {
            Trace t = ping(HEALTHY, "a", "172.17.2.1");
            assertThat(t.steps()).filteredOn(s -> s.stage() == Stage.ENCAP).first()
                    .satisfies(s -> assertThat(s.detail()).contains("outer 10.0.0.1 -> 10.0.0.2 UDP 8472").contains("(134 bytes)"));
        }

        @Test
        void aReceiverWithAnotherVniDoesNotDecapsulate() {
            String yaml = with("flannel.1 vxlan id 1 dstport 8472 local 10.0.0.2", "flannel.1 vxlan id 2 dstport 8472 local 10.0.0.2");
            Trace t = ping(yaml, "a", "172.17.2.1");
            assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
            assertThat(t.reason()).contains("b has no VXLAN device for VNI 1 on UDP 8472");
        }

        @Test
        void aReceiverOnAnotherPortDoesNotDecapsulate() {
            String yaml = with("flannel.1 vxlan id 1 dstport 8472 local 10.0.0.2", "flannel.1 vxlan id 1 dstport 4789 local 10.0.0.2");
            assertThat(ping(yaml, "a", "172.17.2.1").verdict()).isEqualTo(Verdict.TIMEOUT);
        }

        @Test
        void aWrongVtepMacIsDroppedByTheReceiver() {
            String yaml = HEALTHY.replace("172.17.2.0 dev flannel.1 lladdr aa:00:00:00:00:02", "172.17.2.0 dev flannel.1 lladdr aa:00:00:00:00:22")
                    .replace("aa:00:00:00:00:02 dev flannel.1 dst 10.0.0.2", "aa:00:00:00:00:22 dev flannel.1 dst 10.0.0.2");
            Trace t = ping(yaml, "a", "172.17.2.1");
            assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
            assertThat(t.last().host()).isEqualTo("b");
            assertThat(t.reason()).contains("lease's VtepMAC is wrong");
        }

        @Test
        void aPacketBiggerThanTheOverlayMtuWithDfIsRefusedLocally() {
            Trace fits = ping(HEALTHY, "a", "172.17.2.1", 1422);
            assertThat(fits.verdict()).isEqualTo(Verdict.DELIVERED);
            Trace tooBig = ping(HEALTHY, "a", "172.17.2.1", 1472);
            assertThat(tooBig.verdict()).isEqualTo(Verdict.UNREACHABLE);
            assertThat(TraceText.toolSays(tooBig)).isEqualTo("ping: local error: message too long, mtu=1450");
        }
    }

    @Nested
    class BridgesAndForwarding {
        @Test
        void aPodAddressNotOnTheBridgeGetsNoAnswer() {
            Trace t = curl(HEALTHY, "a", "172.17.2.99:80");
            assertThat(t.verdict()).isEqualTo(Verdict.UNREACHABLE);
            assertThat(t.reason()).contains("no pod on docker0 of b has 172.17.2.99");
        }

        static final String FORWARD_DROP = """
                    iptables: |
                      *filter
                      :FORWARD DROP [0:0]
                      -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
                      -A FORWARD -i docker0 -o docker0 -j ACCEPT
                %s      COMMIT
                    sockets:
                      - tcp 0.0.0.0:22 sshd
                """;

        static String withForwardChainOnB(String flannelRules) {
            String b = "    sockets:\n      - tcp 0.0.0.0:22 sshd\n";
            assertThat(HEALTHY).contains(b);
            return HEALTHY.replace(b, FORWARD_DROP.formatted(flannelRules).indent(0));
        }

        @Test
        void dockersForwardDropStopsOverlayTrafficIntoTheBridge() {
            Trace t = curl(withForwardChainOnB(""), "a", "172.17.2.5:80");
            assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
            assertThat(t.last().host()).isEqualTo("b");
            assertThat(t.reason()).contains("filter FORWARD drops");
            assertThat(t.last().decidedBy()).contains("FORWARD DROP");
        }

        @Test
        void flannelsAcceptRulesOpenTheForwardChainForThePodNetwork() {
            String rules = "      -A FORWARD -s 172.17.0.0/16 -j ACCEPT\n      -A FORWARD -d 172.17.0.0/16 -j ACCEPT\n";
            assertThat(curl(withForwardChainOnB(rules), "a", "172.17.2.5:80").verdict()).isEqualTo(Verdict.DELIVERED);
        }

        @Test
        void ipForwardOffDropsTransitPackets() {
            String yaml = HEALTHY.replaceFirst("(?s)(  b:\n    sysctls: \\{net.ipv4.ip_forward: )\"1\"", "$1\"0\"");
            assertThat(yaml).isNotEqualTo(HEALTHY);
            Trace t = curl(yaml, "a", "172.17.2.5:80");
            assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
            assertThat(t.reason()).contains("net.ipv4.ip_forward=0 on b");
            assertThat(ping(yaml, "a", "172.17.2.1").verdict()).as("local delivery needs no forwarding").isEqualTo(Verdict.DELIVERED);
        }
    }

    @Nested
    class Services {
        @Test
        void aClusterIpIsDnatedToThePodAndAnswered() {
            Trace t = curl(HEALTHY, "b", "10.2.0.10:80");
            assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
            assertThat(t.steps()).filteredOn(s -> s.stage() == Stage.IPVS).first()
                    .satisfies(s -> assertThat(s.detail()).contains("-> 172.17.2.5:80 Masq"));
        }

        @Test
        void aNodePortFromAnotherHostIsMasqueradedSoTheReplyComesBack() {
            Trace t = curl(HEALTHY, "a", "10.0.0.2:30080");
            assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
            assertThat(t.steps()).extracting(Step::stage).contains(Stage.SNAT, Stage.CONNTRACK);
        }

        @Test
        void aVirtualServerWithoutRealServersRefuses() {
            Trace t = curl(HEALTHY, "b", "10.2.0.11:80");
            assertThat(t.verdict()).isEqualTo(Verdict.REFUSED);
            assertThat(t.reason()).contains("has no real servers");
        }

        @Test
        void aClusterIpOnAPortWithoutVirtualServerRefuses() {
            assertThat(curl(HEALTHY, "b", "10.2.0.10:443").verdict()).isEqualTo(Verdict.REFUSED);
        }

        @Test
        void aHostWithoutKubeProxySendsTheClusterIpToItsDefaultRoute() {
            Trace t = curl(HEALTHY, "a", "10.2.0.10:80");
            assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
            assertThat(t.reason()).contains("default route via 10.0.0.254 leaves the cluster");
        }
    }

    @Nested
    class Sockets {
        @Test
        void aListenerAccepts() {
            Trace t = curl(HEALTHY, "a", "10.0.0.2:22");
            assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
            assertThat(t.reason()).contains("sshd");
        }

        @Test
        void noListenerMeansRst() {
            assertThat(curl(HEALTHY, "a", "10.0.0.2:23").verdict()).isEqualTo(Verdict.REFUSED);
        }

        @Test
        void anEchoToALocalAddressIsAnswered() {
            assertThat(ping(HEALTHY, "a", "10.0.0.2").verdict()).isEqualTo(Verdict.DELIVERED);
        }
    }

    @Nested
    class ReturnPath {
        @Test
        void anAnswerThatCannotComeBackIsATimeout() {
            // b loses its route back to a's subnet: a's ping (from 172.17.1.0, flannel.1's address) reaches b,
            // but b's echo reply follows b's default route out of the cluster.
            String yaml = with("      - 172.17.1.0/24 via 172.17.1.0 dev flannel.1 onlink\n", "");
            Trace t = ping(yaml, "a", "172.17.2.1");
            assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
            assertThat(t.last().host()).isEqualTo("b");
            assertThat(t.reason()).startsWith("the answer is lost on the way back");
            assertThat(t.steps()).extracting(Step::stage).contains(Stage.DECAP);
        }

        @Test
        void aRefusalThatCannotComeBackIsAlsoATimeout() {
            String yaml = with("      - 172.17.1.0/24 via 172.17.1.0 dev flannel.1 onlink\n", "");
            assertThat(curl(yaml, "a", "172.17.2.1:81").verdict()).isEqualTo(Verdict.TIMEOUT);
        }
    }
}
