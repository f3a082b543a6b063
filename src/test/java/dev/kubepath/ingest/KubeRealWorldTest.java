package dev.kubepath.ingest;

import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Service;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Cluster-level outputs users pasted in public threads (real-world/kube-*, each with its SOURCE.md). */
class KubeRealWorldTest {
    private static String read(String dir, String file) {
        return Golden.read("real-world/" + dir + "/" + file);
    }

    @Test
    void describeNodeWithKeyEqualsValueAnnotationsButNoPodCidrCannotPlaceTheLease() {
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", read("kube-describe-node-flannel-946", "leases.txt"));
        assertThat(LeasesText.form(Transcript.of(read("kube-describe-node-flannel-946", "leases.txt")))).isEqualTo(LeasesText.Form.NODE_ANNOTATIONS);
        assertThat(p.value()).isEmpty();
        assertThat(p.problems()).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(2);
            assertThat(x.message()).contains("node 10.169.72.93").contains("public-ip 10.169.72.93").contains("subnet is unknown");
        });
    }

    @Test
    void describeNodeWithKeyColonValueAndNoPublicIpIsReported() {
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", read("kube-describe-node-k3s-3932", "leases.txt"));
        assertThat(p.value()).isEmpty();
        assertThat(p.problems()).singleElement().satisfies(x -> assertThat(x.message())
                .contains("node k8s-cilium-master").contains("no flannel.alpha.coreos.com/public-ip"));
    }

    @Test
    void describeNodeWithEverythingGivesTheLeaseAndNotesAnUnappliedOverwrite() {
        // the describe form of 946 completed with the PodCIDR lines describe prints, and an overwrite set later
        String text = read("kube-describe-node-flannel-946", "leases.txt")
                + "                    flannel.alpha.coreos.com/public-ip-overwrite=192.0.2.7\nPodCIDR:                     10.244.1.0/24\n";
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", text);
        assertThat(p.value()).singleElement().satisfies(l -> {
            assertThat(l.subnet()).isEqualTo(Prefix.parse("10.244.1.0/24"));
            assertThat(l.publicIp()).isEqualTo(Ipv4.parse("10.169.72.93"));
            assertThat(l.vtepMac()).hasToString("f6:45:ee:df:8e:61");
        });
        assertThat(p.problems()).singleElement().satisfies(x -> assertThat(x.message()).contains("public-ip-overwrite 192.0.2.7 differs"));
    }

    @Test
    void etcdctlLsUnderACustomPrefixWithoutPromptListsSixSubnetsWithUnknownOwners() {
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", read("kube-etcdctl-ls-k8s-45001", "leases.txt"));
        assertThat(p.value()).isEmpty();
        assertThat(p.problems()).hasSize(6);
        assertThat(p.problems().get(0).message()).contains("172.12.1.0/24").contains("owner is unknown");
        assertThat(p.problems().get(5).line()).isEqualTo(7);
    }

    @Test
    void etcdctlErrorBehindTlsFlagsIsReportedNotAnEmptyRegistry() {
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", read("kube-etcdctl-error-etcd-12563", "leases.txt"));
        assertThat(p.value()).isEmpty();
        assertThat(p.problems()).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(2);
            assertThat(x.message()).contains("etcdctl failed").contains("Key not found (/coreos.com)");
        });
    }

    @Test
    void nodeJsonCutShortIsReportedAsInvalidJson() {
        String text = read("kube-node-json-flannel-1122", "leases.txt");
        assertThat(LeasesText.form(Transcript.of(text))).isEqualTo(LeasesText.Form.NODES_JSON);
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", text);
        assertThat(p.value()).isEmpty();
        assertThat(p.problems()).singleElement().satisfies(x -> assertThat(x.message()).startsWith("invalid JSON"));
        // the node itself, closed: its public-ip x.x.x.x is no address, so no lease either
        Parsed<List<Lease>> closed = LeasesText.parse("leases.txt", text.strip().replaceAll(",$", "") + "\n}\n");
        assertThat(closed.value()).isEmpty();
        assertThat(closed.problems()).singleElement().satisfies(x -> assertThat(x.message()).contains("node citrixadc").contains("x.x.x.x"));
    }

    @Test
    void getEndpointsAllNamespacesWithNone() {
        Parsed<List<Endpoints>> p = KubectlText.endpoints("endpoints.txt", read("kube-get-ep-kubernetic-281", "endpoints.txt"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).hasSize(10);
        Endpoints dns = p.value().get(1);
        assertThat(dns.key()).isEqualTo("kube-system/kube-dns");
        assertThat(dns.addresses()).extracting(a -> a.ip().toString()).containsExactly("10.42.0.18");
        assertThat(dns.ports()).extracting(Endpoints.Port::port).containsExactly(53, 9153);
        assertThat(p.value().get(9).addresses()).isEmpty();
        assertThat(p.value()).allMatch(Endpoints::complete);
    }

    @Test
    void getEndpointsOfTheFirstPrinterWithTwoColumns() {
        Parsed<List<Endpoints>> p = KubectlText.endpoints("endpoints.txt", read("kube-get-ep-k8s-4760", "endpoints.txt"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).hasSize(8).allMatch(e -> e.namespace().equals("default"));
        assertThat(p.value().get(3).addresses()).extracting(a -> a.ip().toString()).containsExactly("10.240.100.146");
        assertThat(p.value().get(3).ports()).containsExactly(new Endpoints.Port(null, null, 6443));
    }

    @Test
    void plusNMoreMeansTheListIsIncomplete() {
        // kubectl's endpoints printer shows three address:port pairs, then " + N more..."
        String text = """
                NAME   ENDPOINTS                                                  AGE
                web    10.244.1.5:8080,10.244.2.7:8080,10.244.3.9:8080 + 1 more...   12d
                """;
        Parsed<List<Endpoints>> p = KubectlText.endpoints("endpoints.txt", text);
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).singleElement().satisfies(e -> {
            assertThat(e.addresses()).hasSize(3);
            assertThat(e.notShown()).isEqualTo(1);
            assertThat(e.complete()).isFalse();
        });
    }

    @Test
    void getSvcWithoutTypeColumnTakesTheTypeFromNodePortsAndExternalIp() {
        Parsed<List<Service>> p = KubectlText.services("services.txt", read("kube-get-svc-k8s-48257", "services.txt"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).extracting(Service::name, Service::type).containsExactly(
                org.assertj.core.groups.Tuple.tuple("kubernetes", "ClusterIP"), org.assertj.core.groups.Tuple.tuple("nginxsvc", "NodePort"));
        assertThat(p.value().get(1).clusterIp()).isEqualTo(Ipv4.parse("10.0.0.128"));
        assertThat(p.value().get(1).ports()).containsExactly(new Service.Port(null, Protocol.TCP, 80, 0, 30283),
                new Service.Port(null, Protocol.TCP, 443, 0, 31491));
    }

    @Test
    void getSvcOfGkeBeforeNodePortsWerePrintedReportsTheServiceWhoseTypeIsNotShown() {
        // an address in EXTERNAL-IP and no node ports: a LoadBalancer of a kubectl that printed none, or a ClusterIP
        // with externalIPs; the table does not tell which
        Parsed<List<Service>> p = KubectlText.services("services.txt", read("kube-get-svc-website-306", "services.txt"));
        assertThat(p.value()).isEmpty();
        assertThat(p.problems()).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(2);
            assertThat(x.message()).contains("EXTERNAL-IP 192.158.31.19").contains("LoadBalancer").contains("externalIPs")
                    .contains("type is not shown");
        });
    }

    @Test
    void getSvcBeforeTheTypeColumnStillTellsNodePortAndPendingLoadBalancerWithoutNodePorts() {
        Parsed<List<Service>> p = KubectlText.services("services.txt", """
                NAME      CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
                web       10.0.0.12    <nodes>       80/TCP    1m
                lb        10.0.0.13    <pending>     80/TCP    1m
                plain     10.0.0.14    <none>        80/TCP    1m
                """);
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).extracting(Service::type).containsExactly("NodePort", "LoadBalancer", "ClusterIP");
    }

    @Test
    void getEndpointsOfOneServiceAsJsonGivesItsPodAddressAndUnnamedPort() {
        Parsed<List<Endpoints>> p = KubectlJson.endpoints("endpoints.json", read("kube-get-endpoints-json-hazelcast", "endpoints.json"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("default/hazelcast");
            assertThat(e.addresses()).containsExactly(new Endpoints.Address(Ipv4.parse("10.244.37.3"), null, "hazelcast-nsyzn"));
            assertThat(e.ports()).containsExactly(new Endpoints.Port(null, Protocol.TCP, 5701));
        });
    }

    @Test
    void endpointsOfKubeDnsFromAClientsTestsGiveOnePodAndBothNamedDnsPorts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        String json = read("kube-get-endpoints-json-skuber-kube-dns", "endpoints.json");
        Parsed<List<Endpoints>> p = KubectlJson.endpoints("endpoints.json", json);
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("default/kube-dns");
            assertThat(e.addresses()).containsExactly(new Endpoints.Address(Ipv4.parse("10.246.1.3"), null, "kube-dns-v3-fkelw"));
            assertThat(e.ports()).containsExactly(new Endpoints.Port("dns-tcp", Protocol.TCP, 53), new Endpoints.Port("dns", Protocol.UDP, 53));
        });
        // as kubepath read --json counts it: one Endpoints object, no problem
        java.nio.file.Files.createDirectories(dir.resolve("cluster"));
        java.nio.file.Files.writeString(dir.resolve("cluster/endpoints.json"), json);
        BundleReader.Result r = BundleReader.read(dir);
        assertThat(BundleCounts.of(dir, r).cluster().endpoints()).isEqualTo(1);
        assertThat(r.problems()).noneMatch(x -> x.file().contains("endpoints"));
    }

    @Test
    void getSvcWideAllNamespacesReadsTheSelector() {
        Parsed<List<Service>> p = KubectlText.services("services.txt", read("kube-get-svc-wide-netpol-14", "services.txt"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).singleElement().satisfies(s -> {
            assertThat(s.key()).isEqualTo("default/apiserver");
            assertThat(s.selector()).containsEntry("app", "apiserver");
            assertThat(s.ports()).extracting(Service.Port::port).containsExactly(8001, 5001);
        });
    }

    @Test
    void getSvcOfKubectl14WithUnderscoredColumns() {
        // the header kubectl 1.1-1.4 printed (kubernetes/kubernetes#16338 shows it), with one service row
        String text = """
                NAME              CLUSTER_IP       EXTERNAL_IP       PORT(S)       SELECTOR               AGE
                hostnames         10.0.1.175       <none>            80/TCP        app=hostnames          0s
                """;
        Parsed<List<Service>> p = KubectlText.services("services.txt", text);
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).singleElement().satisfies(s -> {
            assertThat(s.type()).isEqualTo("ClusterIP");
            assertThat(s.clusterIp()).isEqualTo(Ipv4.parse("10.0.1.175"));
            assertThat(s.selector()).containsEntry("app", "hostnames");
        });
    }

    @Test
    void getPodsWideOfKubectl19WithoutNominatedNode() {
        Parsed<List<Pod>> p = KubectlText.pods("pods.txt", read("kube-get-pods-wide-k8s-60573", "pods.txt"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).hasSize(2);
        assertThat(p.value().get(0).ip()).isEqualTo(Ipv4.parse("10.16.25.5"));
        assertThat(p.value().get(1).node()).isEqualTo("192-168-0-53-kube02");
    }

    @Test
    void nodeYamlOfK3sReadsTheAnnotationsAndSaysTheSubnetIsNotShown() {
        String text = read("kube-node-yaml-k3s-1824", "leases.txt");
        assertThat(LeasesText.form(Transcript.of(text))).isEqualTo(LeasesText.Form.NODES_YAML);
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", text);
        assertThat(p.value()).isEmpty();
        assertThat(p.problems()).singleElement().satisfies(x -> assertThat(x.message())
                .contains("node ?").contains("public-ip 10.65.40.139").contains("no IPv4 spec.podCIDR"));
        // the same node with the spec its YAML goes on to: one extension lease (its backend-data holds no VtepMAC)
        Parsed<List<Lease>> full = LeasesText.parse("leases.txt", text + "  name: k3s-ingress-c60b2402\nspec:\n  podCIDR: 10.42.3.0/24\n  podCIDRs:\n  - 10.42.3.0/24\n");
        assertThat(full.value()).singleElement().satisfies(l -> {
            assertThat(l.subnet()).isEqualTo(Prefix.parse("10.42.3.0/24"));
            assertThat(l.publicIp()).isEqualTo(Ipv4.parse("10.65.40.139"));
            assertThat(l.backendType()).isEqualTo("extension");
            assertThat(l.vtepMac()).isNull();
        });
    }

    @Test
    void grepOfNodeYamlWithMaskedAddressesIsReportedNotGuessed() {
        String text = read("kube-grep-annotations-k3s-6188", "leases.txt");
        assertThat(LeasesText.form(Transcript.of(text))).isEqualTo(LeasesText.Form.NODE_ANNOTATIONS);
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", text);
        assertThat(p.value()).isEmpty();
        assertThat(p.problems()).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(3);
            assertThat(x.message()).contains("$SERVER_PUBLIC_IP");
        });
    }

    @Test
    void nodeListYamlOfKubeadmGivesItsLease() {
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", read("kube-node-yaml-k8s-58609", "leases.txt"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).singleElement().satisfies(l -> {
            assertThat(l.subnet()).isEqualTo(Prefix.parse("10.244.0.0/24"));
            assertThat(l.publicIp()).isEqualTo(Ipv4.parse("10.135.80.73"));
            assertThat(l.backendType()).isEqualTo("vxlan");
            assertThat(l.vtepMac()).hasToString("12:ec:07:26:03:a3");
        });
    }

    @Test
    void getPodsWideWithNominatedNodeAndReadinessGates() {
        Parsed<List<Pod>> p = KubectlText.pods("pods.txt", read("kube-get-pods-wide-kubeadm-vagrant-1", "pods.txt"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).hasSize(6);
        assertThat(p.value().get(2)).satisfies(pod -> {
            assertThat(pod.key()).isEqualTo("kube-system/coredns-9d85f5447-jhh7n");
            assertThat(pod.ip()).isEqualTo(Ipv4.parse("10.244.0.3"));
            assertThat(pod.node()).isEqualTo("master");
        });
        assertThat(p.value().get(1).node()).isEqualTo("node2");
    }

    @Test
    void getNodesWideWithSpacesInOsImage() {
        Parsed<List<dev.kubepath.model.Node>> p = KubectlText.nodes("nodes.txt", read("kube-get-nodes-wide-oracle-367", "nodes.txt"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).hasSize(5).allMatch(dev.kubepath.model.Node::ready);
        assertThat(p.value().get(3).name()).isEqualTo("worker1.vagrant.vm");
        assertThat(p.value().get(3).internalIp()).isEqualTo(Ipv4.parse("192.168.99.111"));
        assertThat(p.value().get(0).kubeletVersion()).isEqualTo("v1.18.10+3.el8");
    }

    @Test
    void nodeListFromMinikubeGivesTheNodeItsAddressAndPodCidr() {
        Parsed<List<dev.kubepath.model.Node>> p = KubectlJson.nodes("nodes.json", read("kube-get-nodes-json-victoriametrics", "nodes.json"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).singleElement().satisfies(n -> {
            assertThat(n.name()).isEqualTo("m01");
            assertThat(n.internalIp()).isEqualTo(Ipv4.parse("172.17.0.2"));
            assertThat(n.podCidr()).isEqualTo(Prefix.parse("10.244.0.0/24"));
            assertThat(n.ready()).isTrue();
            assertThat(n.kubeletVersion()).isEqualTo("v1.17.3");
        });
        // no flannel annotations on this node (kindnet): no lease, and that is not a problem
        assertThat(NodeLeases.fromJson("nodes.json", read("kube-get-nodes-json-victoriametrics", "nodes.json")).value()).isEmpty();
    }

    /** real-world/kube-get-nodes-json-kubeadm-flannel-pradeepgadde: kubectl's List of three flannel nodes. */
    @Test
    void nodeListAsKubectlPrintsItGivesThreeNodesAndTheirFlannelLeases() {
        String json = read("kube-get-nodes-json-kubeadm-flannel-pradeepgadde", "nodes.json");
        Parsed<List<dev.kubepath.model.Node>> p = KubectlJson.nodes("nodes.json", json);
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).extracting(dev.kubepath.model.Node::name).containsExactly("k8s1", "k8s2", "k8s3");
        assertThat(p.value().get(0).internalIp()).isEqualTo(Ipv4.parse("10.210.40.172"));
        assertThat(p.value().get(2).podCidr()).isEqualTo(Prefix.parse("10.244.3.0/24"));
        assertThat(p.value()).allMatch(dev.kubepath.model.Node::ready);
        Parsed<List<Lease>> leases = NodeLeases.fromJson("nodes.json", json);
        assertThat(leases.problems()).isEmpty();
        assertThat(leases.value()).hasSize(3).allMatch(l -> "vxlan".equals(l.backendType()));
        assertThat(leases.value().get(1)).satisfies(l -> {
            assertThat(l.subnet()).isEqualTo(Prefix.parse("10.244.2.0/24"));
            assertThat(l.publicIp()).isEqualTo(Ipv4.parse("10.210.40.173"));
            assertThat(l.vtepMac()).isEqualTo(dev.kubepath.net.Mac.parse("92:01:5e:01:fe:01"));
        });
    }

    @Test
    void serviceListFromMinikubeGivesKubeDnsWithItsThreeNamedPorts() {
        Parsed<List<Service>> p = KubectlJson.services("services.json", read("kube-get-svc-json-victoriametrics", "services.json"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).singleElement().satisfies(s -> {
            assertThat(s.namespace() + "/" + s.name()).isEqualTo("kube-system/kube-dns");
            assertThat(s.clusterIp()).isEqualTo(Ipv4.parse("10.96.0.10"));
            assertThat(s.type()).isEqualTo("ClusterIP");
            assertThat(s.ports()).extracting(Service.Port::name).containsExactly("dns", "dns-tcp", "metrics");
            assertThat(s.ports().get(0).protocol()).isEqualTo(Protocol.UDP);
            assertThat(s.ports().get(2).targetPort()).isEqualTo(9153);
        });
    }

    @Test
    void podListAsKubectlPrintsItGivesTheRunningPodItsNodeAndAddress() {
        Parsed<List<Pod>> p = KubectlJson.pods("pods.json", read("kube-get-pods-json-kuard-minikube", "pods.json"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).singleElement().satisfies(pod -> {
            assertThat(pod.namespace() + "/" + pod.name()).isEqualTo("default/queue-l4dv8");
            assertThat(pod.node()).isEqualTo("minikube");
            assertThat(pod.ip()).isEqualTo(Ipv4.parse("172.17.0.6"));
            assertThat(pod.phase()).isEqualTo("Running");
            assertThat(pod.restarts()).isZero();
            assertThat(pod.labels()).containsEntry("app", "work-queue").containsEntry("component", "queue").hasSize(3);
            assertThat(pod.containerPorts()).isEmpty(); // the kuard queue declares none
        });
    }

    @Test
    void podListFromK3sGivesAPendingUnscheduledPodNoNodeAndNoAddress() {
        Parsed<List<Pod>> p = KubectlJson.pods("pods.json", read("kube-get-pods-svc-json-krowsnest-k3s", "pods.json"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).extracting(Pod::name).containsExactly("svclb-my-release-wordpress-7dqrn", "my-release-mariadb-0",
                "my-release-wordpress-67855bb4bc-rzrfd");
        Pod svclb = p.value().get(0);
        assertThat(svclb.phase()).isEqualTo("Pending");
        assertThat(svclb.node()).isNull();
        assertThat(svclb.ip()).isNull();
        assertThat(svclb.containerPorts()).containsExactly(80, 443);
        Pod mariadb = p.value().get(1);
        assertThat(mariadb.node()).isEqualTo("pi4");
        assertThat(mariadb.ip()).isEqualTo(Ipv4.parse("10.42.0.12"));
        assertThat(mariadb.restarts()).isEqualTo(5);
    }

    @Test
    void serviceListFromK3sHasNamedTargetPortsThatThePodsContainerPortsResolve() {
        String services = read("kube-get-pods-svc-json-krowsnest-k3s", "services.json");
        Parsed<List<Service>> p = KubectlJson.services("services.json", services);
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).extracting(Service::name).containsExactly("kubernetes", "my-release-mariadb", "my-release-wordpress");
        Service wordpress = p.value().get(2);
        assertThat(wordpress.type()).isEqualTo("LoadBalancer");
        assertThat(wordpress.clusterIp()).isEqualTo(Ipv4.parse("10.43.125.86"));
        assertThat(wordpress.ports()).extracting(Service.Port::nodePort).containsExactly(32019, 31347);
        assertThat(wordpress.ports()).allMatch(port -> port.targetPort() == 0); // "http", "https": names, unknown alone
        assertThat(p.value().get(0).ports().get(0).targetPort()).isEqualTo(6443);

        Parsed<List<Service>> resolved = TargetPorts.resolve("services.json", services, p.value(), List.of(),
                read("kube-get-pods-svc-json-krowsnest-k3s", "pods.json"));
        assertThat(resolved.problems()).isEmpty();
        assertThat(resolved.value().get(1).ports().get(0).targetPort()).isEqualTo(3306);
        assertThat(resolved.value().get(2).ports()).extracting(Service.Port::targetPort).containsExactly(8080, 8443);
    }
}
