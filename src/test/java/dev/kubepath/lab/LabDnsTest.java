package dev.kubepath.lab;

import dev.kubepath.cluster.Fault;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.host.linux.CommandResult;
import dev.kubepath.net.Ipv4;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster DNS on the kernel: the lab's CoreDNS pods answer DNS on UDP and TCP 53 for the cluster's Service names,
 * reached through kube-proxy's kube-dns ClusterIP (iptables and nftables modes); real dig and nslookup from the
 * hosts, and dig from a pod, resolve, and lab verify's DNS flows (dig over UDP and TCP, to the ClusterIP and to each CoreDNS pod) agree
 * with the simulator's UDP and TCP traces, healthy and with the overlay from one node to the other cut (its queries
 * to the CoreDNS pod across it time out).
 */
class LabDnsTest {
    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nftables"})
    void coreDnsAnswersThroughKubeDnsAndVerifyAgreesOnEveryDnsFlow(String mode) {
        RootOnly.assume();
        try (LabCluster lab = ProxyModeLab.up(mode)) {
            Ipv4 dns = lab.cluster().api().service("kube-system", "kube-dns").orElseThrow().clusterIp();
            Ipv4 web = lab.cluster().api().service("default", "web").orElseThrow().clusterIp();
            CommandResult found = lab.exec("n1", List.of("nslookup", "-timeout=2", "-retry=1", "web.default.svc.cluster.local", dns.toString()));
            assertThat(found.exit()).as(found.stdout() + found.stderr()).isZero();
            assertThat(found.stdout()).contains("Name:\tweb.default.svc.cluster.local\nAddress: " + web);
            CommandResult missing = lab.exec("n1", List.of("nslookup", "-timeout=2", "-retry=1", "nosuch.default.svc.cluster.local", dns.toString()));
            assertThat(missing.stdout()).contains("** server can't find nosuch.default.svc.cluster.local: NXDOMAIN");
            CommandResult tcp = lab.exec("n2", List.of("dig", "+tcp", "+short", "+time=2", "+tries=1", "@" + dns, "web.default.svc.cluster.local"));
            assertThat(tcp.stdout().strip()).as(tcp.stderr()).isEqualTo(web.toString());
            // from a pod (its own namespace, default route via the bridge), as a workload resolves a Service
            var webPod = lab.host("n1").podNamespaces().entrySet().stream().filter(e -> e.getKey().contains("web-")).findFirst().orElseThrow();
            CommandResult fromPod = webPod.getValue().exec(List.of("dig", "+short", "+time=2", "+tries=1", "@" + dns, "web.default.svc.cluster.local"), null);
            assertThat(fromPod.stdout().strip()).as(webPod.getKey() + ": " + fromPod.stderr()).isEqualTo(web.toString());

            LabVerify.Report healthy = LabVerify.run(lab);
            assertThat(healthy.disagreements()).as(healthy.table()).isEmpty();
            assertThat(healthy.rows()).as("UDP and TCP from both nodes (kube-proxy runs there), and from a pod of each")
                    .filteredOn(r -> r.kind().equals("dig") && r.to().startsWith(dns + ":53") && !r.from().equals("ctl")).hasSize(6).allSatisfy(r -> {
                        assertThat(r.real()).isEqualTo(Verdict.DELIVERED);
                        assertThat(r.realDetail()).as("kube-dns's own record").contains(dns.toString());
                    });
            assertThat(healthy.rows()).as("ctl runs no kube-proxy: the ClusterIP follows its default route and nothing answers")
                    .filteredOn(r -> r.kind().equals("dig") && r.to().startsWith(dns + ":53") && r.from().equals("ctl"))
                    .hasSize(2).allSatisfy(r -> assertThat(r.real()).isEqualTo(Verdict.TIMEOUT));
            Ipv4 coreDnsOnN2 = lab.cluster().api().podsOn("n2").stream().filter(p -> p.name().startsWith("coredns-")).findFirst().orElseThrow().ip();
            assertThat(healthy.rows()).as("the CoreDNS pods queried directly over UDP, from every host")
                    .filteredOn(r -> r.kind().equals("dig") && r.to().endsWith(":53/udp") && r.to().startsWith("10.244.")).hasSize(6)
                    .allSatisfy(r -> assertThat(r.real()).isEqualTo(Verdict.DELIVERED));

            // n1's VXLAN frames to n2 are dropped: the CoreDNS pod on n2 no longer answers n1, and the kube-dns ClusterIP
            // answers n1 only through the CoreDNS pod on n1 (the simulator follows both; the kernel picks one)
            lab.cluster().faults().inject(Fault.parse(List.of("underlay-drop", "n1", "n2")));
            LabVerify.Report cut = LabVerify.run(lab);
            assertThat(cut.disagreements()).as(cut.table()).isEmpty();
            assertThat(cut.rows()).filteredOn(r -> r.from().equals("n1") && r.to().equals(coreDnsOnN2 + ":53/udp"))
                    .singleElement().satisfies(r -> assertThat(r.real()).isEqualTo(Verdict.TIMEOUT));
            assertThat(cut.rows()).filteredOn(r -> r.from().equals("n1") && r.to().equals(dns + ":53/udp"))
                    .singleElement().satisfies(r -> assertThat(r.backends()).containsExactlyInAnyOrder(Verdict.DELIVERED, Verdict.TIMEOUT));
        }
    }
}
