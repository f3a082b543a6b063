package dev.kubepath.doctor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed bundle with leases.txt replaced by the lines an operator pastes from {@code kubectl get nodes -o yaml | grep
 * public-ip}: no node names, no subnets, so no lease, but the same address on several nodes (VirtualBox's NAT address
 * 10.0.2.15 on every Vagrant VM) is PUBLIC_IP_CONFLICT all the same.
 */
class UnplacedPublicIpTest {
    private static Report doctor(Path dir, String leases) throws Exception {
        Path b = SubnetEnvStaleTest.bundle(dir, null);
        Files.writeString(b.resolve("cluster/leases.txt"), leases);
        return SubnetEnvStaleTest.doctor(b);
    }

    @Test
    void threeNodesAnnotatedWithOnePublicIpAreAConflictWhoseNodesAreUnknown(@TempDir Path dir) throws Exception {
        Report r = doctor(dir, """
                $ kubectl get nodes -o yaml | grep public-ip
                      flannel.alpha.coreos.com/public-ip: 10.0.2.15
                      flannel.alpha.coreos.com/public-ip: 10.0.2.15
                      flannel.alpha.coreos.com/public-ip: 10.0.2.15
                """);
        String text = ReportText.human(r);
        assertThat(r.findings(Code.PUBLIC_IP_CONFLICT)).as(text).singleElement().satisfies(f -> {
            assertThat(f.summary()).contains("3 nodes' flannel annotations carry one public-ip, 10.0.2.15")
                    .contains("which nodes is unknown").contains("annotation repeats");
            assertThat(f.evidence()).extracting(Evidence::file, Evidence::line)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("cluster/leases.txt", 2), org.assertj.core.groups.Tuple.tuple("cluster/leases.txt", 3),
                            org.assertj.core.groups.Tuple.tuple("cluster/leases.txt", 4));
            assertThat(f.fix().getFirst()).contains("--iface");
        });
        assertThat(r.findings(Code.INSUFFICIENT_INFO)).as("the leases themselves stay unknown")
                .anySatisfy(f -> assertThat(f.summary()).contains("leases are not in the snapshot"));
    }

    @Test
    void oneNodesPublicIpOrEachNodeItsOwnIsNoConflict(@TempDir Path dir) throws Exception {
        Report one = doctor(dir.resolve("one"), "flannel.alpha.coreos.com/public-ip: 10.0.2.15\n");
        assertThat(one.findings(Code.PUBLIC_IP_CONFLICT)).as(ReportText.human(one)).isEmpty();
        Report own = doctor(dir.resolve("own"), """
                flannel.alpha.coreos.com/public-ip: 10.0.0.35
                flannel.alpha.coreos.com/public-ip: 10.0.0.36
                """);
        assertThat(own.findings(Code.PUBLIC_IP_CONFLICT)).as(ReportText.human(own)).isEmpty();
    }
}
