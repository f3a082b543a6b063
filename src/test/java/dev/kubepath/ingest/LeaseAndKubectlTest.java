package dev.kubepath.ingest;

import dev.kubepath.model.FlannelConfig;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Service;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LeaseAndKubectlTest {
    private static Lease lease(String subnet, String ip, String mac) {
        return new Lease(Prefix.parse(subnet), Ipv4.parse(ip), "vxlan", Mac.parse(mac), null);
    }

    @Test
    void seedEtcdV2TranscriptBeforeTheFixHoldsNoLeaseForMcwk8s05() {
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", Golden.read("seed/4-mcwk8s03-etcdctl-before.txt"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).containsExactly(
                lease("172.17.9.0/24", "10.0.0.36", "2a:2c:21:3a:58:21"),
                lease("172.17.83.0/24", "10.0.0.33", "b2:83:33:7b:fd:37"));
    }

    @Test
    void keysListedButNotShownAreReportedNotInvented() {
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", Golden.read("seed/6-mcwk8s03-etcdctl-after.txt"));
        assertThat(p.value()).containsExactly(lease("172.17.89.0/24", "10.0.0.35", "36:70:76:ea:39:b8"));
        assertThat(p.problems()).extracting(ParseProblem::line).containsExactly(2, 3);
        assertThat(p.problems().get(0).message()).contains("172.17.83.0/24").contains("not shown");
    }

    @Test
    void etcdV3PrefixOutputIsKeyValuePairs() {
        String v3 = """
                /coreos.com/network/subnets/172.17.9.0-24
                {"PublicIP":"10.0.0.36","BackendType":"vxlan","BackendData":{"VtepMAC":"2a:2c:21:3a:58:21"}}
                /coreos.com/network/subnets/172.17.89.0-24
                {"PublicIP":"10.0.0.35","BackendType":"vxlan","BackendData":{"VtepMAC":"36:70:76:ea:39:b8"
                """;
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", v3);
        assertThat(p.value()).containsExactly(lease("172.17.9.0/24", "10.0.0.36", "2a:2c:21:3a:58:21"));
        assertThat(p.problems()).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(4);
            assertThat(x.message()).contains("not valid JSON");
        });
    }

    @Test
    void kubeSubnetManagerLeasesComeFromNodeAnnotations() {
        String nodes = """
                {"kind":"NodeList","items":[
                 {"metadata":{"name":"mcwk8s05","annotations":{
                   "flannel.alpha.coreos.com/backend-data":"{\\"VtepMAC\\":\\"36:70:76:ea:39:b8\\"}",
                   "flannel.alpha.coreos.com/backend-type":"vxlan",
                   "flannel.alpha.coreos.com/public-ip":"10.0.0.35"}},
                  "spec":{"podCIDR":"172.17.89.0/24"},
                  "status":{"addresses":[{"type":"InternalIP","address":"10.0.0.35"}],
                            "conditions":[{"type":"Ready","status":"True"}],"nodeInfo":{"kubeletVersion":"v1.15.12"}}},
                 {"metadata":{"name":"mcwk8s06"},"spec":{},"status":{}}]}
                """;
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", nodes);
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).containsExactly(lease("172.17.89.0/24", "10.0.0.35", "36:70:76:ea:39:b8"));
        Parsed<List<Node>> n = KubectlJson.nodes("nodes.json", nodes);
        assertThat(n.value()).containsExactly(
                new Node("mcwk8s05", Ipv4.parse("10.0.0.35"), true, Prefix.parse("172.17.89.0/24"), "v1.15.12"),
                new Node("mcwk8s06", null, false, null, null));
    }

    @Test
    void flannelConfigDefaults() {
        Parsed<FlannelConfig> p = FlannelConfigJson.parse("flannel-config.json", "{\"Network\":\"172.17.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
        assertThat(p.value()).isEqualTo(new FlannelConfig(Prefix.parse("172.17.0.0/16"), 24, Prefix.parse("172.17.1.0/24"),
                Prefix.parse("172.17.255.0/24"), "vxlan", 1, 8472, false));
    }

    @Test
    void flannelConfigRefusedByFlannelsChecksIsAProblemAtFileAndLine() {
        // flannel's own check (SubnetMin must sit on a SubnetLen boundary); the bundle still reads, naming file:line
        Parsed<FlannelConfig> p = FlannelConfigJson.parse("flannel-config.json",
                "\n{\"Network\":\"10.0.0.0/16\",\"SubnetMin\":\"10.0.1.5\",\"Backend\":{\"Type\":\"vxlan\"}}");
        assertThat(p.value()).isNull();
        assertThat(p.problems()).containsExactly(
                new ParseProblem("flannel-config.json", 2, "SubnetMin is not on a SubnetLen boundary: 10.0.1.5"));
        Parsed<FlannelConfig> port = FlannelConfigJson.parse("flannel-config.json", "{\"Network\":\"10.0.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"Port\":70000}}");
        assertThat(port.problems()).extracting(ParseProblem::message).containsExactly("Port 70000 is out of range 1..65535");
    }

    @Test
    void udpBackendGetsNoVxlanDefaults() {
        // no Backend means udp (flannel's parseBackendType); VNI 1 and port 8472 are the vxlan backend's defaults only
        FlannelConfig c = FlannelConfigJson.parse("flannel-config.json", "{\"Network\":\"10.0.0.0/16\"}").value();
        assertThat(c.backendType()).isEqualTo("udp");
        assertThat(c.vni()).isZero();
        assertThat(c.port()).isZero();
    }

    @Test
    void seedKubectlGetSvcWithHeadlessServiceAndNodePort() {
        Parsed<List<Service>> p = KubectlText.services("services.txt", Golden.section("seed/1-mcwk8s03-symptoms.txt", "kubectl get svc", 0));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).extracting(Service::name).containsExactly("kubernetes", "mcwtest-svc", "nginx");
        Service svc = p.value().get(1);
        assertThat(svc.type()).isEqualTo("NodePort");
        assertThat(svc.clusterIp()).isEqualTo(Ipv4.parse("10.2.0.155"));
        assertThat(svc.ports()).containsExactly(new Service.Port(null, Protocol.TCP, 2024, 0, 41527));
        assertThat(p.value().get(2).headless()).isTrue();
    }

    @Test
    void seedKubectlPodLineWithoutHeaderAndNodesWide() {
        String seed = "seed/2-mcwk8s03-pod-and-nodes.txt";
        Parsed<List<Pod>> pods = KubectlText.pods("pods.txt", Golden.section(seed, "kubectl get pod", 0));
        assertThat(pods.problems()).isEmpty();
        assertThat(pods.value()).singleElement().satisfies(pod -> {
            assertThat(pod.name()).isEqualTo("mcwtest-deploy-6465665557-g9zjd");
            assertThat(pod.ip()).isEqualTo(Ipv4.parse("172.17.98.13"));
            assertThat(pod.node()).isEqualTo("mcwk8s05");
            assertThat(pod.phase()).isEqualTo("Running");
        });
        Parsed<List<Node>> nodes = KubectlText.nodes("nodes.txt", Golden.section(seed, "kubectl get nodes", 0));
        assertThat(nodes.problems()).isEmpty();
        assertThat(nodes.value()).containsExactly(
                new Node("mcwk8s05", Ipv4.parse("10.0.0.35"), true, null, "v1.15.12"),
                new Node("mcwk8s06", Ipv4.parse("10.0.0.36"), true, null, "v1.15.12"));
    }

    @Test
    void kubectlJsonServicePodsAndEndpoints() {
        String svc = """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"mcwtest-svc","namespace":"default"},
                 "spec":{"type":"NodePort","clusterIP":"10.2.0.155","selector":{"app":"mcwpython"},
                  "ports":[{"name":"mcwport","port":2024,"protocol":"TCP","targetPort":20000,"nodePort":33958}]}}
                """;
        assertThat(KubectlJson.services("services.json", svc).value()).containsExactly(new Service("default", "mcwtest-svc", "NodePort",
                Ipv4.parse("10.2.0.155"), List.of(new Service.Port("mcwport", Protocol.TCP, 2024, 20000, 33958)), java.util.Map.of("app", "mcwpython")));
        String ep = """
                {"items":[{"metadata":{"name":"mcwtest-svc","namespace":"default"},"subsets":[{"addresses":[
                 {"ip":"172.17.89.10","nodeName":"mcwk8s05","targetRef":{"kind":"Pod","name":"mcwtest-deploy-6465665557-x"}}],
                 "ports":[{"name":"mcwport","port":20000,"protocol":"TCP"}]}]}]}
                """;
        var e = KubectlJson.endpoints("endpoints.json", ep);
        assertThat(e.problems()).isEmpty();
        assertThat(e.value().get(0).addresses()).extracting(a -> a.ip() + " " + a.node()).containsExactly("172.17.89.10 mcwk8s05");
        String pod = """
                {"items":[{"metadata":{"name":"p","namespace":"default","labels":{"app":"mcwpython"}},
                 "spec":{"nodeName":"mcwk8s05","containers":[{"ports":[{"containerPort":20000}]}]},
                 "status":{"podIP":"172.17.89.10","phase":"Running","containerStatuses":[{"restartCount":2}]}},
                 {"metadata":{"name":"broken","namespace":"default"},"spec":{},"status":{"podIP":"172.17.300.1"}}]}
                """;
        var pods = KubectlJson.pods("pods.json", pod);
        assertThat(pods.value()).singleElement().satisfies(x -> assertThat(x.restarts()).isEqualTo(2));
        assertThat(pods.problems()).singleElement().satisfies(x -> assertThat(x.message()).startsWith("default/broken: "));
    }
}
