package dev.kubepath.ingest;

import dev.kubepath.model.Host;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions that users pasted in public flannel, Kubernetes and k3s threads (src/test/resources/real-world/transcript-*,
 * each with its SOURCE.md), read as {@code kubepath read --transcript} reads them. The expected values are read off
 * the snippets themselves.
 */
class TranscriptCorpusTest {
    static final Path CORPUS = Path.of("src/test/resources/real-world");

    @TempDir
    Path tmp;

    record Read(Transcript transcript, SessionBundle session, BundleReader.Result result) {
        Host host(String name) {
            return result.snapshot().host(name).orElseThrow(() -> new AssertionError("no host " + name + " in " + result.snapshot().hosts()));
        }

        List<Integer> problemLines() {
            return result.problems().stream().filter(p -> p.file().equals("session.txt") && !p.message().startsWith("note: "))
                    .map(ParseProblem::line).toList();
        }

        List<String> commands() {
            return transcript.sections().stream().map(Transcript.Section::command).toList();
        }

        List<String> hosts() {
            return transcript.sections().stream().map(Transcript.Section::host).toList();
        }
    }

    Read read(String snippet) throws IOException {
        String text = Files.readString(CORPUS.resolve(snippet).resolve("session.txt"));
        SessionBundle s = SessionBundle.split("session.txt", text);
        return new Read(Transcript.of(text), s, s.read(tmp.resolve(snippet)));
    }

    static Lease lease(Read r, String subnet) {
        return r.result().snapshot().cluster().leases().stream().filter(l -> l.subnet().equals(Prefix.parse(subnet))).findFirst().orElseThrow();
    }

    @Test
    void commandsTypedWithNoPromptFlannel426() throws IOException {
        Read r = read("transcript-flannel-426-no-prompt");
        assertThat(r.commands()).containsExactly("etcdctl get /coreos.com/network/config", "etcdctl ls /coreos.com/network/subnets",
                "etcdctl get /coreos.com/network/subnets/20.1.36.0-24", "etcdctl get /coreos.com/network/subnets/20.1.1.0-24", "ip route");
        assertThat(r.result().snapshot().cluster().leases()).hasSize(2);
        assertThat(lease(r, "20.1.36.0/24").publicIp()).isEqualTo(Ipv4.parse("10.85.81.165"));
        assertThat(lease(r, "20.1.1.0/24").vtepMac()).isEqualTo(Mac.parse("06:c8:be:55:f2:e6"));
        assertThat(r.result().snapshot().cluster().flannel().network()).isEqualTo(Prefix.parse("20.1.0.0/16"));
        Host h = r.host(SessionBundle.UNKNOWN_HOST);
        assertThat(h.routes()).hasSize(3);
        assertThat(h.routes()).extracting(Route::dev).containsExactly("eth0", "eth0", "flannel.1");
    }

    @Test
    void rootPromptsWithNoHostKubernetes23683() throws IOException {
        Read r = read("transcript-kubernetes-23683-root-prompt");
        assertThat(r.commands()).first().isEqualTo("uname -a");
        assertThat(r.commands()).hasSize(6).last().isEqualTo("ip route");
        assertThat(r.result().snapshot().cluster().leases()).extracting(l -> l.subnet().toString()).containsExactlyInAnyOrder("20.1.36.0/24", "20.1.1.0/24");
        assertThat(r.host(SessionBundle.UNKNOWN_HOST).routes()).filteredOn(x -> x.dst().equals(Prefix.parse("10.85.81.128/25")))
                .singleElement().satisfies(x -> assertThat(x.dev()).isEqualTo("eth0"));
        assertThat(r.problemLines()).contains(3); // uname's answer carries no state, and says so
    }

    @Test
    void indentedPromptAndK3sKubectl1719() throws IOException {
        Read r = read("transcript-k3s-1719-indented-prompt");
        assertThat(r.commands()).containsExactly("kubectl get nodes");
        assertThat(r.hosts()).containsExactly("k3s-master");
        assertThat(r.result().snapshot().cluster().nodes()).extracting(n -> n.name())
                .containsExactly("k3s-worker.localdomain", "k3s-master.localdomain");
    }

