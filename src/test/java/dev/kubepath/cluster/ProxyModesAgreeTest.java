package dev.kubepath.cluster;

import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.model.Chain;
import dev.kubepath.model.Snapshot;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.SocketAddress;
import dev.kubepath.proxy.ProxyMode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The seed cluster with kube-proxy in iptables or nftables mode gives every flow the verdict it has in IPVS mode. */
class ProxyModesAgreeTest {
    static Map<String, Verdict> verdicts(ProxyMode mode) {
        SimCluster c = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z"), mode));
        SeedCluster.incident(c);
        Map<String, Verdict> out = new LinkedHashMap<>(flows(c.snapshot(), "before"));
        SeedCluster.pinTheFix(c);
        c.systemctl(SeedCluster.NODE05, "restart", "flanneld");
        c.systemctl(SeedCluster.NODE05, "restart", "docker");
        out.putAll(flows(c.snapshot(), "after"));
        return out;
    }

    static Map<String, Verdict> flows(Snapshot s, String phase) {
        DataPlane dp = new DataPlane(s);
        Map<String, Verdict> out = new LinkedHashMap<>();
        List<SocketAddress> targets = new ArrayList<>(List.of(new SocketAddress(SeedCluster.CLUSTER_IP, 2024)));
        for (String ip : List.of("10.0.0.33", "10.0.0.35", "10.0.0.36")) targets.add(new SocketAddress(Ipv4.parse(ip), SeedCluster.NODE_PORT_BEFORE));
        for (String from : List.of(SeedCluster.MASTER, SeedCluster.NODE05, SeedCluster.NODE06)) {
            for (SocketAddress t : targets) out.put(phase + " " + from + " -> " + t, dp.trace(from, new Probe.Curl(t)).verdict());
        }
        return out;
    }

    @Test
    void iptablesModeAgreesWithIpvsModeOnEveryFlowOfTheSeed() {
        Map<String, Verdict> ipvs = verdicts(ProxyMode.IPVS);
        Map<String, Verdict> iptables = verdicts(ProxyMode.IPTABLES);
        assertThat(iptables).isEqualTo(ipvs);
        assertThat(verdicts(ProxyMode.NFTABLES)).as("nftables mode").isEqualTo(ipvs);
        assertThat(ipvs).containsEntry("before mcwk8s03 -> 10.0.0.35:41527", Verdict.DELIVERED)
                .containsEntry("after mcwk8s03 -> 10.0.0.36:41527", Verdict.DELIVERED)
                .containsEntry("after mcwk8s06 -> 10.2.0.155:2024", Verdict.DELIVERED);
    }

    @Test
    void theModesDifferOnAClusterIpPortNoServiceHas() {
        // IPVS puts the ClusterIP on kube-ipvs0, so the node itself answers RST; iptables has no rule for the port
        // and the address is not local, so the packet follows the default route out and nothing answers; nftables
        // mode rejects it in cluster-ips-check (an active ClusterIP at a port no service has).
        SocketAddress wrongPort = new SocketAddress(SeedCluster.CLUSTER_IP, 80);
        for (ProxyMode mode : ProxyMode.values()) {
            SimCluster c = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z"), mode));
            SeedCluster.bootHealthy(c);
            SeedCluster.deploy(c, SeedCluster.NODE_PORT_BEFORE);
            Verdict v = new DataPlane(c.snapshot()).trace(SeedCluster.NODE05, new Probe.Curl(wrongPort)).verdict();
            assertThat(v).as(mode.name()).isEqualTo(mode == ProxyMode.IPTABLES ? Verdict.TIMEOUT : Verdict.REFUSED);
        }
    }

    @Test
    void nftablesModeReallyUsesTheKubeProxyTableAndNoVirtualServersNorKubeChains() {
        SimCluster c = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z"), ProxyMode.NFTABLES));
        SeedCluster.bootHealthy(c);
        SeedCluster.deploy(c, SeedCluster.NODE_PORT_BEFORE);
        var host = c.host(SeedCluster.NODE06);
        assertThat(host.virtualServers()).isEmpty();
        assertThat(host.chains()).extracting(Chain::name).doesNotContain("KUBE-SERVICES", "KUBE-MARK-MASQ");
        assertThat(host.nftTable("ip", "kube-proxy")).isPresent();
        var t = new DataPlane(c.snapshot()).trace(SeedCluster.MASTER, new Probe.Curl(new SocketAddress(Ipv4.parse("10.0.0.36"), SeedCluster.NODE_PORT_BEFORE)));
        assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(t.steps()).anySatisfy(s -> assertThat(s.decidedBy()).isEqualTo("meta l4proto tcp dnat to 172.17.98.13:20000"));
        assertThat(t.steps()).anySatisfy(s -> assertThat(s.detail()).startsWith("MASQUERADE"));
    }

    @Test
    void iptablesModeReallyUsesNatRulesAndNoVirtualServers() {
        SimCluster c = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z"), ProxyMode.IPTABLES));
        SeedCluster.bootHealthy(c);
        SeedCluster.deploy(c, SeedCluster.NODE_PORT_BEFORE);
        var host = c.host(SeedCluster.NODE06);
        assertThat(host.virtualServers()).isEmpty();
        assertThat(host.chains()).extracting(Chain::name).contains("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-MARK-MASQ");
        var t = new DataPlane(c.snapshot()).trace(SeedCluster.MASTER, new Probe.Curl(new SocketAddress(Ipv4.parse("10.0.0.36"), SeedCluster.NODE_PORT_BEFORE)));
        assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(t.steps()).anySatisfy(s -> assertThat(s.decidedBy()).contains("-j DNAT --to-destination 172.17.98.13:20000"));
    }
}
