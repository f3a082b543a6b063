package dev.kubepath.lab;

import dev.kubepath.cluster.Fault;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.host.linux.Netns;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hairpin mode on the pods' bridge ports, on the kernel (lab-nftables.yaml: web has two endpoints on n1's docker0
 * and one on n2; br_netfilter on). A pod of n1 calling the web ClusterIP is DNAT'ed to itself one time in three; its
 * packet then leaves the bridge by the port it came in by, which the bridge does only with hairpin on. With the fault
 * hairpin n1 off (the ports' brport/hairpin_mode 0, as with kubelet --hairpin-mode=none) those curls time out and the
 * others answer (20 curls: both outcomes but in (2/3)^20 + (1/3)^20), lab verify agrees with the simulator flow by
 * flow, and with hairpin back on every curl answers.
 */
class LabHairpinTest {
    @Test
    void withHairpinOffAPodsCallOfItsOwnServiceTimesOutWhenItPicksItselfAndTheSimulatorAgrees() {
        RootOnly.assume();
        try (LabCluster lab = ProxyModeLab.up("nftables")) {
            String web = ProxyModeLab.clusterIp(lab, "web") + ":80";
            lab.cluster().faults().inject(Fault.parse(List.of("hairpin", "n1", "off")));
            // the kernel's own mode, read back from sysfs for every pod port of n1 (and still on for n2's)
            assertThat(lab.host("n1").readKernel().containers()).isNotEmpty().allSatisfy(c -> assertThat(c.hairpin()).as(c.pod()).isFalse());
            assertThat(lab.host("n2").readKernel().containers()).isNotEmpty().allSatisfy(c -> assertThat(c.hairpin()).as(c.pod()).isTrue());

            LabVerify.Report r = LabVerify.run(lab);
            assertThat(r.disagreements()).as(r.table()).isEmpty();
            LabVerify.Row row = r.rows().stream().filter(x -> x.from().startsWith("n1/web-") && x.to().equals(web)).findFirst().orElseThrow();
            assertThat(row.backends()).as("simulated: the pod itself times out, the other endpoints answer").contains(Verdict.TIMEOUT, Verdict.DELIVERED);
            String pod = row.from().substring("n1/".length());
            Netns ns = lab.host("n1").podNamespaces().get(pod);
            Set<Verdict> real = ProxyModeLab.curlOutcomes(ns, web, 20);
            assertThat(real).as("real outcomes of 20 curls from " + pod).containsExactlyInAnyOrder(Verdict.TIMEOUT, Verdict.DELIVERED);

            lab.cluster().faults().inject(Fault.parse(List.of("hairpin", "n1", "on")));
            List<Verdict> fixed = ProxyModeLab.curlsAfterRepair(ns, web, 6);
            assertThat(fixed).as("hairpin back on").containsOnly(Verdict.DELIVERED);
        }
    }
}