    @Test
    void busyboxPromptsInsideDockerExecKubernetes97357() throws IOException {
        Read r = read("transcript-kubernetes-97357-busybox-prompt");
        assertThat(r.commands()).containsExactly(null, "sh", "ping 10.33.188.142", "ping 10.244.1.5");
        assertThat(r.hosts()).containsExactly(null, "k8s-master1", "k8s-master1", "k8s-master1");
        assertThat(r.problemLines()).contains(1).doesNotContain(4, 5, 6, 7, 8, 12); // the title line before the route table; its rows and the first ping are read
        assertThat(r.session().observed()).extracting(ProbeText.Observed::target).contains("10.33.188.142");
        assertThat(r.session().unaccounted()).isEmpty();
        // the route table (route without -n) before any prompt: every row read, the default gateway by its name
        Host h = r.host(SessionBundle.UNKNOWN_HOST);
        assertThat(h.routes()).hasSize(5);
        assertThat(h.routes().get(0)).satisfies(def -> {
            assertThat(def.dst().length()).isZero();
            assertThat(def.gatewayName()).isEqualTo("gateway");
            assertThat(def.gatewayUnknown()).isTrue();
            assertThat(def.metric()).isEqualTo(100);
        });
        assertThat(h.routes().get(2).via()).isEqualTo(Ipv4.parse("10.244.0.0"));
        assertThat(h.routes().get(2).onlink()).isTrue();
    }

    @Test
    void ipAddrBehindARootPromptFlannel1379() throws IOException {
        Read r = read("transcript-flannel-1379-ip-addr");
        Host h = r.host("k8s-node1");
        assertThat(h.addresses()).hasSize(4);
        assertThat(h.primaryAddress("enp0s8")).contains(Ipv4.parse("10.0.3.15"));
        assertThat(h.primaryAddress("docker0")).contains(Ipv4.parse("172.17.0.1"));
    }

    @Test
    void oneJunkLineBeforeIpAddrLosesNoDeviceFlannel1387() throws IOException {
        Read r = read("transcript-flannel-1387-junk-line");
        Host h = r.host(SessionBundle.UNKNOWN_HOST);
        assertThat(h.addresses()).hasSize(3);
        assertThat(h.primaryAddress("eth0")).contains(Ipv4.parse("10.33.188.138"));
        assertThat(h.link("flannel.1")).isPresent();
        assertThat(r.problemLines()).contains(1, 20); // "1.master", and flannel.1's "inet <tab> scope global"
    }

