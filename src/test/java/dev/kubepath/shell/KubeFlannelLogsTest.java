package dev.kubepath.shell;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.ClusterRun;
import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where flanneld runs with the kube subnet manager (flannel's DaemonSet manifest), the kube-flannel pods are listed
 * by {@code kubectl get pods -n kube-flannel} and {@code kubectl logs} of one is what that node's flanneld wrote.
 */
class KubeFlannelLogsTest {
    private static SimShell k3sLike() {
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(Path.of("scenarios/k3s-like.yaml")), e -> { });
        run.boot();
        return new SimShell(run.cluster(), "server");
    }

    @Test
    void eachNodeHasARunningKubeFlannelPodOnItsOwnAddress() {
        SimShell shell = k3sLike();
        List<String> rows = shell.run("kubectl get pods -n kube-flannel -o wide").lines().toList();
        assertThat(rows.getFirst()).startsWith("NAME ").contains("IP", "NODE");
        assertThat(rows.subList(1, rows.size())).hasSize(3)
                .anyMatch(r -> r.matches("kube-flannel-ds-[bcdfghjklmnpqrstvwxz2456789]{5} +1/1 +Running +0 +\\S+ +192\\.168\\.30\\.10 +server .*"))
                .anyMatch(r -> r.matches("kube-flannel-ds-\\w{5} .* 192\\.168\\.30\\.11 +agent1 .*"))
                .anyMatch(r -> r.matches("kube-flannel-ds-\\w{5} .* 192\\.168\\.30\\.12 +agent2 .*"));
        assertThat(shell.run("kubectl get pods -A -l app=flannel").lines().skip(1)).hasSize(3).allMatch(r -> r.startsWith("kube-flannel "));
    }

    @Test
    void aPodsLogsAreItsNodesFlanneldLines() {
        SimShell shell = k3sLike();
        String pod = shell.run("kubectl get pods -n kube-flannel -o wide").lines().filter(r -> r.contains(" agent1 ")).findFirst().orElseThrow().split(" +")[0];
        String logs = shell.run("kubectl logs -n kube-flannel " + pod);
        String acquired = logs.lines().filter(l -> l.contains("manager.go:250] Lease acquired: ")).findFirst().orElseThrow();
        // glog's line from the container's process 1, the node's lease
        assertThat(acquired).matches("I\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{6}       1 manager\\.go:250] Lease acquired: 10\\.42\\.\\d+\\.0/24");
        String lease = acquired.substring(acquired.lastIndexOf(' ') + 1);
        assertThat(shell.run("kubectl get nodes agent1 -o json")).contains(lease);
        assertThat(shell.run("kubectl logs -n kube-flannel " + pod + " -c kube-flannel")).isEqualTo(logs);
        List<String> all = logs.lines().toList();
        assertThat(shell.run("kubectl logs -n kube-flannel --tail 2 " + pod).lines().toList()).isEqualTo(all.subList(all.size() - 2, all.size()));
        // -f in a transcript ends at once, as journalctl -f does
        assertThat(shell.run("kubectl logs -f -n kube-flannel " + pod)).isEqualTo(logs);
        // the journal has no flanneld unit there: its lines are the pod's
        shell.run("ssh agent1");
        assertThat(shell.run("journalctl -u flanneld")).endsWith("-- No entries --\n");
    }

    @Test
    void theDaemonSetPicksItsFirstPodAndSaysSoAndErrorsAreKubectls() {
        SimShell shell = k3sLike();
        String first = shell.run("kubectl get pods -n kube-flannel").lines().skip(1).findFirst().orElseThrow().split(" +")[0];
        String ds = shell.run("kubectl logs -n kube-flannel ds/kube-flannel-ds");
        assertThat(ds).startsWith("Found 3 pods, using pod/" + first + "\n");
        assertThat(ds.substring(ds.indexOf('\n') + 1)).isEqualTo(shell.run("kubectl logs -n kube-flannel " + first));
        assertThat(shell.run("kubectl logs -n kube-flannel " + first + " -c nope"))
                .isEqualTo("Error from server (BadRequest): container nope is not valid for pod " + first + "\n");
        assertThat(shell.run("kubectl logs " + first)).isEqualTo("Error from server (NotFound): pods \"" + first + "\" not found\n");
        assertThat(shell.run("kubectl logs -n kube-flannel ds/kube-flannel")).isEqualTo("Error from server (NotFound): daemonsets.apps \"kube-flannel\" not found\n");
        assertThat(shell.run("kubectl logs")).startsWith("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n");
        assertThat(shell.run("kubectl logs -n kube-flannel " + first + " --since-time x")).isEqualTo("error: unknown flag: --since-time\nSee 'kubectl logs --help' for usage.\n");
    }

    @Test
    void whereFlanneldIsASystemdUnitThereAreNoKubeFlannelPods() {
        SimCluster c = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")));
        SeedCluster.bootHealthy(c);
        SimShell shell = new SimShell(c, SeedCluster.MASTER);
        assertThat(shell.run("kubectl get pods -n kube-flannel")).isEqualTo("No resources found in kube-flannel namespace.\n");
        assertThat(shell.run("kubectl logs -n kube-flannel ds/kube-flannel-ds")).isEqualTo("Error from server (NotFound): daemonsets.apps \"kube-flannel-ds\" not found\n");
    }
}
