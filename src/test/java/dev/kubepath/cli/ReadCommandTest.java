package dev.kubepath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's notes pasted as one session (src/test/resources/transcript/seed-session.txt: the operator's outputs
 * concatenated in their numbered order, verbatim), cut into a bundle by its prompts.
 */
class ReadCommandTest {
    static final Path SESSION = Path.of("src/test/resources/transcript/seed-session.txt");

    @TempDir
    Path dir;

    @Test
    void theSeedSessionSplitsIntoItsThreeHostsAndTheCluster() throws Exception {
        Path out = dir.resolve("seed");
        Cli c = Cli.run("read", "--transcript", SESSION.toString(), "-o", out.toString(), "--json");
        assertThat(c.exit()).as(c.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(c.out());
        assertThat(j.get("hosts").fieldNames()).toIterable().containsExactlyInAnyOrder("mcwk8s03", "mcwk8s05", "mcwk8s06");

        // route -n: each host's last table has five rows (the default, the underlay subnet, docker0 and flannel routes)
        for (String h : new String[]{"mcwk8s03", "mcwk8s05", "mcwk8s06"}) assertThat(j.at("/hosts/" + h + "/routes").asInt()).as(h).isEqualTo(5);
        // ifconfig docker (and ifconfig flannel.1 on mcwk8s05): one IPv4 address per device shown
        assertThat(j.at("/hosts/mcwk8s03/addresses").asInt()).isEqualTo(1);
        assertThat(j.at("/hosts/mcwk8s05/addresses").asInt()).isEqualTo(2);
        // ipvsadm -Ln on the master: the header and nothing else; on mcwk8s05 'ipvsadm -Ln|grep -C 1 10.2.0.155' shows
        // one service, but a fragment is no table: unknown, not 1 (it would say 05 has no NodePort)
        assertThat(j.at("/hosts/mcwk8s03/virtualServers").asInt()).isZero();
        assertThat(j.at("/hosts/mcwk8s05/virtualServers").isNull()).isTrue();
        assertThat(j.at("/hosts/mcwk8s06/virtualServers").isNull()).as("no ipvsadm on mcwk8s06: unknown, not 0").isTrue();
        assertThat(j.at("/hosts/mcwk8s05/neighbours").isNull()).isTrue();
        // etcdctl ls/get before and after: 172.17.9.0, 172.17.83.0 and (after the restart) 172.17.89.0
        assertThat(j.at("/cluster/leases").asInt()).isEqualTo(3);
        assertThat(j.at("/cluster/nodes").asInt()).isEqualTo(2);
        assertThat(j.at("/cluster/pods").asInt()).isEqualTo(1);
        assertThat(j.at("/cluster/services").asInt()).isEqualTo(3);
        assertThat(j.at("/cluster/endpoints").isNull()).isTrue();
        // the fragment is read and named at its first line in the session: its service, and the real server grep -C 1
        // cut from the service above it
        assertThat(j.get("problems")).anySatisfy(p -> {
            assertThat(p.get("file").asText()).isEqualTo("seed-session.txt");
            assertThat(p.get("line").asInt()).isEqualTo(204);
            assertThat(p.get("message").asText()).contains("a fragment of ipvsadm -Ln").contains("TCP 10.2.0.155:2024 rr -> 172.17.89.10:20000 Masq")
                    .contains("172.17.89.4:9090");
        });
        // the curl outputs carry no state; they are read as the probes the operator saw (the doctor's "seen"), not unread lines
        assertThat(j.get("problems")).noneSatisfy(p -> assertThat(p.get("message").asText()).contains("curl -I 10.0.0.35:41527"));

        // the bundle written out holds each host's outputs under its name, and the cluster's under cluster/
        assertThat(Files.readString(out.resolve("hosts/mcwk8s05/addr.txt"))).contains("flannel.1: flags=4163").contains("inet 172.17.89.1");
        assertThat(Files.readString(out.resolve("hosts/mcwk8s06/addr.txt"))).contains("inet 172.17.9.1 ");
        assertThat(Files.readString(out.resolve("hosts/mcwk8s03/units.txt"))).contains("Unit kube-proxy.service could not be found.");
        assertThat(Files.readString(out.resolve("cluster/leases.txt"))).contains("\"PublicIP\":\"10.0.0.35\"");
        assertThat(Files.readString(out.resolve("cluster/nodes.txt"))).contains("mcwk8s06   Ready");
        assertThat(out.resolve("hosts/mcwk8s06/ipvs.txt")).doesNotExist();

        // and that bundle reads back into the same counts
        Cli again = Cli.run("read", out.toString(), "--json");
        JsonNode k = new ObjectMapper().readTree(again.out());
        assertThat(k.get("hosts")).isEqualTo(j.get("hosts"));
        // the same counts; a cut listing is cited where each was read (the session's line, the bundle file's)
        var kc = (com.fasterxml.jackson.databind.node.ObjectNode) k.get("cluster").deepCopy();
        var jc = (com.fasterxml.jackson.databind.node.ObjectNode) j.get("cluster").deepCopy();
        assertThat(kc.remove("filtered").findValuesAsText("by")).isEqualTo(jc.remove("filtered").findValuesAsText("by"));
        assertThat(kc).isEqualTo(jc);
        // the seed's pod listing is the operator's grep: the one pod it shows is read, the others are unknown
        assertThat(j.at("/cluster/filtered/pods/by").asText()).isEqualTo("kubectl get pod -o wide|grep mcwtest");
        assertThat(j.at("/cluster/filtered/pods/file").asText() + ":" + j.at("/cluster/filtered/pods/line").asInt()).isEqualTo("seed-session.txt:19");
        assertThat(Files.readAllLines(SESSION).get(18)).endsWith("kubectl get pod -o wide|grep mcwtest");
        assertThat(k.at("/cluster/filtered/pods/file").asText()).isEqualTo("cluster/pods.txt");
    }

    @Test
    void textShowsCountsUnknownsAndProblemsWithTheirLines() {
        Cli c = Cli.run("read", "--transcript", SESSION.toString());
        assertThat(c.exit()).isZero();
        assertThat(c.out()).contains("cluster: nodes 2, pods 1, services 3, endpoints unknown, leases 3")
                .contains("host mcwk8s06: addresses 1, routes 5, neighbours unknown")
                .contains("seed-session.txt:204: ");
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        Cli c = Cli.run("read", dir.resolve("nope").toString());
        assertThat(c.exit()).isEqualTo(2);
        assertThat(c.err()).contains("nope: no such file or directory").doesNotContain("Exception");
        Cli both = Cli.run("read");
        assertThat(both.exit()).isEqualTo(2);
    }

    @Test
    void doctorOnTheSessionFindsWhatItFindsOnTheBundleMadeFromIt() throws Exception {
        Path out = dir.resolve("doctor");
        Cli session = Cli.run("doctor", "--transcript", SESSION.toString(), "-o", out.toString(), "--json");
        Cli bundle = Cli.run("doctor", out.toString(), "--json");
        assertThat(session.exit()).as(session.err()).isEqualTo(bundle.exit());
        JsonNode a = new ObjectMapper().readTree(session.out()), b = new ObjectMapper().readTree(bundle.out());
        assertThat(a.get("findings")).isNotEmpty().hasSameSizeAs(b.get("findings"));
        assertThat(a.get("findings").toString()).contains("mcwk8s03");
        // the same findings, with the same evidence; the session's cites the session file and its lines, what the
        // user pasted, where the bundle's cites the file cut from it
        java.util.List<String> pasted = Files.readAllLines(SESSION);
        int cited = 0;
        for (int i = 0; i < a.get("findings").size(); i++) {
            JsonNode fa = a.get("findings").get(i), fb = b.get("findings").get(i);
            for (String k : new String[]{"code", "severity", "summary", "hosts", "subnets", "services", "impact"}) {
                assertThat(fa.get(k)).as(k).isEqualTo(fb.get(k));
            }
            assertThat(fa.get("evidence")).hasSameSizeAs(fb.get("evidence"));
            for (int e = 0; e < fa.get("evidence").size(); e++) {
                JsonNode ea = fa.get("evidence").get(e), eb = fb.get("evidence").get(e);
                assertThat(ea.get("text")).isEqualTo(eb.get("text"));
                if (eb.get("file").asText().equals("trace")) continue; // a trace's last step, no file of either
                assertThat(ea.get("file").asText()).startsWith("seed-session.txt");
                if (eb.get("line").isNull()) continue;
                assertThat(eb.get("file").asText()).matches("(hosts|cluster)/.*");
                int line = ea.get("line").asInt();
                assertThat(pasted.get(line - 1)).as("seed-session.txt:" + line).contains(ea.get("text").asText());
                cited++;
            }
        }
        assertThat(cited).as("evidence lines cited in the session").isPositive();
        // the session's name, not that of a temporary directory
        assertThat(a.get("snapshot").toString()).contains("seed-session.txt");
    }
    @Test
    void aSessionGivenAsTheSnapshotIsReadAsTheSessionItIs() throws Exception {
        // an operator types "kubepath doctor notes.txt", not --transcript: the prompts say it is a session
        Cli given = Cli.run("doctor", SESSION.toString(), "--json", "--no-fix-check");
        Cli flagged = Cli.run("doctor", "--transcript", SESSION.toString(), "--json", "--no-fix-check");
        assertThat(given.exit()).as(given.err()).isEqualTo(flagged.exit()).isNotEqualTo(2);
        assertThat(given.out()).isEqualTo(flagged.out());
        Cli read = Cli.run("read", SESSION.toString());
        assertThat(read.exit()).as(read.err()).isZero();
        assertThat(read.out()).isEqualTo(Cli.run("read", "--transcript", SESSION.toString()).out());
    }

    @Test
    void aSessionWhoseFlowsAreAllUnknownIsInsufficientNotOk() throws Exception {
        // a node's routes and the services, and nothing of the rules that carry the services: no flow can be decided
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, """
                [root@k8s-master ~]# kubectl get svc
                NAME         TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)        AGE
                kubernetes   ClusterIP   10.96.0.1       <none>        443/TCP        3d
                nginx        NodePort    10.103.45.12    <none>        80:30080/TCP   2d
                [root@k8s-master ~]# ip route
                default via 10.0.2.2 dev eth0 proto dhcp metric 100
                10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.15 metric 100
                10.244.0.0/24 dev cni0 proto kernel scope link src 10.244.0.1
                10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink
                """);
        Cli c = Cli.run("doctor", notes.toString(), "--no-fix-check");
        assertThat(c.out()).as(c.err()).startsWith("INSUFFICIENT: notes.txt:").contains(" 0 ok, 0 failing, ");
        assertThat(c.exit()).isEqualTo(3);
    }
    @Test
    void aFailedProbeInTheSessionIsNeverOkAndSaysWhatTheSnapshotCannotTell() throws Exception {
        Path notes = dir.resolve("probe.txt");
        Files.writeString(notes, """
                [root@k8s-master ~]# ip route
                default via 10.0.2.2 dev eth0 proto dhcp metric 100
                10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.15 metric 100
                10.244.0.0/24 dev cni0 proto kernel scope link src 10.244.0.1
                10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink
                [root@k8s-master ~]# curl -m 5 10.244.1.2
                curl: (28) Connection timed out after 5001 milliseconds
                """);
        Cli c = Cli.run("doctor", notes.toString(), "--no-fix-check", "--json");
        assertThat(c.exit()).as(c.out() + c.err()).isEqualTo(1);
        JsonNode r = new ObjectMapper().readTree(c.out());
        assertThat(r.get("verdict").asText()).isEqualTo("warning");
        assertThat(r.get("seen")).singleElement().satisfies(x -> {
            assertThat(x.get("host").asText()).isEqualTo("k8s-master");
            assertThat(x.get("observed").asText()).isEqualTo("timeout");
            assertThat(x.get("line").asInt()).isEqualTo(7);
            assertThat(x.get("agrees").asBoolean()).isFalse();
        });
        assertThat(r.get("findings").toString()).contains("OBSERVED_FAILURE").contains("curl to 10.244.1.2:80 ended timeout in the session");
        // the probe's output is read: not listed among the lines kubepath could not read
        assertThat(r.get("problems").toString()).doesNotContain("output of 'curl");
    }
    @Test
    void sharedVtepDestinationsInThePastedFdbExplainTheFailedCurlWithoutTheLeases() throws Exception {
        // a session written for this test in the shape of the Vagrant threads (flannel picked the NAT interface, eth0
        // 10.0.2.15, on every node): the leases are not pasted; the FDB's two peers at one address, the host's own, are
        Path session = Path.of("src/test/resources/transcript/vagrant-nat-public-ip.txt");
        Cli c = Cli.run("doctor", session.toString(), "--no-fix-check", "--json");
        assertThat(c.exit()).as(c.out() + c.err()).isEqualTo(1);
        JsonNode r = new ObjectMapper().readTree(c.out());
        assertThat(r.get("verdict").asText()).isEqualTo("critical");
        JsonNode f = r.get("findings").get(0);
        assertThat(f.get("code").asText()).isEqualTo("PUBLIC_IP_CONFLICT");
        assertThat(f.get("severity").asText()).isEqualTo("critical");
        assertThat(f.get("summary").asText()).contains("to one address, 10.0.2.15, its own, which is no node's InternalIP");
        assertThat(f.get("evidence").findValuesAsText("line")).contains("37", "38", "40");
        assertThat(f.get("impact").get("broken").toString()).contains("k8s-master -> 10.244.1.2:80: timeout (seen in the session)");
        assertThat(r.get("findings").toString()).doesNotContain("OBSERVED_FAILURE");
    }
}
