package dev.kubepath.shell;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.ClusterRun;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.doctor.Doctor;
import dev.kubepath.doctor.Report;
import dev.kubepath.doctor.ReportText;
import dev.kubepath.doctor.Symptom;
import dev.kubepath.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broken overlay breaks name resolution from the hosts whose DNS pods sit across it, as it does in life: in a
 * three-node cluster file (cluster DNS by default), the VXLAN frames from a host without a CoreDNS pod to the hosts
 * with one are dropped (fault underlay-drop); nslookup there times out in bind9's words, while a host holding a
 * CoreDNS pod still resolves, and the doctor puts "name resolution fails from" that host under the dropped VXLAN port.
 */
class BrokenOverlayDnsTest {
    @TempDir
    Path dir;

    @Test
    void dnsFailsOnlyWhereBothCoreDnsPodsSitAcrossTheBrokenOverlay() {
        ClusterFile f = ClusterFile.parse("three.yaml", """
                kind: Cluster
                name: three
                serviceCidr: 10.96.0.0/12
                flannel:
                  config: '{"Network":"10.244.0.0/16","SubnetLen":24,"Backend":{"Type":"vxlan"}}'
                hosts:
                  master: {address: 192.168.10.10/24, gateway: 192.168.10.1, roles: [etcd, master, node]}
                  node1: {address: 192.168.10.21/24, gateway: 192.168.10.1}
                  node2: {address: 192.168.10.22/24, gateway: 192.168.10.1}
                """, dir);
        ClusterRun run = ClusterRun.simulated(f, e -> { });
        run.boot();
        SimCluster c = run.cluster();
        List<Pod> coredns = c.api().pods().stream().filter(p -> p.namespace().equals("kube-system") && p.name().startsWith("coredns-")).toList();
        assertThat(coredns).hasSize(2).allMatch(p -> "Running".equals(p.phase()));
        Set<String> dnsHosts = new TreeSet<>(coredns.stream().map(Pod::node).toList());
        String client = c.hostNames().stream().filter(h -> !dnsHosts.contains(h)).findFirst().orElseThrow();
        String server = dnsHosts.iterator().next();

        SimShell sh = new SimShell(c, client);
        assertThat(sh.run("nslookup kubernetes.default")).contains("Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n");
        for (String h : dnsHosts) sh.run("fault underlay-drop " + client + " " + h);
        assertThat(sh.run("nslookup kubernetes.default")).isEqualTo((";; communications error to 10.96.0.10#53: timed out\n").repeat(3)
                + ";; no servers could be reached\n\n");
        assertThat(sh.status()).isEqualTo(1);
        assertThat(sh.run("curl -I http://kubernetes.default:443")).startsWith("curl: (6) Could not resolve host: kubernetes.default;");

        SimShell there = new SimShell(c, server);
        assertThat(there.run("dig +short kubernetes.default.svc.cluster.local")).isEqualTo("10.96.0.1\n");

        Report r = Doctor.examine(c.snapshot());
        List<Symptom> dns = r.symptoms().stream().filter(Symptom::nameResolutionFails).toList();
        assertThat(dns).extracting(Symptom::from).containsExactly(client);
        assertThat(dns.getFirst().code()).isEqualTo("VXLAN_PORT_FILTERED");
        assertThat(ReportText.human(r)).contains("symptom DNS_UNREACHABLE: name resolution fails from " + client);
    }
}
