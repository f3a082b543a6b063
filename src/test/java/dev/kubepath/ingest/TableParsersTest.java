package dev.kubepath.ingest;

import dev.kubepath.model.Daemon;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TableParsersTest {
    @Test
    void realNeighboursTextAndJsonAgree() {
        Parsed<List<Neighbour>> text = IpNeighText.parse("n", Golden.read("real/ip-neigh.txt"));
        Parsed<List<Neighbour>> json = IpNeighText.parse("j", Golden.read("real/ip-j-neigh.json"));
        assertThat(text.problems()).isEmpty();
        assertThat(json.value()).containsExactlyElementsOf(text.value()).containsExactly(
                new Neighbour(Ipv4.parse("172.17.83.0"), "flannel.1", Mac.parse("b2:83:33:7b:fd:37"), Neighbour.State.PERMANENT),
                new Neighbour(Ipv4.parse("172.17.9.0"), "flannel.1", Mac.parse("2a:2c:21:3a:58:21"), Neighbour.State.PERMANENT));
    }

    @Test
    void realFdbTextAndJsonAgreeAndHoldFlannelsVtepEntries() {
        Parsed<List<FdbEntry>> text = BridgeFdbText.parse("f", Golden.read("real/bridge-fdb.txt"));
        Parsed<List<FdbEntry>> json = BridgeFdbText.parse("j", Golden.read("real/bridge-j-fdb.json"));
        assertThat(text.problems()).isEmpty();
        assertThat(json.problems()).isEmpty();
        assertThat(json.value()).containsExactlyElementsOf(text.value());
        assertThat(text.value()).contains(
                new FdbEntry(Mac.parse("2a:2c:21:3a:58:21"), "flannel.1", Ipv4.parse("10.0.0.36"), true),
                new FdbEntry(Mac.parse("3a:74:dd:91:6c:15"), "veth1a2b3c", null, false));
    }

    @Test
    void seedIpvsOfTheMasterIsEmptyAndOfTheNodeHasTheService() {
        Parsed<List<VirtualServer>> master = IpvsadmText.parse("ipvs.txt", Golden.section("seed/10-ipvs.txt", "ipvsadm -Ln", 0));
        assertThat(master.problems()).isEmpty();
        assertThat(master.value()).isEmpty();
        // the node's 'ipvsadm -Ln|grep -C 1 10.2.0.155': every line is read, but a fragment is no table: filed as one it
        // would say the node has no NodePort, and its NodePort answered (outputs/7)
        Parsed<List<VirtualServer>> node = IpvsadmText.parse("ipvs.txt", Golden.section("seed/10-ipvs.txt", "ipvsadm -Ln", 1));
        assertThat(node.value()).as("the IPVS table stays unknown").isNull();
        assertThat(node.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).startsWith("note: lines 2-4: a fragment of ipvsadm -Ln (filtered by 'grep -C 1 10.2.0.155')")
                    .contains("TCP 10.2.0.155:2024 rr -> 172.17.89.10:20000 Masq")
                    .contains("real server 172.17.89.4:9090 of a virtual server cut away")
                    .endsWith("the IPVS table stays unknown");
        });
    }

    @Test
    void aGrepFragmentWithoutItsPromptIsToldByWhatGrepLeaves() {
        // pasted without the prompt: grep -C 1's group separator, or a real server above its (cut) virtual server
        String cut = """
                  -> 172.17.89.4:9090             Masq    1      0          0
                TCP  10.2.0.155:2024 rr
                  -> 172.17.89.10:20000           Masq    1      0          0
                """;
        assertThat(IpvsadmText.parse("ipvs.txt", cut).value()).isNull();
        String groups = """
                TCP  10.2.0.155:2024 rr
                  -> 172.17.89.10:20000           Masq    1      0          0
                --
                TCP  10.2.0.1:443 rr
                  -> 10.0.0.33:6443               Masq    1      0          0
                """;
        Parsed<List<VirtualServer>> p = IpvsadmText.parse("ipvs.txt", groups);
        assertThat(p.value()).isNull();
        assertThat(p.problems()).singleElement().satisfies(x -> assertThat(x.message())
                .contains("TCP 10.2.0.155:2024 rr -> 172.17.89.10:20000 Masq; TCP 10.2.0.1:443 rr -> 10.0.0.33:6443 Masq"));
        // a whole listing pasted without its header (as in public threads) is still the table
        String whole = """
                TCP  10.2.0.155:2024 rr
                  -> 172.17.89.10:20000           Masq    1      0          0
                """;
        assertThat(IpvsadmText.parse("ipvs.txt", whole).value()).singleElement()
                .satisfies(v -> assertThat(v.address()).isEqualTo(SocketAddress.parse("10.2.0.155:2024")));
        // and a malformed whole listing is still reported: a real server before any virtual server, under the header
        Parsed<List<VirtualServer>> bad = IpvsadmText.parse("ipvs.txt", """
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                  -> 172.17.89.4:9090             Masq    1      0          0
                """);
        assertThat(bad.problems()).singleElement().satisfies(x -> assertThat(x.message()).contains("before any virtual server"));
    }

    @Test
    void ipvsadmSaveFormIsReadToo() {
        String text = "-A -t 10.2.0.155:2024 -s rr\n-a -t 10.2.0.155:2024 -r 172.17.89.10:20000 -m -w 1\n"
                + "-A -u 10.2.0.10:53 -s rr\n-a -t 10.9.9.9:1 -r 1.2.3.4:5 -m -w 1\n";
        Parsed<List<VirtualServer>> p = IpvsadmText.parse("ipvs.txt", text);
        assertThat(p.value()).containsExactly(
                new VirtualServer(Protocol.TCP, SocketAddress.parse("10.2.0.155:2024"), "rr",
                        List.of(VirtualServer.RealServer.masq(SocketAddress.parse("172.17.89.10:20000")))),
                new VirtualServer(Protocol.UDP, SocketAddress.parse("10.2.0.10:53"), "rr", List.of()));
        assertThat(p.problems()).extracting(ParseProblem::line).containsExactly(4);
    }

    @Test
    void unitsFromTheSeedTranscriptAndFromTheBundleForm() {
        Parsed<Map<Daemon, Daemon.State>> seed = UnitsText.parse("units.txt", Golden.section("seed/10-ipvs.txt", "systemctl status", 0));
        assertThat(seed.value()).containsExactly(Map.entry(Daemon.KUBE_PROXY, Daemon.State.NOT_FOUND));
        Parsed<Map<Daemon, Daemon.State>> plain = UnitsText.parse("units.txt",
                "kube-proxy inactive\nflanneld active\nkubelet not-found\nfoo bar baz\n[root@h ~]# systemctl is-active docker\nactive\n");
        assertThat(plain.value()).containsEntry(Daemon.KUBE_PROXY, Daemon.State.INACTIVE).containsEntry(Daemon.FLANNELD, Daemon.State.ACTIVE)
                .containsEntry(Daemon.KUBELET, Daemon.State.NOT_FOUND).containsEntry(Daemon.DOCKER, Daemon.State.ACTIVE);
        assertThat(plain.problems()).extracting(ParseProblem::line).containsExactly(4);
    }

    @Test
    void sysctlAndSubnetEnv() {
        Parsed<Map<String, String>> s = SysctlText.parse("sysctl.txt", "net.ipv4.ip_forward = 0\nnet.bridge.bridge-nf-call-iptables=1\ngarbage\n");
        assertThat(s.value()).containsEntry("net.ipv4.ip_forward", "0").containsEntry("net.bridge.bridge-nf-call-iptables", "1");
        assertThat(s.problems()).extracting(ParseProblem::line).containsExactly(3);
        Parsed<SubnetEnv> env = SubnetEnv.parse("subnet.env",
                "FLANNEL_NETWORK=172.17.0.0/16\nFLANNEL_SUBNET=172.17.89.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=false\n");
        assertThat(env.problems()).isEmpty();
        assertThat(env.value().subnet()).hasToString("172.17.89.0/24");
        assertThat(env.value().bridgeAddress()).isEqualTo(Ipv4.parse("172.17.89.1"));
        assertThat(env.value().mtu()).isEqualTo(1450);
    }
}
