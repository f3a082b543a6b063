package dev.kubepath.lab;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.host.linux.CommandResult;
import dev.kubepath.host.linux.Netns;
import dev.kubepath.flannel.etcd.EtcdProcess;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the lab tests of kube-proxy's iptables and nftables modes check alike on the three-host cluster files
 * lab-MODE.yaml: the simulator agrees with the kernel flow by flow, and the same cluster in IPVS mode gets the same
 * real verdicts (the lab half of the differential test of the modes).
 */
final class ProxyModeLab {
    private ProxyModeLab() {}

    static LabCluster.RegistryKind registry() {
        return EtcdProcess.available() ? LabCluster.RegistryKind.ETCD : LabCluster.RegistryKind.EMBEDDED;
    }

    static LabCluster up(String mode) {
        return LabScenario.up(ClusterFile.load(Path.of("src/test/resources/cluster-files/lab-" + mode + ".yaml")), registry());
    }

    /**
     * lab verify agrees on every flow, the NodePort answers for real and the service without endpoints is rejected
     * for real; returns the real verdicts of the curls and DNS queries (the pings of docker0 depend on ctl's lease, which each run picks anew).
     */
    static Map<String, Verdict> verifiedCurls(LabCluster lab) {
        LabVerify.Report r = LabVerify.run(lab);
        assertThat(r.disagreements()).as(r.table()).isEmpty();
        assertThat(r.rows()).anySatisfy(row -> {
            assertThat(row.to()).isEqualTo("192.168.20.12:30080");
            assertThat(row.real()).isEqualTo(Verdict.DELIVERED);
        });
        assertThat(r.rows()).as("the service without endpoints is rejected for real").anySatisfy(row -> assertThat(row.real()).isEqualTo(Verdict.REFUSED));
        // from a pod's own namespace (its traffic enters the host from docker0, through nat PREROUTING): the NodePort
        // service's ClusterIP and a pod on the other node answer, the service without endpoints is refused
        assertThat(r.rows()).as("a pod's curl of the web ClusterIP is delivered for real").anySatisfy(row -> {
            assertThat(row.from()).startsWith("n1/");
            assertThat(row.to()).isEqualTo(clusterIp(lab, "web") + ":80");
            assertThat(row.real()).isEqualTo(Verdict.DELIVERED);
        });
        assertThat(r.rows()).as("a pod's curl of the service without endpoints is refused for real").anySatisfy(row -> {
            assertThat(row.from()).startsWith("n1/");
            assertThat(row.to()).isEqualTo(clusterIp(lab, "orphan") + ":80");
            assertThat(row.real()).isEqualTo(Verdict.REFUSED);
        });
        assertThat(r.rows()).as("a pod's curl of a pod on the other node is delivered for real").anySatisfy(row -> {
            assertThat(row.from()).startsWith("n2/");
            assertThat(row.to()).startsWith("10.244.11.");
            assertThat(row.real()).isEqualTo(Verdict.DELIVERED);
        });
        return curls(r);
    }

    static String clusterIp(LabCluster lab, String service) {
        return lab.cluster().snapshot().cluster().services().stream().filter(s -> s.name().equals(service)).findFirst().orElseThrow()
                .clusterIp().toString();
    }

    /** The real verdicts of the same cluster's curls in IPVS mode. */
    static Map<String, Verdict> ipvsCurls() {
        try (LabCluster lab = up("ipvs")) {
            return curls(LabVerify.run(lab));
        }
    }

    private static Map<String, Verdict> curls(LabVerify.Report r) {
        Map<String, Verdict> out = new LinkedHashMap<>();
        for (LabVerify.Row row : r.rows()) if (row.kind().equals("curl") || row.kind().equals("dig")) out.put(row.from() + " " + row.kind() + " " + row.to(), row.real());
        return out;
    }

    /** What {@code n} curls from a pod's namespace gave, each given one second (a mix where some endpoints fail). */
    static java.util.Set<Verdict> curlOutcomes(Netns ns, String to, int n) {
        java.util.Set<Verdict> out = new java.util.LinkedHashSet<>();
        for (int i = 0; i < n; i++) out.add(curl(ns, to, 1));
        return out;
    }

    /** {@code n} curls after a repair; as lab verify does, one that does not answer in 1 s is tried once more with 2 s (busy shared cores). */
    static java.util.List<Verdict> curlsAfterRepair(Netns ns, String to, int n) {
        java.util.List<Verdict> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            Verdict v = curl(ns, to, 1);
            out.add(v == Verdict.DELIVERED ? v : curl(ns, to, 2));
        }
        return out;
    }

    static Verdict curl(Netns ns, String to, int seconds) {
        CommandResult r = ns.exec(java.util.List.of("curl", "-sS", "-o", "/dev/null", "-I", "--max-time",
                String.valueOf(seconds), "http://" + to), null);
        return switch (r.exit()) {
            case 0 -> Verdict.DELIVERED;
            case 7 -> Verdict.REFUSED;
            case 28 -> Verdict.TIMEOUT;
            default -> Verdict.INSUFFICIENT_INFO;
        };
    }
}
