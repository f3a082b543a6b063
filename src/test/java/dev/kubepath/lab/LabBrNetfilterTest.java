package dev.kubepath.lab;

import dev.kubepath.cluster.Fault;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.host.linux.Netns;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * br_netfilter off on a node, on the kernel: net.bridge.bridge-nf-call-iptables is per network namespace on this
 * kernel (6.x), so the fault sets it in n1's namespace only. A pod of n1 calling the web ClusterIP (nftables mode;
 * endpoints: two on n1's docker0, one on n2) is DNAT'ed by the host, but the answer of an endpoint on the same
 * bridge is switched straight back to it, past conntrack, from the endpoint's own address: the pod resets it and
 * the curl times out. The endpoint on n2 answers through the host and is un-DNAT'ed, and so does the pod itself as
 * endpoint (masqueraded, its answer goes to docker0's address). kube-proxy picks an endpoint at random, one pick in
 * three times out, so the pod's curl is run 20 times (both outcomes but in (2/3)^20 + (1/3)^20: 3 runs in 10,000).
 */
class LabBrNetfilterTest {
    @Test
    void withBrNetfilterOffAPodsCurlOfAClusterIpTimesOutForTheEndpointsOnItsOwnBridgeAndTheSimulatorAgrees() {
        RootOnly.assume();
        try (LabCluster lab = ProxyModeLab.up("nftables")) {
            lab.cluster().faults().inject(Fault.parse(List.of("br-netfilter", "n1", "off")));
            assertThat(lab.exec("n1", List.of("sysctl", "-n", "net.bridge.bridge-nf-call-iptables")).stdout().strip()).isEqualTo("0");
            assertThat(lab.exec("n2", List.of("sysctl", "-n", "net.bridge.bridge-nf-call-iptables")).stdout().strip())
                    .as("the sysctl is n1's namespace's own").isEqualTo("1");
            String web = ProxyModeLab.clusterIp(lab, "web") + ":80";
            LabVerify.Report r = LabVerify.run(lab);
            assertThat(r.disagreements()).as(r.table()).isEmpty();
            LabVerify.Row row = r.rows().stream().filter(x -> x.from().startsWith("n1/web-") && x.to().equals(web)).findFirst().orElseThrow();
            assertThat(row.backends()).as("simulated: the endpoints on n1's bridge time out, n2's answers")
                    .contains(Verdict.TIMEOUT, Verdict.DELIVERED);
            String pod = row.from().substring("n1/".length());
            Netns ns = lab.host("n1").podNamespaces().get(pod);
            Set<Verdict> real = ProxyModeLab.curlOutcomes(ns, web, 20);
            assertThat(real).as("real outcomes of 20 curls from " + pod).containsExactlyInAnyOrder(Verdict.TIMEOUT, Verdict.DELIVERED);

            lab.cluster().faults().inject(Fault.parse(List.of("br-netfilter", "n1", "on")));
            List<Verdict> fixed = ProxyModeLab.curlsAfterRepair(ns, web, 6);
            assertThat(fixed).as("br_netfilter back on: conntrack undoes the DNAT on the bridge").containsOnly(Verdict.DELIVERED);
            Map<String, Verdict> after = ProxyModeLab.verifiedCurls(lab);
            assertThat(after).containsEntry(row.from() + " curl " + web, Verdict.DELIVERED);
        }
    }
}