    @Test
    void containerLinuxPromptsFlannel1067() throws IOException {
        Read r = read("transcript-flannel-1067-user-host-tilde");
        assertThat(r.hosts()).containsExactly("default-node-2", "default-node-1", "default-node-2");
        assertThat(r.commands()).containsExactly("curl 10.244.3.2", "curl 10.244.3.2", "tcpdump -vv -i eth0 -n udp");
        assertThat(r.problemLines()).contains(10).doesNotContain(2, 8); // the curls' outputs are read as probes, tcpdump's is not
        assertThat(r.session().observed()).extracting(ProbeText.Observed::host, ProbeText.Observed::target)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("default-node-2", "10.244.3.2:80"),
                        org.assertj.core.groups.Tuple.tuple("default-node-1", "10.244.3.2:80"));
        assertThat(r.session().files()).isEmpty();
    }

    @Test
    void markdownAroundRoutesAndAnIfconfigWithNoPromptFlannel1029() throws IOException {
        Read r = read("transcript-flannel-1029-markdown");
        Host h = r.host("node3");
        assertThat(h.routes()).hasSize(9);
        assertThat(h.routes()).filteredOn(x -> x.dst().equals(Prefix.parse("172.20.5.0/24"))).singleElement()
                .satisfies(x -> assertThat(x.onlink()).isTrue());
        // ifconfig pasted after brctl's output with no prompt: placed by its content, on the host of the last prompt
        assertThat(h.primaryAddress("flannel.1")).contains(Ipv4.parse("172.20.4.0"));
        assertThat(r.problemLines()).contains(17);
        assertThat(r.result().problems()).filteredOn(p -> p.message().startsWith("note: Markdown fence")).hasSize(6);
    }

    @Test
    void sudoWithTwoSpacesFlannel1734() throws IOException {
        Read r = read("transcript-flannel-1734-sudo-spaces");
        assertThat(r.hosts()).containsExactly("k8s-worker-4");
        assertThat(r.commands()).containsExactly("iptables -t nat -vnL");
        assertThat(r.session().unaccounted()).isEmpty();
    }

    @Test
    void iptablesSaveCommentsAreNotRootPromptsFlannel1702() throws IOException {
        Read r = read("transcript-flannel-1702-iptables-save-comments");
        assertThat(r.transcript().nonData()).filteredOn(d -> d.kind() == Transcript.Kind.COMMENT)
                .extracting(Transcript.NonData::number).containsExactly(2, 13, 14);
        assertThat(r.commands()).containsExactly((String) null);
        Host h = r.host(SessionBundle.UNKNOWN_HOST);
        assertThat(h.chain("filter", "FORWARD").orElseThrow().rules()).hasSize(2);
        assertThat(h.chain("filter", "INPUT").orElseThrow().rules()).hasSize(3);
    }

    @Test
    void kubectlExecWithNoPromptThenABusyboxPromptFlannel1462() throws IOException {
        Read r = read("transcript-flannel-1462-kubectl-exec-busybox");
        assertThat(r.transcript().nonData()).extracting(Transcript.NonData::number).startsWith(1, 2);
        assertThat(r.commands()).containsExactly("sh", "iptables -t nat -S");
        assertThat(r.session().unaccounted()).isEmpty();
    }

    @Test
    void hostColonDirectoryHashPromptFlannel1728() throws IOException {
        Read r = read("transcript-flannel-1728-host-colon-dir");
        assertThat(r.hosts()).containsExactly("tshfhpaasnod003", "tshfhpaasnod003");
        assertThat(r.commands()).containsExactly("ls /opt/cni/bin", "ls /opt/cni");
        assertThat(r.problemLines()).contains(2, 5);
    }

    @Test
    void bridgeFdbTypedWithNoPromptFlannel203() throws IOException {
        Read r = read("transcript-flannel-203-no-prompt-fdb");
        assertThat(r.commands()).containsExactly("netstat -rn", "bridge fdb");
        Host h = r.host(SessionBundle.UNKNOWN_HOST);
        assertThat(h.fdb()).hasSize(9);
        assertThat(h.fdb()).filteredOn(f -> f.mac().equals(Mac.parse("02:42:c0:a8:d0:02"))).singleElement()
                .satisfies(f -> assertThat(f.dev()).isEqualTo("veth603752d"));
    }

    @Test
    void backslashContinuationsAndSubnetEnvFlannel751() throws IOException {
        Read r = read("transcript-flannel-751-continuation");
        assertThat(r.commands()).hasSize(2);
        assertThat(r.commands().get(0)).startsWith("docker run -dit --name=flannel --restart=always --net=host --privileged")
                .endsWith("| cut -d/ -f1 | head -1)");
        assertThat(r.commands().get(1)).isEqualTo("cat /run/flannel/subnet.env");
        assertThat(r.transcript().nonData()).filteredOn(d -> d.kind() == Transcript.Kind.CONTINUATION).hasSize(10);
        SubnetEnv env = r.result().subnetEnvs().get(SessionBundle.UNKNOWN_HOST);
        assertThat(env.subnet()).isEqualTo(Prefix.parse("192.168.38.0/24"));
        assertThat(env.mtu()).isEqualTo(1472);
    }

    @Test
    void coreosHostDirectoryHashPromptFlannel134() throws IOException {
        Read r = read("transcript-flannel-134-coreos-prompt");
        assertThat(r.hosts()).containsExactly("kube-master");
        assertThat(r.commands()).containsExactly("netstat -rn");
        assertThat(r.session().unaccounted()).isEmpty();
    }

    @Test
    void ipLinkAndIpAddrWithTrailingSpacesFlannel959() throws IOException {
        Read r = read("transcript-flannel-959-ip-link-trailing-spaces");
        assertThat(r.commands()).containsExactly("ip link", "ip addr");
        Host h = r.host("k8smaster1");
        assertThat(h.links()).extracting(l -> l.name()).containsExactly("lo", "ens32", "docker0", "cni0", "flannel.1");
        assertThat(h.addresses()).singleElement().satisfies(a -> assertThat(a.ip()).isEqualTo(Ipv4.parse("127.0.0.1")));
    }

    /** No silent loss: every line of every file in the corpus is non-data, read into the bundle, or reported. */
    @Test
    void everyLineOfTheWholeCorpusIsAccountedFor() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(CORPUS)) {
            files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals("SOURCE.md")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(16);
        int i = 0;
        for (Path f : files) {
            String text = Files.readString(f);
            SessionBundle s = SessionBundle.split(f.getFileName().toString(), text);
            BundleReader.Result r = s.read(tmp.resolve("all-" + i++));
            assertThat(s.unaccounted()).as(f.toString()).isEmpty();
            int lines = Transcript.of(text).lineCount();
            assertThat(r.problems()).as(f.toString()).allSatisfy(p -> {
                if (p.file().equals(f.getFileName().toString())) assertThat(p.line()).isBetween(0, lines);
            });
        }
    }
}
