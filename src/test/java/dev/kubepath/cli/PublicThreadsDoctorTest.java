package dev.kubepath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The doctor on sessions users pasted in public issue threads whose root cause the thread settled
 * (src/test/resources/transcript/threads: SOURCE.md names each thread and its cause, README.md the doctor's answers).
 * Each session is the user's machine output and typed commands, verbatim, in their prompt style. Where the paste
 * shows the cause, the verdict names it; where it cannot, the verdict is insufficient (or a warning that names what
 * is missing), never ok.
 */
class PublicThreadsDoctorTest {
    static final Path THREADS = Path.of("src/test/resources/transcript/threads");

    @TempDir
    Path dir;

    private static JsonNode doctor(String session, int exit) throws Exception {
        Cli c = Cli.run("doctor", "--transcript", THREADS.resolve(session).toString(), "--no-fix-check", "--json");
        assertThat(c.exit()).as(c.out() + c.err()).isEqualTo(exit);
        return new ObjectMapper().readTree(c.out());
    }

    private JsonNode read(String session) throws Exception {
        Cli c = Cli.run("read", "--transcript", THREADS.resolve(session).toString(), "-o", dir.resolve("b").toString(), "--json");
        assertThat(c.exit()).as(c.err()).isZero();
        return new ObjectMapper().readTree(c.out());
    }

    private static JsonNode finding(JsonNode report, String code) {
        for (JsonNode f : report.get("findings")) if (f.get("code").asText().equals(code)) return f;
        throw new AssertionError("no " + code + " in " + report.get("findings"));
    }

    /** kube-ansible#180: flanneld never configured flannel.1 (down, no address, no route): it was "ok", exit 0. */
    @Test
    void aVxlanDeviceDownWithNoAddressIsOverlayDownNotOk() throws Exception {
        JsonNode r = doctor("kube-ansible-180-flannel-down.txt", 1);
        assertThat(r.get("verdict").asText()).isEqualTo("warning");
        JsonNode f = finding(r, "OVERLAY_DOWN");
        assertThat(f.get("hosts").toString()).isEqualTo("[\"kube-master\"]");
        assertThat(f.get("summary").asText()).startsWith("flannel.1 of kube-master is down and has no address, and no route goes through it");
        // the evidence is the line the user pasted: flannel.1's header, with no UP among its flags
        assertThat(f.at("/evidence/0/line").asInt()).isEqualTo(18);
        assertThat(f.at("/evidence/0/text").asText()).contains("flannel.1: <BROADCAST,MULTICAST> mtu 1450 qdisc noop state DOWN");

        JsonNode read = read("kube-ansible-180-flannel-down.txt");
        assertThat(read.at("/hosts/kube-master/addresses").asInt()).as("lo, eth0, docker0; flannel.1 has none").isEqualTo(3);
        assertThat(read.at("/hosts/kube-master/routes").asInt()).isEqualTo(3);
    }

    /** rancher#13644: no route to 10.42.6.0/24 on the host; the ping followed the default route out of the overlay. */
    @Test
    void aFailedPingOnlyTheDefaultRouteCoversNamesTheMissingOverlayRoute() throws Exception {
        JsonNode r = doctor("rancher-13644-route-missing.txt", 1);
        assertThat(r.get("verdict").asText()).isEqualTo("warning");
        JsonNode f = finding(r, "OBSERVED_FAILURE");
        assertThat(f.get("summary").asText())
                .contains("10.42.6.2 matches only the default route via 172.31.0.1 dev eth0, while 6 other subnets go through flannel.1")
                .contains("no overlay route covers it");
        // the ping's summary, and the default route it took (the session's line 7)
        assertThat(f.at("/evidence/0/line").asInt()).isEqualTo(5);
        assertThat(f.at("/evidence/1/line").asInt()).isEqualTo(7);
        assertThat(f.at("/evidence/1/text").asText()).isEqualTo("default via 172.31.0.1 dev eth0");
        assertThat(r.get("seen").get(0).get("observed").asText()).isEqualTo("timeout");

        JsonNode read = read("rancher-13644-route-missing.txt");
        // the default route, six flannel.1 routes and the two /32 routes to calico's veths
        assertThat(read.at("/hosts/ip-172-31-5-12/routes").asInt()).isEqualTo(9);
    }

    /**
     * flannel#1393: docker took --bip 192.168.27.1/24 from a stale /run/flannel/docker while subnet.env said
     * 192.168.19.1/24. The two `cat` commands were typed with no prompt; each block is read by its own format. Neither
     * docker0's address nor any host's routes are shown, but the two files alone name the cause: the docker opts file
     * is stale (a warning: docker0 is not shown, so whether docker already took it is unknown).
     */
    @Test
    void catOfFlannelFilesWithNoPromptKeepsTheirOutputsApart() throws Exception {
        JsonNode read = read("flannel-1393-docker-opts-stale.txt");
        assertThat(read.get("problems").toString())
                .doesNotContain("not read")
                .doesNotContain("expected NAME=value");
        assertThat(java.nio.file.Files.readString(dir.resolve("b/hosts/unknown-host/subnet.env")))
                .contains("FLANNEL_NETWORK=192.168.0.0/17\nFLANNEL_SUBNET=192.168.19.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=false\n")
                .doesNotContain("DOCKER_OPT");
        assertThat(java.nio.file.Files.readString(dir.resolve("b/hosts/unknown-host/docker-opts.txt")))
                .contains("DOCKER_OPT_BIP=\"--bip=192.168.27.1/24\"").doesNotContain("FLANNEL_");
        JsonNode r = doctor("flannel-1393-docker-opts-stale.txt", 1);
        assertThat(r.get("verdict").asText()).isEqualTo("warning");
        assertThat(r.get("findings").toString()).as(r.toString()).contains("DOCKER_OPTS_STALE", "--bip=192.168.27.1/24", "192.168.19.0/24",
                "mk-docker-opts.sh");
    }

    /**
     * flannel#217: the lease's PublicIP is 10.0.2.15 (Vagrant's NAT interface) though flanneld was meant to use eth1;
     * the paste shows the lease and eth1 only (a grep of ip a), not which host owns the lease: insufficient.
     */
    @Test
    void aLeaseWhoseOwnerIsNotShownIsInsufficient() throws Exception {
        JsonNode read = read("flannel-217-public-ip-nat.txt");
        assertThat(read.at("/cluster/leases").asInt()).isEqualTo(1);
        assertThat(read.at("/hosts/kube0/addresses").asInt()).isEqualTo(1);
        // the one address is observed, but grep cut the listing: 10.0.2.15 may be on kube0's eth0, so it stays unknown
        assertThat(read.get("problems").toString()).contains("shown only through a filter (ip a | grep eth1)");
        JsonNode r = doctor("flannel-217-public-ip-nat.txt", 3);
        assertThat(r.get("verdict").asText()).isEqualTo("insufficient");
        assertThat(r.get("findings").toString()).contains("the routing table of kube0 is not in the snapshot").doesNotContain("\"critical\"");
    }

    /**
     * opsnull#138: docker0 kept docker's 172.17.0.1/16 (dockerd not started with /run/flannel/docker's --bip). The
     * paste has no prompt and no routes; the docker opts file it shows is what says docker0 should hold --bip.
     */
    @Test
    void aDocker0OtherThanTheDockerOptsBipIsNamed() throws Exception {
        JsonNode read = read("opsnull-138-docker0-default-bridge.txt");
        assertThat(read.at("/hosts/unknown-host/addresses").asInt()).as("flannel.1 10.253.72.0 and docker0 172.17.0.1").isEqualTo(2);
        // the four lines of /run/flannel/docker, pasted with no command, are read as mk-docker-opts.sh's output
        assertThat(read.get("problems").findValuesAsText("line")).doesNotContain("18", "19", "20", "21");
        JsonNode r = doctor("opsnull-138-docker0-default-bridge.txt", 1);
        // a warning, not critical: docker0 carries no pod in the paste
        assertThat(r.get("verdict").asText()).as(r.toString()).isEqualTo("warning");
        // docker0 is not the file's --bip: dockerd was not started with flannel's options (the thread's cause)
        assertThat(r.get("findings").toString()).as(r.toString()).contains("DOCKER_OPTS_STALE", "docker0 of unknown-host is 172.17.0.0/16",
                "--bip=10.253.72.1/24", "dockerd was not started with flannel's options");
    }

    /** flannel#609: the FORWARD policy DROP of docker 1.13; the paste is tcpdump only, which shows no state. */
    @Test
    void tcpdumpAloneIsInsufficient() throws Exception {
        JsonNode r = doctor("flannel-609-tcpdump-forward-drop.txt", 3);
        assertThat(r.get("verdict").asText()).isEqualTo("insufficient");
        assertThat(r.get("problems").toString()).contains("output of 'tcpdump -nni eth0 host 192.168.5.1 and 192.168.5.2' not read");
    }

    /**
     * flannel#710: the ping failed, the user typed {@code iptables -I INPUT -s 10.211.55.0/24 -j ACCEPT} (the VXLAN
     * port was not accepted), and the same ping answered. The failure was an OBSERVED_FAILURE, "1 flow fails", of a
     * flow the session shows working: the later run of the same probe is the one judged. No state of s4 is shown.
     */
    @Test
    void aProbeRunAgainAfterAFixIsJudgedByItsLastRun() throws Exception {
        JsonNode r = doctor("flannel-710-input-drops-vxlan.txt", 3);
        assertThat(r.get("verdict").asText()).isEqualTo("insufficient");
        assertThat(r.get("findings").toString()).doesNotContain("OBSERVED_FAILURE");
        JsonNode first = r.get("seen").get(0), second = r.get("seen").get(1);
        assertThat(first.get("observed").asText()).isEqualTo("timeout");
        assertThat(first.get("reason").asText()).isEqualTo("the same probe ran again later in the session (line 14, ok), which is the one judged");
        assertThat(second.get("observed").asText()).isEqualTo("ok");
        assertThat(second.get("line").asInt()).isEqualTo(14);
    }

    // ---- threads kept as a folder each (THREADS/NAME/session.txt, with its SOURCE.md) --------------------------------

    private static String session(String thread) {
        return thread + "/session.txt";
    }

    private Path write(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        java.nio.file.Files.writeString(f, text);
        return f;
    }

    private static JsonNode doctorOn(Path file, int exit) throws Exception {
        Cli c = Cli.run("doctor", "--transcript", file.toString(), "--no-fix-check", "--json");
        assertThat(c.exit()).as(c.out() + c.err()).isEqualTo(exit);
        return new ObjectMapper().readTree(c.out());
    }

    /**
     * flannel#1155: systemd 242 gave flannel.1 of clr-02 another MAC after flanneld announced it; clr-01's neighbour
     * entry for 10.244.1.0 still holds the announced one. No lease is pasted: the two hosts' lines alone show it. It was
     * "INSUFFICIENT: no host and no cluster state to judge by".
     */
    @Test
    void aPeersNeighbourEntryOtherThanTheOwnersVxlanMacIsAStaleVtep() throws Exception {
        JsonNode r = doctor(session("flannel-1155-systemd-vtep-mac"), 1);
        assertThat(r.get("verdict").asText()).isEqualTo("warning");
        JsonNode f = finding(r, "VTEP_MISMATCH");
        assertThat(f.get("hosts").toString()).isEqualTo("[\"clr-01\",\"clr-02\"]");
        assertThat(f.get("summary").asText()).contains("the neighbour entry of clr-01 for 10.244.1.0 on flannel.1 says 5e:89:db:49:c6:a4",
                "flannel.1 of clr-02, which holds 10.244.1.0, is d6:02:e3:df:ea:7a", "No traced flow fails because of it");
        assertThat(f.at("/evidence/0/line").asInt()).isEqualTo(7);
        assertThat(f.at("/evidence/0/text").asText()).isEqualTo("10.244.1.0 dev flannel.1 lladdr 5e:89:db:49:c6:a4 PERMANENT");
        assertThat(f.at("/evidence/1/line").asInt()).isEqualTo(3);
        assertThat(f.get("fix").toString()).contains("on clr-02: systemctl restart flanneld", "MACAddressPolicy=none");

        JsonNode read = read(session("flannel-1155-systemd-vtep-mac"));
        assertThat(read.at("/hosts/clr-01/neighbours").asInt()).isEqualTo(1);
        assertThat(read.at("/hosts/clr-02/addresses").asInt()).isEqualTo(1);
    }

    /** cri-o#2546: the same cause through {@code arp -n} (flags CM), the owner's lines under a {@code #clr-01} label. */
    @Test
    void anArpRowOtherThanTheOwnersVxlanMacIsAStaleVtep() throws Exception {
        JsonNode r = doctor(session("crio-2546-arp-vtep-mac"), 1);
        JsonNode f = finding(r, "VTEP_MISMATCH");
        assertThat(f.get("summary").asText()).contains("the neighbour entry of clr-02 for 10.244.0.0 on flannel.1 says 6e:76:75:3d:6b:61",
                "is 9a:7a:ba:c1:ab:5d");
        assertThat(f.at("/evidence/0/line").asInt()).isEqualTo(8);
        assertThat(f.at("/evidence/0/text").asText()).startsWith("10.244.0.0               ether   6e:76:75:3d:6b:61   CM");
        // clr-01's own entry for 10.244.1.0 names a MAC no pasted device has: nothing is said of it
        assertThat(r.get("findings").toString()).doesNotContain("9a:d0:50:df:b6:99");
        // the owner's lines are under the user's label #clr-01 (line 1): the owner is named, not unknown-host
        assertThat(f.get("summary").asText()).contains("flannel.1 of clr-01").doesNotContain("unknown-host");
        assertThat(f.get("hosts").toString()).as("the peer, then the owner").isEqualTo("[\"clr-02\",\"clr-01\"]");
        assertThat(f.get("evidence").toString()).contains("9a:7a:ba:c1:ab:5d");
        JsonNode read = read(session("crio-2546-arp-vtep-mac"));
        assertThat(read.at("/hosts/clr-01/addresses").asInt()).isEqualTo(1);
        assertThat(read.at("/hosts/clr-01/neighbours").asInt()).isEqualTo(2);
        assertThat(read.has("hosts") && read.get("hosts").has("unknown-host")).isFalse();
        assertThat(read.get("problems").toString()).doesNotContain("unknown-host");
    }

    /** The next user's labels for the owner's lines: a banner, a Markdown heading in bold, a comment naming the host. */
    @Test
    void theOwnersLinesUnderALabelOtherThanAPromptAreTheOwners() throws Exception {
        String owner = "5: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default\n"
                + "    link/ether d6:02:e3:df:ea:7a brd ff:ff:ff:ff:ff:ff\n"
                + "    inet 10.244.2.0/32 scope global flannel.1\n";
        String peer = "[root@node1 ~]# arp -an | grep flannel.1\n? (10.244.2.0) at 5e:89:db:49:c6:a4 [ether] PERM on flannel.1\n";
        for (String label : java.util.List.of("=== node2 ===", "**node2**", "# on node2:", "On node2:")) {
            JsonNode r = doctorOn(write("label.txt", label + "\n" + owner + peer), 1);
            JsonNode f = finding(r, "VTEP_MISMATCH");
            assertThat(f.get("hosts").toString()).as(label).isEqualTo("[\"node1\",\"node2\"]");
            assertThat(f.get("summary").asText()).as(label).contains("flannel.1 of node2");
        }
    }

    /**
     * The next user's paste: {@code arp -an | grep flannel.1} (a filtered listing: the entry shown is still a fact), and
     * the same paste once the MACs agree, which says nothing (insufficient, not a finding).
     */
    @Test
    void aStaleVtepThroughAGrepOfArpAnAndNoneWhenTheMacsAgree() throws Exception {
        String owner = "core@node2 ~ $ ip addr show flannel.1\n"
                + "5: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default\n"
                + "    link/ether d6:02:e3:df:ea:7a brd ff:ff:ff:ff:ff:ff\n"
                + "    inet 10.244.2.0/32 scope global flannel.1\n"
                + "       valid_lft forever preferred_lft forever\n";
        JsonNode r = doctorOn(write("stale.txt", owner + "[root@node1 ~]# arp -an | grep flannel.1\n"
                + "? (10.244.2.0) at 5e:89:db:49:c6:a4 [ether] PERM on flannel.1\n"), 1);
        JsonNode f = finding(r, "VTEP_MISMATCH");
        assertThat(f.get("hosts").toString()).isEqualTo("[\"node1\",\"node2\"]");
        assertThat(f.at("/evidence/0/line").asInt()).isEqualTo(7);
        JsonNode agree = doctorOn(write("agree.txt", owner + "[root@node1 ~]# arp -an | grep flannel.1\n"
                + "? (10.244.2.0) at d6:02:e3:df:ea:7a [ether] PERM on flannel.1\n"), 3);
        assertThat(agree.get("findings").toString()).doesNotContain("VTEP_MISMATCH");
    }

    /**
     * flannel#1619: a logging REJECT the operator added ends FORWARD before flanneld's ACCEPT rules (cut from the paste).
     * The LOG row was reported unread and the chain judged by nothing: "INSUFFICIENT".
     */
    @Test
    void aCatchAllRejectBeforeAnyPodAcceptIsForwardDrop() throws Exception {
        JsonNode r = doctor(session("flannel-1619-forward-reject-order"), 1);
        JsonNode f = finding(r, "FORWARD_DROP");
        assertThat(f.get("summary").asText()).contains("the catch-all REJECT of the FORWARD chain of unknown-host rejects every forwarded packet",
                "flanneld's ACCEPT rules for the pod network, which it appends to the chain, are never reached");
        // kube-proxy's chains before it accept no new pod connection: no assumption is named
        assertThat(f.get("summary").asText()).doesNotContain("assuming");
        assertThat(f.at("/evidence/0/line").asInt()).isEqualTo(8);
        assertThat(f.at("/evidence/0/text").asText()).contains("REJECT", "reject-with icmp-host-prohibited");
        assertThat(f.get("fix").toString()).contains("iptables -I FORWARD 1 -s CLUSTER_CIDR -j ACCEPT");
        JsonNode read = read(session("flannel-1619-forward-reject-order"));
        assertThat(read.at("/hosts/unknown-host/iptablesRules").asInt()).as("rows 1-3 and 5; the LOG row only logs").isEqualTo(4);
        assertThat(read.get("problems").toString()).doesNotContain("LOG");
    }

    /**
     * kubeadm#139: firewalld's catch-all REJECT, pasted as an iptables-save fragment, with firewalld's zone chains
     * before it (not shown: named as an assumption), and a {@code kubectl exec ... -- curl} whose error was pasted on
     * curl's progress meter: it was read as "ok".
     */
    @Test
    void firewalldsRejectBeforeItsUnshownZonesIsForwardDropAssumingThem() throws Exception {
        JsonNode r = doctor(session("kubeadm-139-firewalld-forward-reject"), 1);
        JsonNode f = finding(r, "FORWARD_DROP");
        assertThat(f.get("severity").asText()).isEqualTo("warning");
        assertThat(f.get("summary").asText()).contains("assuming FORWARD_direct, FORWARD_IN_ZONES_SOURCE, FORWARD_IN_ZONES, FORWARD_OUT_ZONES_SOURCE,"
                + " FORWARD_OUT_ZONES (not in the snapshot) accept none of it", "the rules shown are the chain's first");
        assertThat(f.at("/evidence/0/line").asInt()).isEqualTo(19);
        assertThat(f.at("/evidence/0/text").asText()).isEqualTo("-A FORWARD -j REJECT --reject-with icmp-host-prohibited");
        assertThat(f.get("fix").toString()).contains("firewall-cmd --permanent --zone=trusted --add-source=CLUSTER_CIDR");
        JsonNode seen = r.get("seen").get(0);
        assertThat(seen.get("observed").asText()).isEqualTo("unreachable");
        assertThat(seen.get("line").asInt()).isEqualTo(8);
        assertThat(finding(r, "OBSERVED_FAILURE").at("/evidence/0/text").asText())
                .isEqualTo("curl: (7) Failed to connect to 10.96.0.1 port 443: No route to host");
    }

    /**
     * The next user's paste: {@code iptables -S FORWARD} as flannel leaves it, its ACCEPTs appended after firewalld's
     * REJECT (FORWARD_DROP, the whole chain shown: no assumption), and as it should be, the ACCEPTs first (nothing said).
     */
    @Test
    void forwardDropFollowsTheOrderOfTheRules() throws Exception {
        String head = "[root@node1 ~]# iptables -S FORWARD\n-P FORWARD ACCEPT\n"
                + "-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD\n"
                + "-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n";
        String reject = "-A FORWARD -j REJECT --reject-with icmp-host-prohibited\n";
        String accepts = "-A FORWARD -s 10.244.0.0/16 -j ACCEPT\n-A FORWARD -d 10.244.0.0/16 -j ACCEPT\n";
        JsonNode after = doctorOn(write("after.txt", head + reject + accepts), 1);
        JsonNode f = finding(after, "FORWARD_DROP");
        assertThat(f.get("hosts").toString()).isEqualTo("[\"node1\"]");
        assertThat(f.get("summary").asText()).doesNotContain("assuming");
        assertThat(f.at("/evidence/0/line").asInt()).isEqualTo(5);
        JsonNode before = doctorOn(write("before.txt", head + accepts + reject), 3);
        assertThat(before.get("findings").toString()).doesNotContain("FORWARD_DROP");
    }

    /**
     * k3s#8348: VXLAN lost on VMware ESXi 8, outside the hosts; the paste is three {@code nc -vzu} loops, no host state.
     * The doctor reads none of it (each block named) and names no cause.
     */
    @Test
    void aCauseOutsideTheHostsWithNoStatePastedIsInsufficient() throws Exception {
        JsonNode r = doctor(session("k3s-8348-esxi-vxlan"), 3);
        assertThat(r.get("verdict").asText()).isEqualTo("insufficient");
        for (JsonNode f : r.get("findings")) assertThat(f.get("severity").asText()).as(f.toString()).isEqualTo("info");
        assertThat(r.get("problems").toString()).contains("lines 2-4: output of", "lines 6-8: output of", "lines 10-12: output of");
    }

    /**
     * kubernetes#81635: the REJECT that broke it is on perf150, whose rules are not pasted; its routes are, and the
     * master's curl failed. The doctor must not name a cause it cannot see: insufficient, the curl listed, no finding
     * above info.
     */
    @Test
    void aRejectNotPastedIsNotGuessed() throws Exception {
        JsonNode r = doctor(session("kubernetes-81635-reject-order"), 1);
        // the failed curl cannot be explained (perf16's state is not pasted): a warning that says so, naming no cause
        assertThat(r.get("verdict").asText()).isEqualTo("warning");
        for (JsonNode f : r.get("findings")) {
            if (!f.get("severity").asText().equals("info")) {
                assertThat(f.get("code").asText()).as(f.toString()).isEqualTo("OBSERVED_FAILURE");
                assertThat(f.get("summary").asText()).contains("perf16: curl to 10.108.116.161:80 ended unreachable",
                        "the snapshot cannot tell: host perf16 is not in the snapshot");
            }
        }
        JsonNode first = r.get("seen").get(0);
        assertThat(first.get("host").asText()).isEqualTo("perf16");
        assertThat(first.get("observed").asText()).isEqualTo("unreachable");
        // ip route get's answer (lines 18-19) is no route of perf150's table, and its cache line no problem
        JsonNode read = read(session("kubernetes-81635-reject-order"));
        assertThat(read.at("/hosts/perf150/routes").asInt()).as("the five lines of ip route").isEqualTo(5);
        assertThat(read.get("problems").toString()).doesNotContain("cache").doesNotContain(":19");
    }

    /**
     * kubernetes#20652: the endpoints controller stopped; default/rc-default has a selector and no Endpoints object in a
     * listing that shows its namespace. The {@code kubectl get endpoints} table was "not read" (no session format).
     */
    @Test
    void aSelectorServiceWithNoEndpointsObjectIsNoEndpoints() throws Exception {
        JsonNode read = read(session("kubernetes-20652-no-endpoints"));
        assertThat(read.at("/cluster/endpoints").asInt()).isEqualTo(9);
        assertThat(read.get("problems").toString()).doesNotContain("not read");
        JsonNode r = doctor(session("kubernetes-20652-no-endpoints"), 3); // no host: insufficient, with the finding
        JsonNode f = finding(r, "NO_ENDPOINTS");
        assertThat(f.get("services").toString()).isEqualTo("[\"default/rc-default\"]");
        assertThat(f.get("summary").asText()).contains("has no Endpoints object for it: the endpoints controller (kube-controller-manager) did not write one");
        assertThat(f.at("/evidence/0/line").asInt()).isEqualTo(4);
        assertThat(r.get("findings").toString()).as("default/kubernetes has its object").doesNotContain("default/kubernetes has no");
    }

    /**
     * The next user's paste: {@code kubectl get svc -o wide} and {@code kubectl get ep} with a {@code <none>} row (no
     * ready endpoint), and {@code kubectl get ep -n kube-system}, whose table has no NAMESPACE column: its rows name no
     * service of the services listing, so nothing is concluded about default/web from it.
     */
    @Test
    void endpointsTablesInASessionAreRead() throws Exception {
        String svc = "$ kubectl get svc -o wide\n"
                + "NAME         TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)    AGE   SELECTOR\n"
                + "kubernetes   ClusterIP   10.96.0.1      <none>        443/TCP    6d    <none>\n"
                + "web          ClusterIP   10.96.45.12    <none>        80/TCP     2m    app=web\n";
        JsonNode none = doctorOn(write("none.txt", svc + "$ kubectl get ep\nNAME         ENDPOINTS           AGE\n"
                + "kubernetes   192.168.1.10:6443   6d\nweb          <none>              2m\n"), 3);
        assertThat(finding(none, "NO_ENDPOINTS").get("summary").asText()).startsWith("default/web has no ready endpoint");
        JsonNode other = doctorOn(write("other.txt", svc + "$ kubectl get ep -n kube-system\nNAME       ENDPOINTS                     AGE\n"
                + "kube-dns   10.244.0.2:53,10.244.0.3:53   6d\n"), 3);
        assertThat(other.get("findings").toString()).doesNotContain("NO_ENDPOINTS");
    }
}
