package dev.kubepath.ingest;

import dev.kubepath.model.Lease;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** leases.txt in each form etcdctl prints, as captured from a real etcd by real-world/kube-etcdctl-local/capture.sh. */
class KubeLeaseFormatsTest {
    private static final String LOCAL = "real-world/kube-etcdctl-local/";

    private static Parsed<List<Lease>> read(String resource) {
        return LeasesText.parse("leases.txt", Golden.read(resource));
    }

    private static Lease lease(String subnet, String ip, String type, String mac) {
        return new Lease(Prefix.parse(subnet), Ipv4.parse(ip), type, mac == null ? null : Mac.parse(mac), null);
    }

    private static final Lease L1 = lease("10.244.1.0/24", "192.168.56.11", "vxlan", "5e:0b:33:a6:71:2c");
    private static final Lease L2 = lease("10.244.2.0/24", "192.168.56.12", "vxlan", "9a:41:c7:02:e8:5f");
    private static final Lease L3 = lease("10.244.3.0/24", "192.168.56.13", "host-gw", null);

    @Test
    void v2GetWithoutLsYieldsItsLeaseNotAnEmptyRegistry() {
        // the file starts with `etcdctl get`: its first output line is a lease value, which once made it be taken
        // for kubectl's node JSON and read as a registry known to be empty
        Parsed<List<Lease>> p = read(LOCAL + "v2-get.txt");
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).containsExactly(L2);
    }

    @Test
    void v2GetOfSeveralKeysReportsTheExpiredOne() {
        Parsed<List<Lease>> p = read(LOCAL + "v2-get-several.txt");
        assertThat(p.value()).containsExactly(L1, L3);
        assertThat(p.problems()).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(6);
            assertThat(x.message()).contains("10.244.9.0/24").contains("Key not found");
        });
    }

    @Test
    void v2LsAloneListsSubnetsWhoseOwnersAreUnknown() {
        Parsed<List<Lease>> p = read(LOCAL + "v2-ls.txt");
        assertThat(p.value()).isEmpty();
        assertThat(p.problems()).extracting(ParseProblem::line).containsExactly(2, 3, 4);
        assertThat(p.problems().get(1).message()).contains("10.244.2.0/24").contains("owner is unknown");
    }

    @Test
    void v3GetPrefixIsKeyValuePairs() {
        Parsed<List<Lease>> p = read(LOCAL + "v3-get-prefix.txt");
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).containsExactly(L1, L2, L3);
    }

    @Test
    void v3PrintValueOnlyCannotPlaceALeaseAndSaysWhoseItIs() {
        Parsed<List<Lease>> p = read(LOCAL + "v3-get-prefix-values.txt");
        assertThat(p.value()).isEmpty();
        assertThat(p.problems()).hasSize(3);
        assertThat(p.problems().get(0).message()).contains("192.168.56.11").contains("--print-value-only").contains("subnet is unknown");
        assertThat(p.problems().get(2).line()).isEqualTo(4);
    }

    @Test
    void v3KeysOnlyListsSubnetsWhoseOwnersAreUnknown() {
        Parsed<List<Lease>> p = read(LOCAL + "v3-get-prefix-keys.txt");
        assertThat(p.value()).isEmpty();
        assertThat(p.problems()).extracting(ParseProblem::line).containsExactly(2, 4, 6);
        assertThat(p.problems().get(2).message()).contains("10.244.3.0/24").contains("owner is unknown");
    }

    @Test
    void v3JsonHasBase64KeysAndValues() {
        Parsed<List<Lease>> p = read(LOCAL + "v3-get-prefix-json.txt");
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).containsExactly(L1, L2, L3);
    }

    @Test
    void v3JsonKeysOnlyAndLimitSayWhatIsNotShown() {
        Parsed<List<Lease>> keys = read(LOCAL + "v3-get-prefix-json-keys.txt");
        assertThat(keys.value()).isEmpty();
        assertThat(keys.problems()).hasSize(3).allSatisfy(x -> assertThat(x.message()).contains("owner is unknown"));
        Parsed<List<Lease>> limit = read(LOCAL + "v3-get-prefix-limit-json.txt");
        assertThat(limit.value()).containsExactly(L1, L2);
        assertThat(limit.problems()).singleElement().satisfies(x -> assertThat(x.message()).contains("2 of 3").contains("--limit"));
    }

    @Test
    void anEmptyPrefixIsAnEmptyRegistryButAnErrorIsNot() {
        Parsed<List<Lease>> empty = read(LOCAL + "v3-get-prefix-empty.txt");
        assertThat(empty.problems()).isEmpty();
        assertThat(empty.value()).isEmpty();
        Parsed<List<Lease>> missing = read(LOCAL + "v2-get-missing.txt");
        assertThat(missing.value()).isEmpty();
        assertThat(missing.problems()).singleElement().satisfies(x -> assertThat(x.message()).contains("10.244.9.0/24"));
    }

    @Test
    void commandsWithoutPromptBehindSudoAndTlsFlagsStillKeyTheirValues() {
        String text = """
                sudo ETCDCTL_API=2 ./etcdctl --ca-file /etc/etcd/ca.pem --cert-file=/etc/etcd/c.pem --endpoints https://10.0.0.5:2379 get /coreos.com/network/subnets/10.244.2.0-24
                {"PublicIP":"192.168.56.12","BackendType":"vxlan","BackendData":{"VtepMAC":"9a:41:c7:02:e8:5f"}}
                ETCDCTL_API=3 etcdctl --cacert=/etc/kubernetes/pki/etcd/ca.crt get /coreos.com/network/subnets --prefix --print-value-only
                {"PublicIP":"192.168.56.13","BackendType":"host-gw","BackendData":null}
                """;
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", text);
        assertThat(p.value()).containsExactly(L2);
        assertThat(p.problems()).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(4);
            assertThat(x.message()).contains("192.168.56.13").contains("subnet is unknown");
        });
    }

    @Test
    void aFileThatIsNotLeasesLeavesTheRegistryUnknown(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", "NAME      STATUS   ROLES    AGE   VERSION\nnode1     Ready    <none>   3d    v1.28.2\n");
        assertThat(p.value()).isEmpty();
        assertThat(p.problems()).singleElement().satisfies(x -> assertThat(x.message()).contains("not recognisable"));
        // through the bundle reader: unknown (null), never known and empty
        Path cluster = Files.createDirectories(dir.resolve("b/cluster"));
        Files.writeString(cluster.resolve("leases.txt"), "NAME      STATUS   ROLES    AGE   VERSION\nnode1     Ready    <none>   3d    v1.28.2\n");
        assertThat(BundleReader.read(dir.resolve("b")).snapshot().cluster().leases()).isNull();
        Files.writeString(cluster.resolve("leases.txt"), Golden.read(LOCAL + "v2-get.txt"));
        assertThat(BundleReader.read(dir.resolve("b")).snapshot().cluster().leases()).containsExactly(L2);
    }

    @Test
    void nodeListYamlGivesOneLeasePerAnnotatedNodeFromPodCidrs() {
        String yaml = """
                $ kubectl get nodes -o yaml
                apiVersion: v1
                items:
                - apiVersion: v1
                  kind: Node
                  metadata:
                    annotations:
                      flannel.alpha.coreos.com/backend-data: '{"VNI":1,"VtepMAC":"5e:0b:33:a6:71:2c"}'
                      flannel.alpha.coreos.com/backend-type: vxlan
                      flannel.alpha.coreos.com/kube-subnet-manager: "true"
                      flannel.alpha.coreos.com/public-ip: 192.168.56.11
                    name: node1
                  spec:
                    podCIDR: 10.244.1.0/24
                    podCIDRs:
                    - 10.244.1.0/24
                    - fd00:10:244:1::/64
                - apiVersion: v1
                  kind: Node
                  metadata:
                    name: node2
                  spec:
                    podCIDR: 10.244.2.0/24
                kind: List
                """;
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", yaml);
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).containsExactly(L1);
    }

    @Test
    void jqOfAnnotationsAndAGrepOfPodCidrAreOneNode() {
        String text = """
                $ kubectl get node node2 -o json | jq '.metadata.annotations'
                {
                  "flannel.alpha.coreos.com/backend-data": "{\\"VtepMAC\\":\\"9a:41:c7:02:e8:5f\\"}",
                  "flannel.alpha.coreos.com/backend-type": "vxlan",
                  "flannel.alpha.coreos.com/kube-subnet-manager": "true",
                  "flannel.alpha.coreos.com/public-ip": "192.168.56.12"
                }
                $ kubectl get node node2 -o yaml | grep podCIDR:
                  podCIDR: 10.244.2.0/24
                """;
        assertThat(LeasesText.form(Transcript.of(text))).isEqualTo(LeasesText.Form.NODE_ANNOTATIONS);
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", text);
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).containsExactly(L2);
    }

    @Test
    void grepLinesOfTwoNodesSplitWhereAnAnnotationRepeats() {
        String text = """
                $ kubectl describe nodes | grep -E 'flannel|PodCIDR'
                Annotations:        flannel.alpha.coreos.com/backend-data: {"VNI":1,"VtepMAC":"5e:0b:33:a6:71:2c"}
                                    flannel.alpha.coreos.com/backend-type: vxlan
                                    flannel.alpha.coreos.com/public-ip: 192.168.56.11
                PodCIDR:                      10.244.1.0/24
                PodCIDRs:                     10.244.1.0/24
                Annotations:        flannel.alpha.coreos.com/backend-data: null
                                    flannel.alpha.coreos.com/backend-type: host-gw
                                    flannel.alpha.coreos.com/public-ip: 192.168.56.13
                PodCIDR:                      10.244.3.0/24
                PodCIDRs:                     10.244.3.0/24
                """;
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", text);
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).containsExactly(L1, L3);
    }

    @Test
    void publicIpLinesWithoutSubnetsAreReportedEachAndKeptAsWhatEachNodeAnnounces() {
        String text = """
                $ kubectl get nodes -o yaml | grep public-ip
                      flannel.alpha.coreos.com/public-ip: 10.0.2.15
                      flannel.alpha.coreos.com/public-ip: 10.0.2.15
                      flannel.alpha.coreos.com/public-ip: 10.0.2.15
                """;
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", text);
        assertThat(p.value()).as("no subnet: no lease").isEmpty();
        assertThat(p.problems()).extracting(ParseProblem::line).containsExactly(2, 3, 4);
        assertThat(p.problems()).allSatisfy(x -> assertThat(x.message()).contains("public-ip 10.0.2.15 but no IPv4 spec.podCIDR"));
        assertThat(LeasesText.unplacedPublicIps(text)).extracting(a -> a.publicIp().toString(), a -> a.line(), a -> a.node())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("10.0.2.15", 2, null), org.assertj.core.groups.Tuple.tuple("10.0.2.15", 3, null),
                        org.assertj.core.groups.Tuple.tuple("10.0.2.15", 4, null));
    }

    @Test
    void describedNodesWithoutPodCidrKeepTheirNamesAndPlacedLeasesAreNotUnplaced() {
        String text = """
                Name:               k8s-master-01
                Annotations:        flannel.alpha.coreos.com/backend-type: vxlan
                                    flannel.alpha.coreos.com/public-ip: 10.0.2.15
                Name:               k8s-worker-01
                Annotations:        flannel.alpha.coreos.com/backend-type: vxlan
                                    flannel.alpha.coreos.com/public-ip: 10.0.2.15
                Name:               k8s-worker-02
                Annotations:        flannel.alpha.coreos.com/public-ip: 192.168.56.11
                PodCIDR:                      10.244.1.0/24
                """;
        assertThat(LeasesText.parse("leases.txt", text).value()).containsExactly(lease("10.244.1.0/24", "192.168.56.11", null, null));
        assertThat(LeasesText.unplacedPublicIps(text)).extracting(a -> a.node(), a -> a.line(), a -> a.text())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("k8s-master-01", 3, "flannel.alpha.coreos.com/public-ip: 10.0.2.15"),
                        org.assertj.core.groups.Tuple.tuple("k8s-worker-01", 6, "flannel.alpha.coreos.com/public-ip: 10.0.2.15"));
    }

    @Test
    void etcdctlLeasesHaveNoUnplacedPublicIps() {
        assertThat(LeasesText.unplacedPublicIps(Golden.read(LOCAL + "v2-get.txt"))).isEmpty();
    }

    /** real-world/kube-etcdctl-json-k8s-handbook: the API server's keys, not flannel's, pasted as -w json through json.tool. */
    @Test
    void etcdJsonOfTheApiServersKeysIsReadAndEachKeyReportedAsNoLease() {
        String text = Golden.read("real-world/kube-etcdctl-json-k8s-handbook/leases.txt");
        assertThat(LeasesText.form(Transcript.of(text))).isEqualTo(LeasesText.Form.ETCDCTL_JSON);
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", text);
        assertThat(p.value()).isEmpty();
        assertThat(p.problems()).hasSize(8).allSatisfy(x -> assertThat(x.message()).contains("is not under <prefix>/subnets/"));
        assertThat(p.problems().get(0).message()).contains("kvs[0]: key '/registry/namespaces/automodel'");
        assertThat(p.problems().get(5).message()).contains("kvs[5]: key '/registry/namespaces/kube-system'");
    }
}
