package dev.kubepath.lab;

import dev.kubepath.cluster.Fault;
import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.doctor.Code;
import dev.kubepath.doctor.Doctor;
import dev.kubepath.doctor.Report;
import dev.kubepath.doctor.ReportText;
import dev.kubepath.ingest.BundleReader;
import dev.kubepath.net.Ipv4;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The faults of the underlay on the real kernel (the seed cluster on namespaces, its pod on mcwk8s05): what the
 * kernel does, what the simulator says of the same flow, and what the doctor finds in a bundle collected from it.
 * Each test undoes its fault but the last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabFaultsTest {
    private static LabCluster lab;

    @BeforeAll
    static void up() {
        lab = SeedLab.healthy();
    }

    @AfterAll
    static void down() {
        if (lab != null) lab.close();
    }

    private static SimCluster c() {
        return lab.cluster();
    }

    private static void fault(String text) {
        c().faults().inject(Fault.parse(List.of(text.split(" "))));
    }

    private static Ipv4 podOn05() {
        return c().snapshot().cluster().pods().stream().filter(p -> SeedCluster.NODE05.equals(p.node())).findFirst().orElseThrow().ip();
    }

    /** ping with DF (as the simulator's probe): true when the echo came back. */
    private static boolean realPing(String from, Ipv4 to, int payload) {
        return lab.exec(from, List.of("ping", "-c", "1", "-W", "1", "-M", "do", "-s", String.valueOf(payload), to.toString())).ok();
    }

    private static Verdict simPing(String from, Ipv4 to, int payload) {
        return new DataPlane(c().snapshot()).trace(from, new Probe.Ping(to, payload)).verdict();
    }

    private static Report collectAndExamine(Path dir) {
        LabCollect.collect(lab, Path.of("collect.sh"), dir);
        return Doctor.examine(dir, BundleReader.read(dir).snapshot());
    }

    @Test
    @Order(1)
    void anUnderlayMtuBelowFlannelsPlus50PassesSmallPingsAndLosesLargeOnes(@TempDir Path dir) {
        fault("underlay-mtu mcwk8s05 1400");
        Ipv4 pod = podOn05();
        assertThat(realPing(SeedCluster.NODE06, pod, 56)).isTrue();
        assertThat(simPing(SeedCluster.NODE06, pod, 56)).isEqualTo(Verdict.DELIVERED);
        assertThat(realPing(SeedCluster.NODE06, pod, 1400)).as("1478 bytes on the wire, 05's eth0 takes 1400").isFalse();
        assertThat(simPing(SeedCluster.NODE06, pod, 1400)).isEqualTo(Verdict.TIMEOUT);
        assertThat(realPing(SeedCluster.NODE06, pod, 1300)).isTrue();
        assertThat(simPing(SeedCluster.NODE06, pod, 1300)).isEqualTo(Verdict.DELIVERED);
        Report r = collectAndExamine(dir);
        assertThat(r.findings(Code.UNDERLAY_MTU)).as(ReportText.human(r)).singleElement()
                .satisfies(f -> assertThat(f.hosts()).containsExactly(SeedCluster.NODE05));
        c().faults().inject(new Fault.UnderlayMtu(SeedCluster.NODE05, 1500));
        assertThat(realPing(SeedCluster.NODE06, pod, 1400)).isTrue();
    }

    @Test
    @Order(2)
    void aHostFirewallOnUdp8472CutsOneHostsOverlayAndTheSimulatorAgrees(@TempDir Path dir) {
        fault("underlay-drop mcwk8s06 mcwk8s05");
        Ipv4 pod = podOn05();
        assertThat(realPing(SeedCluster.NODE06, pod, 56)).isFalse();
        assertThat(realPing(SeedCluster.MASTER, pod, 56)).isTrue();
        LabVerify.Report v = LabVerify.run(lab);
        assertThat(v.disagreements()).as(v.table()).isEmpty();
        assertThat(v.rows()).anySatisfy(row -> {
            assertThat(row.from()).isEqualTo(SeedCluster.NODE06);
            assertThat(row.to()).startsWith(pod.toString());
            assertThat(row.real()).isEqualTo(Verdict.TIMEOUT);
        });
        Report r = collectAndExamine(dir);
        assertThat(r.findings(Code.VXLAN_PORT_FILTERED)).as(ReportText.human(r)).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly(SeedCluster.NODE05);
            assertThat(f.evidence()).anySatisfy(e -> assertThat(e.toString()).contains("iptables.txt"));
        });
    }

    @Test
    @Order(3)
    void theSysctlsOfTheOtherFaultsReachTheBundle(@TempDir Path dir) throws Exception {
        fault("br-netfilter mcwk8s05 off");
        fault("rp-filter mcwk8s05 1");
        assertThat(lab.exec(SeedCluster.NODE05, List.of("sysctl", "-n", "net.ipv4.conf.all.rp_filter")).stdout().strip()).isEqualTo("1");
        Report r = collectAndExamine(dir);
        String sysctls = Files.readString(dir.resolve("hosts/mcwk8s05/sysctl.txt"));
        assertThat(sysctls).contains("net.ipv4.conf.all.rp_filter = 1").contains("net.ipv4.conf.eth0.rp_filter = ")
                .contains("net.ipv4.conf.flannel/1.rp_filter = ").contains("net.bridge.bridge-nf-call-iptables = 0");
        assertThat(r.findings(Code.BR_NETFILTER_OFF)).as(ReportText.human(r)).singleElement()
                .satisfies(f -> assertThat(f.hosts()).containsExactly(SeedCluster.NODE05));
        assertThat(r.findings(Code.RP_FILTER_DROP)).as("a single-homed host routes every packet back the way it came").isEmpty();
    }

    @Test
    @Order(4)
    void aFlanneldAnnouncingANatAddressIsUnreachableAndAPublicIpConflict(@TempDir Path dir) {
        fault("public-ip mcwk8s05 192.0.2.5");
        var lease = c().registry().getLeases().leases().stream().filter(l -> l.publicIp().equals(Ipv4.parse("192.0.2.5"))).findFirst().orElseThrow();
        Ipv4 vtep05 = lease.subnet().network();
        assertThat(realPing(SeedCluster.NODE06, vtep05, 56)).isFalse();
        assertThat(simPing(SeedCluster.NODE06, vtep05, 56)).isEqualTo(Verdict.TIMEOUT);
        Report r = collectAndExamine(dir);
        assertThat(r.findings(Code.PUBLIC_IP_CONFLICT)).as(ReportText.human(r)).anySatisfy(f -> {
            assertThat(f.hosts()).contains(SeedCluster.NODE05);
            assertThat(f.summary()).contains("192.0.2.5");
        });
    }
}
