package dev.kubepath.shell;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * etcdctl in the shell talks to the cluster's own etcd; an endpoint that is not it, or an etcd that is down, is
 * refused in etcdctl 3.4's words (scripts/capture-etcdctl-goldens.sh), for both APIs.
 */
class EtcdctlShellTest {
    static Map<String, String> goldens() throws IOException {
        return CapturedCommands.read(Path.of("src/test/resources/shell/etcdctl/commands.txt"));
    }

    /** What differs between two runs of etcdctl: the time and the client's random id. */
    static String masked(String s) {
        return s.replaceAll("\"ts\":\"[^\"]*\"", "\"ts\":\"TS\"").replaceAll("endpoint://client[^/]*/", "endpoint://client/");
    }

    static SimShell shell() {
        SimCluster cluster = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")));
        SeedCluster.bootHealthy(cluster);
        return new SimShell(cluster, SeedCluster.MASTER);
    }

    @Test
    void anEndpointThatIsNotTheClustersEtcdIsRefusedAsEtcdctlRefusesIt() throws IOException {
        SimShell shell = shell();
        for (var e : goldens().entrySet()) {
            assertThat(masked(shell.run(e.getKey()))).as(e.getKey()).isEqualTo(masked(e.getValue()));
            assertThat(shell.status()).as(e.getKey()).isNotZero();
        }
    }

    @Test
    void theClustersEtcdAnswersUntilItGoesDownThenItsOwnAddressIsNamed() throws IOException {
        SimShell shell = shell();
        assertThat(shell.run("etcdctl ls /coreos.com/network/subnets")).contains("/coreos.com/network/subnets/172.17.");
        assertThat(shell.run("ETCDCTL_API=3 etcdctl get --prefix /coreos.com/network/subnets --keys-only")).contains("/coreos.com/network/subnets/172.17.");
        shell.run("fault etcd down");
        String v2 = goldens().get("etcdctl --endpoints http://127.0.0.1:1 ls /coreos.com/network/subnets").replace("127.0.0.1:1", "10.0.0.33:2379");
        assertThat(shell.run("etcdctl ls /coreos.com/network/subnets")).isEqualTo(v2);
        assertThat(shell.run("ssh mcwk8s06") + shell.run("etcdctl --endpoints=http://10.0.0.33:2379 ls /coreos.com/network/subnets")).isEqualTo(v2);
    }
}
