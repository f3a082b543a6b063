package dev.kubepath.doctor;

import dev.kubepath.ingest.BundleReader;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fixed seed cluster (mcwk8s05 holds lease 172.17.89.0/24, flannel.1 172.17.89.0, docker0 172.17.89.1/24) with a
 * /run/flannel/subnet.env on mcwk8s05 in the form flanneld writes it.
 */
class SubnetEnvStaleTest {
    static String subnetEnv(String flannelSubnet) {
        return "FLANNEL_NETWORK=172.17.0.0/16\nFLANNEL_SUBNET=" + flannelSubnet + "\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=false\n";
    }

    static Report doctor(Path b) {
        BundleReader.Result read = BundleReader.read(b);
        Map<String, Prefix> subnets = new LinkedHashMap<>();
        read.subnetEnvs().forEach((h, e) -> subnets.put(h, e.subnet()));
        return Doctor.examine(b, read.snapshot(), subnets);
    }

    static Path bundle(Path dir, String flannelSubnet) throws Exception {
        Path b = dir.resolve("seed-after");
        PodBridgeTest.copy(Path.of("bundles/seed-after"), b);
        if (flannelSubnet != null) Files.writeString(b.resolve("hosts/mcwk8s05/subnet.env"), subnetEnv(flannelSubnet));
        return b;
    }

    @Test
    void aSubnetEnvThatIsTheHostsLeaseIsNoFinding(@TempDir Path dir) throws Exception {
        Report r = doctor(bundle(dir, "172.17.89.1/24"));
        assertThat(r.findings()).as(ReportText.human(r)).noneMatch(f -> f.code() == Code.SUBNET_ENV_STALE);
    }

    @Test
    void aSubnetEnvOtherThanTheLeaseIsStale(@TempDir Path dir) throws Exception {
        Report r = doctor(bundle(dir, "172.17.98.1/24"));
        String text = ReportText.human(r);
        assertThat(r.findings()).as(text).filteredOn(f -> f.code() == Code.SUBNET_ENV_STALE).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly("mcwk8s05");
            assertThat(f.subnets()).containsExactly("172.17.98.0/24", "172.17.89.0/24");
            assertThat(f.summary()).contains("172.17.98.0/24", "172.17.89.0/24", "flannel.1 holds 172.17.89.0");
            // no kernel reads the file: nothing fails because of it yet, so a warning that says why it matters
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.summary()).contains("next start");
            assertThat(f.evidence()).anySatisfy(e -> {
                assertThat(e.file()).isEqualTo("hosts/mcwk8s05/subnet.env");
                assertThat(e.line()).isEqualTo(2);
                assertThat(e.text()).isEqualTo("FLANNEL_SUBNET=172.17.98.1/24");
            });
            assertThat(f.evidence()).anySatisfy(e -> {
                assertThat(e.file()).isEqualTo("cluster/leases.txt");
                assertThat(e.text()).contains("10.0.0.35");
            });
            assertThat(f.fix()).anySatisfy(x -> assertThat(x).startsWith("on mcwk8s05: systemctl restart flanneld"));
            // docker0 still holds the lease's subnet: restarting docker would change nothing
            assertThat(f.fix()).noneMatch(x -> x.contains("restart docker"));
        });
        assertThat(r.findings()).as(text).noneMatch(f -> f.code() == Code.SUBNET_ENV_STALE && !f.hosts().equals(java.util.List.of("mcwk8s05")));
    }

    @Test
    void docker0ThatTookTheStaleSubnetIsRestartedToo(@TempDir Path dir) throws Exception {
        Path b = bundle(dir, "172.17.98.1/24");
        Path addr = b.resolve("hosts/mcwk8s05/addr.txt");
        Files.writeString(addr, Files.readString(addr).replace("inet 172.17.89.1  netmask 255.255.255.0  broadcast 172.17.89.255",
                "inet 172.17.98.1  netmask 255.255.255.0  broadcast 172.17.98.255"));
        Report r = doctor(b);
        assertThat(r.findings()).as(ReportText.human(r)).filteredOn(f -> f.code() == Code.SUBNET_ENV_STALE).singleElement()
                .satisfies(f -> assertThat(f.fix()).anySatisfy(x -> assertThat(x).startsWith("on mcwk8s05: systemctl restart docker")));
    }

    @Test
    void aSubnetEnvOtherThanFlannel1sAddressIsStale(@TempDir Path dir) throws Exception {
        // the file agrees with the lease, but flannel.1 runs with another subnet (flanneld not restarted after the file changed)
        Path b = bundle(dir, "172.17.89.1/24");
        Path addr = b.resolve("hosts/mcwk8s05/addr.txt");
        Files.writeString(addr, Files.readString(addr).replace("inet 172.17.89.0  netmask 255.255.255.255", "inet 172.17.98.0  netmask 255.255.255.255"));
        Report r = doctor(b);
        assertThat(r.findings()).as(ReportText.human(r)).filteredOn(f -> f.code() == Code.SUBNET_ENV_STALE).singleElement().satisfies(f -> {
            assertThat(f.summary()).contains("flannel.1 holds 172.17.98.0").doesNotContain("its lease is");
            assertThat(f.evidence()).anySatisfy(e -> assertThat(e.text()).contains("172.17.98.0"));
        });
    }

    @Test
    void noSubnetEnvIsNoFinding(@TempDir Path dir) throws Exception {
        Report r = doctor(bundle(dir, null));
        assertThat(r.findings()).as(ReportText.human(r)).noneMatch(f -> f.code() == Code.SUBNET_ENV_STALE);
    }
}
