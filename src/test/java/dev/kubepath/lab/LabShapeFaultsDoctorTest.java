package dev.kubepath.lab;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.ClusterRun;
import dev.kubepath.cluster.Fault;
import dev.kubepath.doctor.Code;
import dev.kubepath.doctor.Doctor;
import dev.kubepath.doctor.Finding;
import dev.kubepath.doctor.Report;
import dev.kubepath.doctor.ReportText;
import dev.kubepath.doctor.Severity;
import dev.kubepath.flannel.etcd.EtcdProcess;
import dev.kubepath.ingest.BundleReader;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Today's two shapes on the kernel, each broken the ways the doctor knows, one fault at a time: scenarios/k3s-like.yaml
 * (kube subnet manager, containerd on cni0, iptables mode, cluster DNS) and scenarios/kubeadm-nftables.yaml (etcd v3,
 * nftables mode, EndpointSlices, cluster DNS) are booted in the lab without their timeline, the fault is injected,
 * and a bundle is collected from the namespaces (collect.sh in each, as on a real node). The doctor on that bundle
 * gives the fault's code on the faulty host and no critical finding the fault does not explain. (Each file's own
 * timeline fault, new-podcidr and forward-drop, is diagnosed the same way by LabKubeFlannelTest and
 * KubeadmNftablesScenarioTest.)
 */
class LabShapeFaultsDoctorTest {
    @ParameterizedTest(name = "{0}: fault {1}")
    @CsvSource(delimiter = '|', value = {
            "k3s-like | vtep-mac agent2 de:ad:be:ef:00:02 | VTEP_MISMATCH | agent2",
            "k3s-like | public-ip agent2 192.0.2.5 | PUBLIC_IP_CONFLICT | agent2",
            "k3s-like | forward-drop agent2 | FORWARD_DROP | agent2",
            "k3s-like | ip-forward agent2 off | IP_FORWARD_OFF | agent2",
            "k3s-like | underlay-drop agent1 agent2 | VXLAN_PORT_FILTERED | agent2",
            "kubeadm-nftables | vtep-mac worker2 de:ad:be:ef:00:02 | VTEP_MISMATCH | worker2",
            "kubeadm-nftables | ip-forward worker2 off | IP_FORWARD_OFF | worker2",
            "kubeadm-nftables | underlay-drop worker1 worker2 | VXLAN_PORT_FILTERED | worker2",
            "kubeadm-nftables | delete-lease worker2 | LEASE_MISSING | worker2",
            "k3s-like | underlay-mtu agent2 1400 | UNDERLAY_MTU | agent2",
    })
    void theDoctorFindsTheFaultOnABundleCollectedFromTheLab(String shape, String fault, Code code, String host, @TempDir Path dir) {
        RootOnly.assume();
        ClusterFile file = ClusterFile.load(Path.of("scenarios/" + shape + ".yaml"));
        try (LabCluster lab = LabCluster.create(file.spec(), registry(file))) {
            new ClusterRun(file, lab.cluster(), e -> { }).boot();
            lab.cluster().faults().inject(Fault.parse(List.of(withSubnet(lab, fault).split(" "))));
            LabCollect.collect(lab, Path.of("collect.sh"), dir);
            BundleReader.Result bundle = BundleReader.read(dir);
            Report r = Doctor.examine(dir, bundle.snapshot());
            assertThat(r.findings(code)).as(ReportText.human(r)).anySatisfy(f -> assertThat(f.hosts()).contains(host));
            assertThat(r.findings()).filteredOn(f -> f.severity() == Severity.CRITICAL).extracting(Finding::code)
                    .as(ReportText.human(r)).isSubsetOf(code);
        }
    }

    /** {@code delete-lease HOST}: the fault names the lease by its subnet, which the registry gave HOST at boot. */
    private static String withSubnet(LabCluster lab, String fault) {
        if (!fault.startsWith("delete-lease ")) return fault;
        String host = fault.substring("delete-lease ".length());
        var ip = lab.cluster().hostSpec(host).ip();
        var lease = lab.cluster().registry().getLeases().leases().stream().filter(l -> l.publicIp().equals(ip)).findFirst().orElseThrow();
        return "delete-lease " + lease.subnet();
    }

    /** As lab up picks it: the file's kube subnet manager, or etcd's v3 key space when etcd is installed. */
    private static LabCluster.RegistryKind registry(ClusterFile file) {
        if (file.registry() == ClusterFile.Registry.KUBE) return LabCluster.RegistryKind.KUBE;
        if (!EtcdProcess.available()) return LabCluster.RegistryKind.EMBEDDED;
        return file.registry() == ClusterFile.Registry.ETCD_V3 ? LabCluster.RegistryKind.ETCD_V3 : LabCluster.RegistryKind.ETCD;
    }
}
