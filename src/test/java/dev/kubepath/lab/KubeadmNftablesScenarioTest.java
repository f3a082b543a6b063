package dev.kubepath.lab;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.ClusterRun;
import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.doctor.Code;
import dev.kubepath.doctor.Doctor;
import dev.kubepath.doctor.Finding;
import dev.kubepath.doctor.Report;
import dev.kubepath.doctor.ReportText;
import dev.kubepath.doctor.Severity;
import dev.kubepath.flannel.etcd.EtcdProcess;
import dev.kubepath.ingest.BundleReader;
import dev.kubepath.model.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scenarios/kubeadm-nftables.yaml: in the simulation its nftables-mode nodes carry kube-proxy's table and the fault
 * cuts worker2's pods off; in the lab every flow agrees with the simulator, and the doctor, on a bundle collected
 * from the lab, names the fault (FORWARD_DROP on worker2) and no critical finding the fault does not explain.
 */
class KubeadmNftablesScenarioTest {
    static final Path FILE = Path.of("scenarios/kubeadm-nftables.yaml");

    @Test
    void inTheSimulationTheNodesRunNftablesModeAndTheFaultCutsWorker2Off() {
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(FILE), e -> {});
        run.boot();
        run.runAll();
        for (String node : run.cluster().hostNames()) {
            Host h = run.cluster().host(node);
            assertThat(h.nftTable("ip", "kube-proxy")).as(node).isPresent();
            assertThat(h.virtualServers()).as(node).isEmpty();
        }
        DataPlane dp = new DataPlane(run.cluster().snapshot());
        var web = run.cluster().api().service("default", "web").orElseThrow();
        var t = dp.trace("cp1", new Probe.Curl(new dev.kubepath.net.SocketAddress(web.clusterIp(), 80)));
        assertThat(t.backends()).extracting(b -> b.verdict()).contains(Verdict.TIMEOUT);
        // written as a snapshot file (kubepath simulate) and read back, kube-proxy's table gives the same flows
        var back = dev.kubepath.ingest.SnapshotFile.parse("snapshot.yaml", dev.kubepath.cluster.SnapshotWriter.write(run.cluster().snapshot(), "test"));
        assertThat(back.host("worker1").orElseThrow().nftTable("ip", "kube-proxy")).isPresent();
        DataPlane read = new DataPlane(back);
        for (String from : run.cluster().hostNames()) {
            for (var to : java.util.List.of(new dev.kubepath.net.SocketAddress(web.clusterIp(), 80), dev.kubepath.net.SocketAddress.parse("192.168.30.11:30080"))) {
                assertThat(read.trace(from, new Probe.Curl(to)).backends()).as(from + " -> " + to)
                        .isEqualTo(dp.trace(from, new Probe.Curl(to)).backends());
            }
        }
    }

    @Test
    void theLabAgreesAndTheDoctorFindsTheFaultInTheLabsBundle(@TempDir Path dir) {
        RootOnly.assume();
        LabCluster.RegistryKind kind = EtcdProcess.available() ? LabCluster.RegistryKind.ETCD : LabCluster.RegistryKind.EMBEDDED;
        try (LabCluster lab = LabScenario.up(ClusterFile.load(FILE), kind)) {
            LabVerify.Report v = LabVerify.run(lab);
            assertThat(v.disagreements()).as(v.table()).isEmpty();
            LabCollect.collect(lab, Path.of("collect.sh"), dir);
            BundleReader.Result bundle = BundleReader.read(dir);
            assertThat(bundle.snapshot().host("worker1").orElseThrow().nftTable("ip", "kube-proxy")).as("read from nft.txt").isPresent();
            Report r = Doctor.examine(dir, bundle.snapshot());
            assertThat(r.findings(Code.FORWARD_DROP)).as(ReportText.human(r)).anySatisfy(f -> assertThat(f.hosts()).contains("worker2"));
            assertThat(r.findings()).filteredOn(f -> f.severity() == Severity.CRITICAL).extracting(Finding::code)
                    .as(ReportText.human(r)).containsOnly(Code.FORWARD_DROP);
        }
    }
}
