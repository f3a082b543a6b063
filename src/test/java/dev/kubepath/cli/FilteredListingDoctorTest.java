package dev.kubepath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Kubernetes listing pasted through a filter ({@code kubectl get pods -o wide | grep node2}, {@code | grep -v
 * Running}, {@code | head}, {@code -n default}, {@code kubectl get ep | grep web}, {@code kubectl get nodes | grep
 * node2}) shows some objects: those it shows are facts, those it leaves out are unknown, never absent. Each session
 * is written as an operator pastes one (prompts of several shapes); each test holds the doctor's answer on the cut
 * listing against its answer on the whole one, which still gives the finding.
 */
class FilteredListingDoctorTest {
    @TempDir
    Path dir;

    /** Two nodes on flannel's VXLAN backend; node1's docker0 keeps mtu 1500 over flannel.1's 1450. */
    private static final String LEASES = """
            [root@master ~]# etcdctl ls /coreos.com/network/subnets
            /coreos.com/network/subnets/10.244.1.0-24
            /coreos.com/network/subnets/10.244.2.0-24
            [root@master ~]# etcdctl get /coreos.com/network/subnets/10.244.1.0-24
            {"PublicIP":"192.168.1.11","BackendType":"vxlan","BackendData":{"VtepMAC":"8e:1b:53:0a:11:01"}}
            [root@master ~]# etcdctl get /coreos.com/network/subnets/10.244.2.0-24
            {"PublicIP":"192.168.1.12","BackendType":"vxlan","BackendData":{"VtepMAC":"8e:1b:53:0a:12:01"}}
            """;

    private static String node(String prompt, int n, int dockerMtu) {
        return """
                %1$s ip addr
                1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
                    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
                    inet 127.0.0.1/8 scope host lo
                       valid_lft forever preferred_lft forever
                2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP group default qlen 1000
                    link/ether 52:54:00:12:34:1%2$d brd ff:ff:ff:ff:ff:ff
                    inet 192.168.1.1%2$d/24 brd 192.168.1.255 scope global eth0
                       valid_lft forever preferred_lft forever
                3: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default
                    link/ether 8e:1b:53:0a:1%2$d:01 brd ff:ff:ff:ff:ff:ff
                    inet 10.244.%2$d.0/32 scope global flannel.1
                       valid_lft forever preferred_lft forever
                4: docker0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu %3$d qdisc noqueue state UP group default
                    link/ether 02:42:ac:11:0%2$d:01 brd ff:ff:ff:ff:ff:ff
                    inet 10.244.%2$d.1/24 brd 10.244.%2$d.255 scope global docker0
                       valid_lft forever preferred_lft forever
                %1$s ip route
                default via 192.168.1.1 dev eth0
                10.244.%2$d.0/24 dev docker0 proto kernel scope link src 10.244.%2$d.1
                10.244.%4$d.0/24 via 10.244.%4$d.0 dev flannel.1 onlink
                192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.1%2$d
                """.formatted(prompt, n, dockerMtu, 3 - n);
    }

    private static final String NODES = """
            [root@master ~]# kubectl get nodes -o wide
            NAME    STATUS   ROLES    AGE   VERSION   INTERNAL-IP    EXTERNAL-IP   OS-IMAGE                KERNEL-VERSION           CONTAINER-RUNTIME
            node1   Ready    <none>   9d    v1.18.6   192.168.1.11   <none>        CentOS Linux 7 (Core)   3.10.0-1127.el7.x86_64   docker://19.3.12
            node2   Ready    <none>   9d    v1.18.6   192.168.1.12   <none>        CentOS Linux 7 (Core)   3.10.0-1127.el7.x86_64   docker://19.3.12
            """;

    private static final String SERVICES = """
            [root@master ~]# kubectl get svc
            NAME         TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)        AGE
            web-svc      NodePort    10.96.12.34    <none>        80:30080/TCP   2d
            """;

    private static final String ALL_PODS = """
            [root@master ~]# kubectl get pods -A -o wide
            NAMESPACE     NAME                       READY   STATUS    RESTARTS   AGE   IP           NODE    NOMINATED NODE   READINESS GATES
            default       web-5d9c7b8f6-8xk2p        1/1     Running   0          2d    10.244.1.7   node1   <none>           <none>
            default       web-5d9c7b8f6-q4wzt        1/1     Running   0          2d    10.244.2.5   node2   <none>           <none>
            kube-system   coredns-66bff467f8-m2tnx   1/1     Running   0          9d    10.244.2.3   node2   <none>           <none>
            """;

    private Path session(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static int lineOf(String text, String needle) {
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) if (lines[i].contains(needle)) return i + 1;
        throw new AssertionError(needle + " not in the session");
    }

