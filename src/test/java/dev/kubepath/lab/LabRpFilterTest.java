package dev.kubepath.lab;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.Fault;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.doctor.Code;
import dev.kubepath.doctor.Doctor;
import dev.kubepath.doctor.Report;
import dev.kubepath.doctor.ReportText;
import dev.kubepath.ingest.BundleReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * rp_filter=1 on a multi-homed node, on the kernel (multi-homed.yaml): n1 has a second veth into the underlay's
 * bridge, eth1, and its flanneld announces eth1's address, so n2's VXLAN frames to n1 arrive on eth1 while n1's
 * route back to n2 leaves by eth0. With rp_filter 0 (a new namespace's default) they pass; with
 * {@code net.ipv4.conf.all.rp_filter=1} in n1's namespace the kernel drops them and counts each drop
 * (TcpExtIPReversePathFilter in n1's namespace). lab verify agrees with the simulator flow by flow before and
 * after, and the doctor finds RP_FILTER_DROP on n1 in a bundle collected from the lab.
 */
class LabRpFilterTest {
    @Test
    void strictRpFilterOnAMultiHomedNodeDropsTheFramesOnItsSecondNicAsTheSimulatorAndTheDoctorSay(@TempDir Path bundle) {
        RootOnly.assume();
        ClusterFile file = ClusterFile.load(Path.of("src/test/resources/cluster-files/multi-homed.yaml"));
        try (LabCluster lab = LabScenario.up(file, LabCluster.RegistryKind.EMBEDDED)) {
            // the second NIC on the kernel: eth1's connected route below eth0's, each address answered by its own NIC
            assertThat(lab.exec("n1", List.of("ip", "route", "show", "dev", "eth1")).stdout()).contains("192.168.20.0/24").contains("metric 200");
            assertThat(lab.exec("n1", List.of("sysctl", "-n", "net.ipv4.conf.all.arp_ignore")).stdout().strip()).isEqualTo("1");
            assertThat(lab.exec("n1", List.of("ip", "-d", "link", "show", "flannel.1")).stdout()).contains("local 192.168.20.111 dev eth1");
            LabVerify.Report healthy = LabVerify.run(lab);
            assertThat(healthy.disagreements()).as(healthy.table()).isEmpty();
            assertThat(ping(lab, "n2", "10.244.11.1")).as("rp_filter off: n2 reaches n1's docker0 over eth1").isTrue();

            lab.cluster().faults().inject(Fault.parse(List.of("rp-filter", "n1", "1")));
            assertThat(lab.exec("n2", List.of("sysctl", "-n", "net.ipv4.conf.all.rp_filter")).stdout().strip()).as("n2's namespace keeps its own").isEqualTo("0");
            long before = reversePathDrops(lab);
            assertThat(ping(lab, "n2", "10.244.11.1")).as("strict rp_filter on n1: dropped").isFalse();
            assertThat(reversePathDrops(lab)).as("n1's kernel counted the drops").isGreaterThan(before);
            // n1's own address on eth0 routes back by eth0
            assertThat(ping(lab, "n2", "192.168.20.11")).isTrue();
            LabVerify.Report broken = LabVerify.run(lab);
            assertThat(broken.disagreements()).as(broken.table()).isEmpty();
            assertThat(broken.rows()).anySatisfy(r -> {
                assertThat(r.from()).isEqualTo("n2");
                assertThat(r.to()).isEqualTo("10.244.11.1");
                assertThat(r.real()).isEqualTo(Verdict.TIMEOUT);
                assertThat(r.reason()).contains("rp_filter=1 on n1").contains("arrived on eth1");
            });

            LabCollect.collect(lab, Path.of("collect.sh"), bundle);
            Report report = Doctor.examine(bundle, BundleReader.read(bundle).snapshot());
            assertThat(report.findings(Code.RP_FILTER_DROP)).as(ReportText.human(report)).singleElement()
                    .satisfies(f -> assertThat(f.summary()).contains("n1").contains("eth0 and eth1"));

            lab.cluster().faults().inject(Fault.parse(List.of("rp-filter", "n1", "2")));
            assertThat(ping(lab, "n2", "10.244.11.1")).as("loose rp_filter: a route back exists").isTrue();
        }
    }

    private static boolean ping(LabCluster lab, String from, String to) {
        // as lab verify does, a ping that does not answer in 1 s is tried once more with 2 s (busy shared cores)
        for (String wait : List.of("1", "2")) {
            if (lab.exec(from, List.of("ping", "-c1", "-W" + wait, to)).ok()) return true;
        }
        return false;
    }

    /** The kernel's count of packets rp_filter dropped in n1's namespace (LINUX_MIB_IPRPFILTER). */
    private static long reversePathDrops(LabCluster lab) {
        String out = lab.exec("n1", List.of("nstat", "-az", "TcpExtIPReversePathFilter")).stdout();
        Matcher m = Pattern.compile("TcpExtIPReversePathFilter\\s+(\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Long.parseLong(m.group(1));
    }
}
