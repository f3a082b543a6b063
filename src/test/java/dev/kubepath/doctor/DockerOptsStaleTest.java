package dev.kubepath.doctor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fixed seed cluster (mcwk8s05 holds lease 172.17.89.0/24, flannel.1 172.17.89.0 mtu 1450) with flanneld's
 * subnet.env on mcwk8s05 and the /run/flannel/docker mk-docker-opts.sh writes from it (its -i and -c lines).
 */
class DockerOptsStaleTest {
    static String dockerOpts(String bip, int mtu) {
        return "DOCKER_OPT_BIP=\"--bip=" + bip + "\"\nDOCKER_OPT_IPMASQ=\"--ip-masq=false\"\nDOCKER_OPT_MTU=\"--mtu=" + mtu + "\"\n"
                + "DOCKER_OPTS=\" --bip=" + bip + " --ip-masq=false --mtu=" + mtu + " \"\n";
    }

    static Path bundle(Path dir, String bip, int mtu) throws Exception {
        Path b = SubnetEnvStaleTest.bundle(dir, "172.17.89.1/24");
        Files.writeString(b.resolve("hosts/mcwk8s05/docker-opts.txt"), dockerOpts(bip, mtu));
        return b;
    }

    @Test
    void dockerOptsThatAgreeWithSubnetEnvAndDocker0AreNoFinding(@TempDir Path dir) throws Exception {
        Report r = SubnetEnvStaleTest.doctor(bundle(dir, "172.17.89.1/24", 1450));
        assertThat(r.findings()).as(ReportText.human(r)).noneMatch(f -> f.code() == Code.DOCKER_OPTS_STALE)
                .noneMatch(f -> f.code() == Code.MTU_MISMATCH && f.hosts().contains("mcwk8s05"));
    }

    @Test
    void docker0ThatTookAStaleBipNamesTheDockerOptsFileAndItsFix(@TempDir Path dir) throws Exception {
        Path b = bundle(dir, "172.17.98.1/24", 1450);
        Path addr = b.resolve("hosts/mcwk8s05/addr.txt");
        Files.writeString(addr, Files.readString(addr).replace("inet 172.17.89.1  netmask 255.255.255.0  broadcast 172.17.89.255",
                "inet 172.17.98.1  netmask 255.255.255.0  broadcast 172.17.98.255"));
        Report r = SubnetEnvStaleTest.doctor(b);
        String text = ReportText.human(r);
        assertThat(r.findings()).as(text).filteredOn(f -> f.code() == Code.DOCKER_OPTS_STALE).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly("mcwk8s05");
            assertThat(f.summary()).contains("--bip=172.17.98.1/24", "172.17.89.0/24", "docker ran with the stale file");
            assertThat(f.evidence()).anySatisfy(e -> {
                assertThat(e.file()).isEqualTo("hosts/mcwk8s05/docker-opts.txt");
                // the combined line docker.service passes to dockerd
                assertThat(e.line()).isEqualTo(4);
                assertThat(e.text()).isEqualTo("DOCKER_OPTS=\" --bip=172.17.98.1/24 --ip-masq=false --mtu=1450 \"");
            });
            assertThat(f.evidence()).anySatisfy(e -> {
                assertThat(e.file()).isEqualTo("hosts/mcwk8s05/subnet.env");
                assertThat(e.line()).isEqualTo(2);
                assertThat(e.text()).isEqualTo("FLANNEL_SUBNET=172.17.89.1/24");
            });
            assertThat(f.evidence()).anySatisfy(e -> assertThat(e.file()).isEqualTo("hosts/mcwk8s05/addr.txt"));
            assertThat(f.fix()).hasSize(2);
            assertThat(f.fix().get(0)).contains("mk-docker-opts.sh");
            assertThat(f.fix().get(1)).startsWith("on mcwk8s05: systemctl restart docker");
        });
        // the bridge mismatch is this one's consequence: restarting docker alone would take the stale --bip again
        assertThat(r.findings()).as(text).noneMatch(f -> f.code() == Code.BRIDGE_SUBNET_MISMATCH && f.hosts().contains("mcwk8s05"));
    }

    @Test
    void aStaleFileDocker0HasNotTakenYetIsAWarning(@TempDir Path dir) throws Exception {
        Report r = SubnetEnvStaleTest.doctor(bundle(dir, "172.17.98.1/24", 1450));
        assertThat(r.findings()).as(ReportText.human(r)).filteredOn(f -> f.code() == Code.DOCKER_OPTS_STALE).singleElement()
                .satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.WARNING);
                    assertThat(f.summary()).contains("next start");
                });
    }

    @Test
    void anMtuAboveFlannelsIsAWarning(@TempDir Path dir) throws Exception {
        Report r = SubnetEnvStaleTest.doctor(bundle(dir, "172.17.89.1/24", 1500));
        assertThat(r.findings()).as(ReportText.human(r))
                .filteredOn(f -> f.code() == Code.MTU_MISMATCH && f.summary().contains("--mtu=1500")).singleElement().satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.WARNING);
                    assertThat(f.hosts()).containsExactly("mcwk8s05");
                    assertThat(f.evidence()).anySatisfy(e -> {
                        assertThat(e.file()).isEqualTo("hosts/mcwk8s05/docker-opts.txt");
                        assertThat(e.line()).isEqualTo(4);
                    });
                });
    }
}
