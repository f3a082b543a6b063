package dev.kubepath.lab;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.ClusterRun;
import dev.kubepath.doctor.Code;
import dev.kubepath.doctor.Doctor;
import dev.kubepath.doctor.Finding;
import dev.kubepath.doctor.Report;
import dev.kubepath.doctor.ReportText;
import dev.kubepath.doctor.Severity;
import dev.kubepath.ingest.BundleReader;
import dev.kubepath.model.Lease;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Today's flannel on real namespaces: the kube subnet manager with containerd on cni0 (scenarios/k3s-like.yaml, with
 * kube-proxy in iptables mode), host-gw and VXLAN DirectRouting. The kernel agrees with the simulator flow by flow; a bundle collected from the lab gives back
 * the leases our agents wrote as node annotations; the doctor finds the changed podCIDR's cni0 on it.
 */
class LabKubeFlannelTest {
    static ClusterFile file(String name) {
        return ClusterFile.load(Path.of("src/test/resources/cluster-files/" + name));
    }

    @Test
    void kubeSubnetManagerOnCni0AgreesRoundTripsItsLeasesAndTheDoctorFindsTheChangedPodCidr(@TempDir Path tmp) {
        RootOnly.assume();
        ClusterFile f = ClusterFile.load(Path.of("scenarios/k3s-like.yaml"));
        try (LabCluster lab = LabCluster.create(f.spec(), LabCluster.RegistryKind.KUBE)) {
            ClusterRun run = new ClusterRun(f, lab.cluster(), e -> { });
            run.boot();
            assertThat(lab.exec("agent1", java.util.List.of("ip", "-d", "link", "show", "cni0")).stdout()).contains("bridge");
            LabVerify.Report healthy = LabVerify.run(lab);
            assertThat(healthy.disagreements()).as(healthy.table()).isEmpty();

            Path bundle = tmp.resolve("healthy");
            LabCollect.collect(lab, Path.of("collect.sh"), bundle);
            BundleReader.Result read = BundleReader.read(bundle);
            Comparator<Lease> bySubnet = Comparator.comparing(Lease::subnet);
            assertThat(read.snapshot().cluster().leases().stream().sorted(bySubnet).toList()).as("leases read from nodes.json")
                    .isEqualTo(lab.cluster().registry().getLeases().leases().stream().sorted(bySubnet).toList()).hasSize(3);
            assertThat(read.snapshot().cluster().flannel().network().toString()).isEqualTo("10.42.0.0/16");
            Report ok = Doctor.examine(bundle, read.snapshot());
            assertThat(ok.findings()).as(ReportText.human(ok)).noneMatch(x -> x.severity() == Severity.CRITICAL);

            run.runAll(); // agent2's node re-registers with a new podCIDR; a pod is started there
            // the plugin meets cni0 as the kernel holds it: still the old gateway address
            assertThat(lab.exec("agent2", java.util.List.of("ip", "-4", "addr", "show", "cni0")).stdout()).contains("inet 10.42.2.1/24");
            String error = "failed to set bridge addr: \"cni0\" already has an IP address different from 10.42.3.1/24";
            String describe = new dev.kubepath.shell.SimShell(lab.cluster(), "server").run("kubectl describe pod probe");
            assertThat(describe.lines().filter(l -> l.contains("FailedCreatePodSandBox")).toList()).as(describe)
                    .singleElement().satisfies(l -> assertThat(l).contains("plugin type=\"flannel\" failed (add): failed to delegate add: " + error));
            assertThat(lab.cluster().podEvents().journal("agent2")).last()
                    .satisfies(l -> assertThat(l).contains("\"CreatePodSandbox for pod failed\"", error.replace("\"", "\\\""))); // klog quotes err="..."
            Path broken = tmp.resolve("broken");
            LabCollect.collect(lab, Path.of("collect.sh"), broken);
            BundleReader.Result b = BundleReader.read(broken);
            Report r = Doctor.examine(broken, b.snapshot());
            assertThat(r.findings(Code.BRIDGE_SUBNET_MISMATCH)).as(ReportText.human(r)).singleElement().satisfies(x -> {
                assertThat(x.hosts()).containsExactly("agent2");
                assertThat(x.evidence()).anySatisfy(e -> assertThat(e.text()).contains("already has an IP address different from 10.42.3.1/24"));
            });
            assertThat(r.findings()).filteredOn(x -> x.severity() == Severity.CRITICAL).extracting(Finding::code)
                    .as(ReportText.human(r)).isSubsetOf(Set.of(Code.BRIDGE_SUBNET_MISMATCH));
        }
    }

    @Test
    void hostGwAgreesWithTheSimulator() {
        RootOnly.assume();
        try (LabCluster lab = LabScenario.up(file("host-gw.yaml"), LabCluster.RegistryKind.EMBEDDED)) {
            assertThat(lab.exec("a", java.util.List.of("ip", "route", "show", "10.244.11.0/24")).stdout()).contains("via 192.168.40.11 dev eth0");
            LabVerify.Report r = LabVerify.run(lab);
            assertThat(r.disagreements()).as(r.table()).isEmpty();
        }
    }

    @Test
    void vxlanDirectRoutingAgreesWithTheSimulator() {
        RootOnly.assume();
        try (LabCluster lab = LabScenario.up(file("direct-routing.yaml"), LabCluster.RegistryKind.EMBEDDED)) {
            assertThat(lab.exec("a", java.util.List.of("ip", "route", "show", "10.244.11.0/24")).stdout()).contains("via 192.168.40.11 dev eth0");
            assertThat(lab.exec("a", java.util.List.of("ip", "route", "show", "10.244.12.0/24")).stdout()).contains("dev flannel.1");
            LabVerify.Report r = LabVerify.run(lab);
            assertThat(r.disagreements()).as(r.table()).isEmpty();
        }
    }
}
