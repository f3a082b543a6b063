package dev.kubepath.ingest;

import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outputs pasted in flannel threads that gave formats their second source (real-world/*-flannel-{205,556,699,821,1757},
 * each with SOURCE.md): subnet.env, ip -d link, ip addr, etcdctl ls, kubectl get nodes / pods -o wide of kubectl 1.3
 * and 1.7, old ifconfig. Each is read as the bundle reader reads its file (prompt lines and all); the values checked
 * were read off the snippets by hand.
 */
class FlannelThreadsCorpusTest {
    /** The file read block by block as BundleReader reads it, its own parser for the blocks no format claims. */
    @SuppressWarnings("unchecked")
    private static <T> LineLedger.Result read(String snippet, String file, String key, BiFunction<String, String, Parsed<T>> own) {
        Formats.Format fallback = new Formats.Format(key, file, c -> false, s -> false, false, own::apply);
        return LineLedger.read(file, Golden.read("real-world/" + snippet + "/" + file), Formats.forFile(key), fallback);
    }

    private static List<ParseProblem> problems(LineLedger.Result r) {
        return r.problems().stream().filter(p -> !p.message().startsWith("note: ")).toList();
    }

    @Test
    void subnetEnvWithItsCatPromptGivesNetworkSubnetMtuAndMasquerade() {
        LineLedger.Result r = read("net-subnet-env-flannel-556", "subnet.env", "subnet.env", SubnetEnv::parse);
        assertThat(problems(r)).isEmpty();
        SubnetEnv env = (SubnetEnv) r.value();
        assertThat(env.network()).isEqualTo(Prefix.parse("192.168.0.0/16"));
        assertThat(env.subnet()).isEqualTo(Prefix.parse("192.168.14.0/24"));
        assertThat(env.mtu()).isEqualTo(8142);
        assertThat(env.ipMasq()).isFalse();
    }

    @Test
    void subnetEnvOf2015WithoutFlannelNetworkLeavesTheNetworkUnknown() {
        LineLedger.Result r = read("net-subnet-env-flannel-205", "subnet.env", "subnet.env", SubnetEnv::parse);
        assertThat(problems(r)).isEmpty();
        SubnetEnv env = (SubnetEnv) r.value();
        assertThat(env.network()).isNull();
        assertThat(env.bridgeAddress()).isEqualTo(Ipv4.parse("10.1.33.1"));
        assertThat(env.mtu()).isEqualTo(1472);
    }

    @Test
    void dockerOptsWithItsCatCommandGivesBipMtuAndMasquerade() {
        LineLedger.Result r = read("net-docker-opts-flannel-1393", "docker-opts.txt", "docker-opts.txt", DockerOpts::parse);
        assertThat(problems(r)).isEmpty();
        DockerOpts o = (DockerOpts) r.value();
        assertThat(o.bridgeAddress()).isEqualTo(Ipv4.parse("192.168.27.1"));
        assertThat(o.subnet()).isEqualTo(Prefix.parse("192.168.27.0/24"));
        assertThat(o.bipLine()).isEqualTo(2);
        assertThat(o.mtu()).isEqualTo(1450);
        assertThat(o.ipMasq()).isTrue();
    }

    @Test
    void dockerOptsWithTheCombinedDockerNetworkOptionsLineTakesItsValues() {
        LineLedger.Result r = read("net-docker-opts-opsnull-138", "docker-opts.txt", "docker-opts.txt", DockerOpts::parse);
        assertThat(problems(r)).isEmpty();
        DockerOpts o = (DockerOpts) r.value();
        assertThat(o.bip()).isEqualTo("10.253.72.1/24");
        assertThat(o.subnet()).isEqualTo(Prefix.parse("10.253.72.0/24"));
        // the combined line, last, is the one docker.service passes to dockerd
        assertThat(o.bipLine()).isEqualTo(4);
        assertThat(o.mtuLine()).isEqualTo(4);
        assertThat(o.mtu()).isEqualTo(1450);
    }

    @Test
    void aDockerOptsLineThatIsNotAnAssignmentIsReportedWithItsLine() {
        Parsed<DockerOpts> p = DockerOpts.parse("docker-opts.txt", "DOCKER_OPT_BIP=\"--bip=10.1.2.1/24\"\n--mtu 1450\nDOCKER_OPT_MTU=\"--mtu=x\"\n");
        assertThat(p.value().subnet()).isEqualTo(Prefix.parse("10.1.2.0/24"));
        assertThat(p.value().mtu()).isNull();
        assertThat(p.problems()).extracting(ParseProblem::line).containsExactly(2, 3);
    }

    @Test
    void ipDLinkShowsTheVxlanDevicesVniLocalUnderlayAndPort() {
        LineLedger.Result r = read("net-ip-d-link-flannel-1757", "link.txt", "link.txt", AddrFile::parse);
        assertThat(problems(r)).isEmpty();
        Link l = ((Interfaces) r.value()).links().get(0);
        assertThat(l.name()).isEqualTo("flannel.1");
        assertThat(l.mtu()).isEqualTo(1370);
        assertThat(l.mac()).isEqualTo(Mac.parse("aa:bb:cc:dd:ee:ff"));
        assertThat(l.kind()).isEqualTo(new LinkKind.Vxlan(1, 8472, Ipv4.parse("10.0.0.1"), "abc", false));
    }

    @Test
    void ipAddrOfFlannel1AloneGivesItsAddressAndMtu() {
        LineLedger.Result r = read("net-ip-addr-flannel-556", "addr.txt", "addr.txt", AddrFile::parse);
        assertThat(problems(r)).isEmpty();
        Interfaces i = (Interfaces) r.value();
        assertThat(i.links()).singleElement().satisfies(l -> {
            assertThat(l.mtu()).isEqualTo(8142);
            assertThat(l.kind()).isInstanceOf(LinkKind.Vxlan.class);
        });
        assertThat(i.addresses()).extracting(IfAddress::ip).containsExactly(Ipv4.parse("192.168.100.0"));
        assertThat(i.addresses().get(0).prefixLength()).isEqualTo(16);
    }

    @Test
    void etcdctlLsListsFourSubnetsWhoseOwnersItDoesNotShow() {
        LineLedger.Result r = read("kube-etcdctl-ls-flannel-556", "leases.txt", "cluster/leases.txt", LeasesText::parse);
        // keys only: each subnet is reported (its PublicIP is not shown), none is a lease
        assertThat(problems(r)).hasSize(4).extracting(ParseProblem::line).containsExactly(2, 3, 4, 5);
        assertThat(problems(r).get(2).message()).contains("192.168.100.0");
        @SuppressWarnings("unchecked") List<Lease> leases = (List<Lease>) r.value();
        assertThat(leases).isNullOrEmpty();
    }

    @Test
    void kubectl17GetNodesWithoutRolesOrAddressesGivesNamesAndReadiness() {
        LineLedger.Result r = read("kube-get-nodes-flannel-821", "nodes.txt", "cluster/nodes.txt", KubectlText::nodes);
        @SuppressWarnings("unchecked") List<Node> nodes = (List<Node>) r.value();
        assertThat(nodes).extracting(Node::name).containsExactly("ip-172-31-22-44", "ip-172-31-23-88", "ip-172-31-3-132");
        assertThat(nodes).allMatch(Node::ready);
        assertThat(nodes.get(0).kubeletVersion()).isEqualTo("v1.7.5");
        assertThat(nodes).allMatch(n -> n.internalIp() == null); // not shown without -o wide: unknown
    }

    @Test
    void kubectl17GetPodsWideGivesPodAddressesAndNodes() {
        LineLedger.Result r = read("kube-get-pods-wide-flannel-821", "pods.txt", "cluster/pods.txt", KubectlText::pods);
        assertThat(problems(r)).isEmpty();
        @SuppressWarnings("unchecked") List<Pod> pods = (List<Pod>) r.value();
        assertThat(pods).hasSize(2);
        assertThat(pods.get(1).ip()).isEqualTo(Ipv4.parse("10.244.2.5"));
        assertThat(pods.get(1).node()).isEqualTo("ip-172-31-3-132");
        assertThat(pods).allMatch(p -> p.namespace().equals("default"));
    }

    @Test
    void kubectl13GetPodsWideWithNodesNamedByAddress() {
        LineLedger.Result r = read("kube-get-pods-wide-flannel-699", "pods.txt", "cluster/pods.txt", KubectlText::pods);
        assertThat(problems(r)).isEmpty();
        @SuppressWarnings("unchecked") List<Pod> pods = (List<Pod>) r.value();
        assertThat(pods).hasSize(4);
        assertThat(pods).filteredOn(p -> "10.140.140.29".equals(p.node())).extracting(Pod::ip)
                .containsExactly(Ipv4.parse("172.31.15.3"), Ipv4.parse("172.31.15.2"));
        assertThat(pods.get(3).name()).isEqualTo("my-nginx-2395715568-z3k3q");
    }

    @Test
    void oldIfconfigOfDocker0GivesItsAddressMaskAndMtu() {
        LineLedger.Result r = read("net-ifconfig-old-flannel-699", "addr.txt", "addr.txt", AddrFile::parse);
        assertThat(problems(r)).isEmpty();
        Interfaces i = (Interfaces) r.value();
        assertThat(i.links()).singleElement().satisfies(l -> {
            assertThat(l.name()).isEqualTo("docker0");
            assertThat(l.mtu()).isEqualTo(1450);
            assertThat(l.mac()).isEqualTo(Mac.parse("02:42:61:43:c7:9a"));
        });
        assertThat(i.addresses().get(0).ip()).isEqualTo(Ipv4.parse("172.31.11.1"));
        assertThat(i.addresses().get(0).prefixLength()).isEqualTo(24);
    }
}
