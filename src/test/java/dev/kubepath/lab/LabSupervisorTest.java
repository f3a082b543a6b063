package dev.kubepath.lab;

import dev.kubepath.host.linux.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The supervisor behind 'kubepath lab up': cluster-level commands over its Unix socket, and 'down' removes the lab. */
class LabSupervisorTest {
    @Test
    void answersClusterCommandsAgainstTheRealHostsAndGoesDownCleanly(@TempDir Path dir) throws Exception {
        RootOnly.assume();
        LabCluster lab = LabScenario.up("seed-healthy", LabCluster.RegistryKind.EMBEDDED);
        String prefix = lab.lab().prefix();
        Thread serving = Thread.ofPlatform().start(() -> {
            try {
                new LabSupervisor(lab, "seed-healthy", dir).serve();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        for (int i = 0; i < 100 && !Files.exists(dir.resolve("lab.state")); i++) Thread.sleep(50);
        assertThat(Files.readString(dir.resolve("lab.state"))).contains("host mcwk8s05 " + prefix + "mcwk8s05");

        assertThat(LabSupervisor.request(dir, "-", "status")).contains("mcwk8s06", "nginx-", "172.17.98.0/24   10.0.0.35");
        assertThat(LabSupervisor.request(dir, "mcwk8s05", "systemctl is-active flanneld")).isEqualTo("active\n");
        // ipvsadm prints what the kernel's nftables table holds: the kubernetes service's virtual server
        assertThat(LabSupervisor.request(dir, "mcwk8s05", "ipvsadm -Ln")).contains("TCP  10.2.0.1:443 rr");

        assertThat(LabSupervisor.request(dir, "-", "down")).contains("going down");
        serving.join(30_000);
        assertThat(serving.isAlive()).isFalse();
        assertThat(Files.exists(dir.resolve("lab.state"))).isFalse();
        assertThat(Lab.listNamespaces(ProcessRunner.withDefaultTimeout(), Pattern.compile(Pattern.quote(prefix) + ".*"))).isEmpty();
    }
}