    private static JsonNode json(Cli c) throws Exception {
        return new ObjectMapper().readTree(c.out());
    }

    private static JsonNode finding(JsonNode report, String code) {
        for (JsonNode f : report.get("findings")) if (f.get("code").asText().equals(code)) return f;
        return null;
    }

    @Test
    void theWholePodListingShowsNode1sPodsSoItsDockerMtuIsAFinding() throws Exception {
        String text = NODES + ALL_PODS + SERVICES + LEASES + node("root@node1:~#", 1, 1500) + node("root@node2:~#", 2, 1450);
        Cli c = Cli.run("doctor", session("whole.txt", text).toString(), "--no-fix-check", "--json");
        JsonNode r = json(c);
        JsonNode mtu = finding(r, "MTU_MISMATCH");
        assertThat(mtu).as(c.out()).isNotNull();
        assertThat(mtu.get("hosts").toString()).contains("node1");
        assertThat(r.get("verdict").asText()).isEqualTo("warning");
        assertThat(r.get("findings").toString()).doesNotContain("not concluded");
    }

    /**
     * The pod listing cut four ways, behind four prompt shapes: no pod of node1 is shown, which is no "docker0 of
     * node1 carries no pod" (an empty bridge reports 1500 on this kernel whatever dockerd's --mtu, so no finding):
     * the doctor says what it could not conclude, why, and at which line of the session.
     */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "[root@master ~]#;kubectl get pods -o wide | grep node2;the pod listing was filtered",
            "controlplane $;kubectl get po -o wide |grep -v Running;the pod listing was filtered",
            "admin@master:~$;sudo kubectl get pods -A -o wide | head -3;the pod listing was filtered",
            "$;kubectl get pods -n default -o wide;the pod listing was narrowed to namespace default"})
    void aCutPodListingLeavesNode1sDockerMtuUnknownNotFine(String prompt, String command, String said) throws Exception {
        String shown = command.contains("grep -v Running") ? """
                web-5d9c7b8f6-zz9rt   0/1   CrashLoopBackOff   12   2d    10.244.2.9   node2   <none>   <none>
                """ : command.contains("-n default") ? """
                NAME                  READY   STATUS    RESTARTS   AGE   IP           NODE    NOMINATED NODE   READINESS GATES
                web-5d9c7b8f6-q4wzt   1/1     Running   0          2d    10.244.2.5   node2   <none>           <none>
                """ : command.contains("head") ? """
                NAMESPACE     NAME                       READY   STATUS    RESTARTS   AGE   IP           NODE    NOMINATED NODE   READINESS GATES
                default       web-5d9c7b8f6-q4wzt        1/1     Running   0          2d    10.244.2.5   node2   <none>           <none>
                """ : """
                web-5d9c7b8f6-q4wzt   1/1   Running   0   2d   10.244.2.5   node2   <none>   <none>
                """;
        String text = NODES + prompt + " " + command + "\n" + shown + SERVICES + LEASES + node("root@node1:~#", 1, 1500) + node("root@node2:~#", 2, 1450);
        Path s = session("cut.txt", text);
        int line = lineOf(text, command);

        Cli c = Cli.run("doctor", s.toString(), "--no-fix-check", "--json");
        JsonNode r = json(c);
        assertThat(finding(r, "MTU_MISMATCH")).as(c.out()).isNull();
        JsonNode unknown = finding(r, "INSUFFICIENT_INFO");
        assertThat(r.get("findings").toString()).contains("not concluded for node1: whether docker0 (mtu 1500 > 1450 of flannel.1) carries pods");
        assertThat(unknown).isNotNull();
        assertThat(unknown.get("summary").asText()).contains(said + " by `" + command + "`");
        // where: the session's line the user pasted the command on
        assertThat(unknown.get("evidence").get(0).get("file").asText()).isEqualTo("cut.txt");
        assertThat(unknown.get("evidence").get(0).get("line").asInt()).isEqualTo(line);
        // no data is never ok: what the doctor withheld keeps the verdict from "ok"
        assertThat(r.get("verdict").asText()).isEqualTo("insufficient");
        assertThat(c.exit()).isEqualTo(3);

        // the text form says it on one line, with the session's file and line
        Cli t = Cli.run("doctor", s.toString(), "--no-fix-check");
        assertThat(t.out()).containsPattern("not concluded for node1: whether docker0 .*carries pods.*" + java.util.regex.Pattern.quote("at cut.txt:" + line));

        // kubepath read shows the cut with its line
        JsonNode read = json(Cli.run("read", "--transcript", s.toString(), "--json"));
        JsonNode cut = read.at("/cluster/filtered/pods");
        assertThat(cut.get("by").asText()).isEqualTo(command);
        assertThat(cut.get("file").asText()).isEqualTo("cut.txt");
        assertThat(cut.get("line").asInt()).isEqualTo(line);
        assertThat(read.at("/cluster/filtered/services").isMissingNode()).as("kubectl get svc: namespace default").isFalse();
        assertThat(read.at("/cluster/filtered/nodes").isMissingNode()).as("kubectl get nodes is whole").isTrue();
    }

    /** What a cut listing shows still stands: node2's pod and its address are observed, and a flow to it is traced. */
    @Test
    void thePodsACutListingShowsAreStillFacts() throws Exception {
        String text = NODES + "[root@master ~]# kubectl get pods -o wide | grep node2\n"
                + "web-5d9c7b8f6-q4wzt   1/1   Running   0   2d   10.244.2.5   node2   <none>   <none>\n"
                + SERVICES + LEASES + node("root@node1:~#", 1, 1450) + node("root@node2:~#", 2, 1450);
        Path s = session("shown.txt", text);
        JsonNode read = json(Cli.run("read", "--transcript", s.toString(), "--json"));
        assertThat(read.at("/cluster/pods").asInt()).isEqualTo(1);
        JsonNode r = json(Cli.run("doctor", s.toString(), "--no-fix-check", "--json"));
        // node1's NodePort reaches the pod the listing shows, assuming kube-proxy's rules, and the assumption names the cut
        assertThat(r.get("symptoms").toString()).doesNotContain("\"result\":\"timeout\"");
        assertThat(r.toString()).contains("10.244.2.5:80");
    }

    /**
     * {@code kubectl get nodes | grep node2} does not show node1: that is no "node1 is not a node, its NodePorts are
     * refused". The whole listing without node1 still says it.
     */
    @Test
    void aNodeAFilteredNodeListingLeftOutIsNotANonNode() throws Exception {
        String node2Only = """
                NAME    STATUS   ROLES    AGE   VERSION
                node2   Ready    <none>   9d    v1.18.6
                """;
        String whole = "k8s-master ~ # kubectl get nodes\n" + node2Only + ALL_PODS + SERVICES + LEASES
                + node("root@node1:~#", 1, 1450) + node("root@node2:~#", 2, 1450);
        JsonNode r = json(Cli.run("doctor", session("nodes-whole.txt", whole).toString(), "--no-fix-check", "--json"));
        assertThat(finding(r, "NODEPORT_ON_NON_NODE")).as(r.toString()).isNotNull();

        String cut = "k8s-master ~ # kubectl get nodes | grep node2\n" + node2Only.lines().skip(1).map(l -> l + "\n").reduce("", String::concat)
                + ALL_PODS + SERVICES + LEASES + node("root@node1:~#", 1, 1450) + node("root@node2:~#", 2, 1450);
        Path s = session("nodes-cut.txt", cut);
        r = json(Cli.run("doctor", s.toString(), "--no-fix-check", "--json"));
        assertThat(finding(r, "NODEPORT_ON_NON_NODE")).as(r.toString()).isNull();
        assertThat(r.get("findings").toString()).contains("not concluded for node1: whether the host is a node")
                .contains("the node listing was filtered by `kubectl get nodes | grep node2`");
        assertThat(finding(r, "INSUFFICIENT_INFO").get("evidence").toString()).contains("\"file\":\"nodes-cut.txt\",\"line\":1");
        assertThat(Cli.run("doctor", s.toString(), "--no-fix-check").out())
                .contains("the node listing was filtered by `kubectl get nodes | grep node2` (what it does not show is unknown, not absent) (at nodes-cut.txt:1)");
    }

    /**
     * Where kube-proxy sends kube-dns is not shown when the endpoint listing was cut ({@code kubectl get ep | grep
     * web}) and no CoreDNS pod is listed: the DNS flows are unknown and say which cut hides it. With the whole endpoint
     * listing the same flows are traced to CoreDNS.
     */
    @Test
    void kubeDnsBehindACutEndpointListingIsUnknownWithItsReason() throws Exception {
        String svc = """
                [root@master ~]# kubectl get svc -A | grep -i dns
                kube-system   kube-dns     ClusterIP   10.96.0.10     <none>        53/UDP,53/TCP,9153/TCP   9d
                """;
        String pods = "[root@master ~]# kubectl get pods -o wide\n"
                + "NAME                  READY   STATUS    RESTARTS   AGE   IP           NODE    NOMINATED NODE   READINESS GATES\n"
                + "web-5d9c7b8f6-q4wzt   1/1     Running   0          2d    10.244.2.5   node2   <none>           <none>\n";
        String hosts = LEASES + node("root@node1:~#", 1, 1450) + node("root@node2:~#", 2, 1450);
        String cutEp = """
                [root@master ~]# kubectl get ep | grep web
                web-svc      10.244.2.5:80   2d
                """;
        String text = NODES + pods + svc + cutEp + hosts;
        Path s = session("dns-cut.txt", text);
        JsonNode r = json(Cli.run("doctor", s.toString(), "--no-fix-check", "--json"));
        String dns = "10.96.0.10:53";
        assertThat(r.get("symptoms")).filteredOn(x -> x.get("to").asText().startsWith(dns)).isNotEmpty()
                .allSatisfy(x -> {
                    assertThat(x.get("result").asText()).isEqualTo("unknown");
                    assertThat(x.get("reason").asText()).contains("the endpoints listing was filtered by `kubectl get ep | grep web` at dns-cut.txt:"
                            + lineOf(text, "kubectl get ep | grep web"));
                });

        String wholeEp = """
                [root@master ~]# kubectl get ep -A
                NAMESPACE     NAME         ENDPOINTS                                   AGE
                default       web-svc      10.244.2.5:80                               2d
                kube-system   kube-dns     10.244.2.3:53,10.244.2.3:53,10.244.2.3:9153   9d
                """;
        // the whole endpoint listing names CoreDNS's address; the pod listing narrowed to namespace default does not
        // show the pod there, which is unknown (not "no pod"), named with its own line
        String whole = NODES + pods + svc + wholeEp + hosts;
        r = json(Cli.run("doctor", session("dns-whole.txt", whole).toString(), "--no-fix-check", "--json"));
        assertThat(r.get("symptoms")).filteredOn(x -> x.get("to").asText().startsWith(dns)).isNotEmpty()
                .allSatisfy(x -> {
                    assertThat(x.get("result").asText()).isEqualTo("unknown");
                    assertThat(x.get("reason").asText()).isEqualTo("the pod holding 10.244.2.3 on docker0 of node2 is unknown: the pod listing was"
                            + " narrowed to namespace default by `kubectl get pods -o wide` at dns-whole.txt:" + lineOf(whole, "kubectl get pods -o wide"));
                });
        // and with every namespace's pods, the same flows are traced to CoreDNS
        r = json(Cli.run("doctor", session("dns-all.txt", NODES + ALL_PODS + svc + wholeEp + hosts).toString(), "--no-fix-check", "--json"));
        assertThat(r.get("symptoms")).filteredOn(x -> x.get("to").asText().startsWith(dns)).isNotEmpty()
                .allSatisfy(x -> assertThat(x.get("result").asText()).isEqualTo("ok"));
    }

    /**
     * {@code kubectl get ep | grep web} shows web-svc's Endpoints only: that api-svc's object is not shown is no
     * "the endpoints controller never wrote it". The whole listing of the namespace without it still says so.
     */
    @Test
    void aServiceACutEndpointListingLeftOutIsNotAServiceWithoutEndpoints() throws Exception {
        String svc = """
                [root@master ~]# kubectl get svc -o wide
                NAME      TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)    AGE   SELECTOR
                web-svc   ClusterIP   10.96.12.34    <none>        80/TCP     2d    app=web
                api-svc   ClusterIP   10.96.12.35    <none>        8080/TCP   2d    app=api
                """;
        String hosts = ALL_PODS + LEASES + node("root@node1:~#", 1, 1450) + node("root@node2:~#", 2, 1450);
        String whole = NODES + svc + """
                [root@master ~]# kubectl get ep
                NAME      ENDPOINTS       AGE
                web-svc   10.244.2.5:80   2d
                """ + hosts;
        JsonNode r = json(Cli.run("doctor", session("ep-whole.txt", whole).toString(), "--no-fix-check", "--json"));
        JsonNode no = finding(r, "NO_ENDPOINTS");
        assertThat(no).as(r.toString()).isNotNull();
        assertThat(no.get("services").toString()).contains("default/api-svc");

        String cut = NODES + svc + """
                ubuntu@master:~$ kubectl get ep | grep web
                web-svc   10.244.2.5:80   2d
                """ + hosts;
        r = json(Cli.run("doctor", session("ep-cut.txt", cut).toString(), "--no-fix-check", "--json"));
        assertThat(finding(r, "NO_ENDPOINTS")).as(r.toString()).isNull();
        JsonNode unknown = finding(r, "INSUFFICIENT_INFO");
        assertThat(r.get("findings").toString()).contains("not concluded for default/api-svc: whether the service has an Endpoints object")
                .contains("the endpoints listing was filtered by `kubectl get ep | grep web`");
        assertThat(r.get("findings").toString()).contains("\"file\":\"ep-cut.txt\",\"line\":" + lineOf(cut, "kubectl get ep | grep web"));
        assertThat(unknown).isNotNull();
    }
}
