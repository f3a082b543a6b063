package dev.kubepath.lab;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.host.linux.CommandResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kube-proxy's iptables mode in the lab: table nat goes to the kernel through the real iptables-restore in each host's
 * namespace, so the service NAT is the kernel's own; real traffic agrees with the simulator flow by flow, and the
 * same cluster in IPVS mode gets the same real verdicts. scenarios/k3s-like.yaml (kube subnet manager, containerd on
 * cni0, iptables mode) comes up and agrees on every flow.
 */
class LabIptablesTest {
    @Test
    void iptablesModeNatIsInTheKernelAgreesWithTheSimulatorAndWithIpvsMode() {
        RootOnly.assume();
        Map<String, Verdict> iptables;
        try (LabCluster lab = ProxyModeLab.up("iptables")) {
            CommandResult saved = lab.exec("n1", List.of("iptables-save", "-t", "nat"));
            assertThat(saved.exit()).isZero();
            // kube-proxy's chains as the kernel holds them: a service chain choosing among three endpoints, their DNATs
            assertThat(saved.stdout()).contains(":KUBE-SERVICES - ").contains("--mode random --probability 0.333")
                    .containsPattern("-A KUBE-SEP-\\S+ .*-j DNAT --to-destination 10\\.244\\.\\d+\\.\\d+:8080")
                    .contains("-j MASQUERADE");
            iptables = ProxyModeLab.verifiedCurls(lab);
        }
        Map<String, Verdict> ipvs = ProxyModeLab.ipvsCurls();
        assertThat(iptables).as("real verdicts, iptables vs IPVS mode").isEqualTo(ipvs);
    }

    @Test
    void k3sLikeScenarioComesUpInIptablesModeAndAgreesOnEveryFlow() {
        RootOnly.assume();
        try (LabCluster lab = LabScenario.up(ClusterFile.load(Path.of("scenarios/k3s-like.yaml")), LabCluster.RegistryKind.EMBEDDED)) {
            assertThat(lab.exec("agent1", List.of("iptables-save", "-t", "nat")).stdout()).contains("-j DNAT --to-destination 10.42.");
            LabVerify.Report r = LabVerify.run(lab);
            assertThat(r.disagreements()).as(r.table()).isEmpty();
            assertThat(r.rows()).as("a ClusterIP answers for real").anySatisfy(row -> {
                assertThat(row.to()).startsWith("10.43.");
                assertThat(row.real()).isEqualTo(Verdict.DELIVERED);
            });
        }
    }
}
