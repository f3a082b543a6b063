package dev.kubepath.shell;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.ClusterRun;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.host.NetChange;
import dev.kubepath.model.Pod;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scenarios/k3s-like.yaml: containerd with flannel's CNI plugin. cni0 appears with the first pod; after agent2's
 * podCIDR changed, the next pod there stays in ContainerCreating with the bridge plugin's error, worded as users
 * pasted it publicly (src/test/resources/real-world/cni0-bridge-addr) in kubectl describe pod and the kubelet's
 * journal, while the pod already there keeps answering. Deleting cni0 lets the next sandbox succeed.
 */
class CniBridgeFailureTest {
    static final Path PUBLIC = Path.of("src/test/resources/real-world/cni0-bridge-addr");

    static ClusterRun run() {
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(Path.of("scenarios/k3s-like.yaml")), e -> { });
        run.boot();
        return run;
    }

    /** The error with what differs between clusters (sandbox id, subnet, pod) replaced by placeholders. */
    static String shape(String s) {
        return s.replaceAll("[0-9a-f]{64}", "<ID>").replaceAll("different from [0-9./]+", "different from <SUBNET>");
    }

    static String fromFailed(String line) {
        return line.substring(line.indexOf("Failed to create pod sandbox:")).strip();
    }

    @Test
    void cni0IsCreatedWithTheFirstPodOnTheNodesSubnetAndNoDockerRuns() {
        SimCluster c = run().cluster();
        for (String h : c.hostNames()) {
            Prefix podCidr = c.api().nodes().stream().filter(n -> n.name().equals(h)).findFirst().orElseThrow().podCidr();
            boolean pods = c.api().podsOn(h).stream().anyMatch(p -> p.ip() != null);
            assertThat(c.host(h).link("docker0")).as(h).isEmpty();
            if (pods) assertThat(c.host(h).addresses()).as(h).anyMatch(a -> a.dev().equals("cni0") && a.ip().equals(podCidr.address(1)));
            else assertThat(c.host(h).link("cni0")).as(h + " has no pod yet").isEmpty();
        }
        assertThat(c.unit("server", dev.kubepath.model.Daemon.DOCKER)).isEqualTo(dev.kubepath.model.Daemon.State.NOT_FOUND);
    }

    @Test
    void afterThePodCidrChangedNewPodsFailWithTheRealErrorAndOldOnesKeepWorking() throws IOException {
        ClusterRun run = run();
        SimCluster c = run.cluster();
        Pod old = c.api().podsOn("agent2").getFirst(); // a web pod, or CoreDNS's (cluster DNS): curled on its own port
        run.runAll();
        c.advance(java.time.Duration.ofMinutes(5)); // the kubelet keeps trying
        SimShell shell = new SimShell(c, "server");
        assertThat(shell.run("kubectl get pods")).containsPattern("probe\\s+0/1\\s+ContainerCreating");
        String describe = shell.run("kubectl describe pod probe");
        String publicEvent = fromFailed(Files.readString(PUBLIC.resolve("describe-event.txt")));
        String ours = describe.lines().filter(l -> l.contains("FailedCreatePodSandBox")).findFirst().orElseThrow();
        assertThat(shape(fromFailed(ours))).isEqualTo(shape(publicEvent));
        assertThat(ours).contains("already has an IP address different from 10.42.3.1/24").containsPattern("\\(x\\d+ over ");

        String publicJournal = Files.readString(PUBLIC.resolve("kubelet-journal.txt")).strip();
        List<String> journal = c.podEvents().journal("agent2");
        assertThat(journal).isNotEmpty();
        String tail = "\"CreatePodSandbox for pod failed\" err=";
        assertThat(shape(journal.getLast().substring(journal.getLast().indexOf(tail)).replace("default/probe", "<POD>")))
                .isEqualTo(shape(publicJournal.substring(publicJournal.indexOf(tail)).replace("kube-system/coredns-c676cc86f-qlt6v", "<POD>")));

        // journalctl -u kubelet on the node prints the same line with the journal's prefix, as the public paste has it
        shell.run("ssh agent2");
        String entry = "[A-Z][a-z]{2} \\d{2} \\d{2}:\\d{2}:\\d{2} \\S+ kubelet\\[(\\d+)\\]: E\\d{4} \\d{2}:\\d{2}:\\d{2}\\.\\d{6} +\\1 kuberuntime_manager";
        assertThat(publicJournal).containsPattern("^" + entry);
        String journalctl = shell.run("journalctl -u kubelet");
        assertThat(journalctl).startsWith("-- Logs begin at ").hasLineCount(journal.size() + 1);
        assertThat(journalctl.lines().toList().getLast()).containsPattern("^" + entry).contains(" agent2 ")
                .endsWith(journal.getLast());
        // flanneld runs in a pod here, not as a systemd unit: its journal is empty, as on a real node
        assertThat(shell.run("journalctl -u flanneld")).startsWith("-- Logs begin at ").endsWith("-- No entries --\n");

        Pod stillThere = c.api().pod(old.namespace(), old.name()).orElseThrow();
        assertThat(stillThere.ip()).isEqualTo(old.ip());
        assertThat(new DataPlane(c.snapshot()).trace("agent2", new Probe.Curl(new SocketAddress(old.ip(),
                old.containerPorts().isEmpty() ? 80 : old.containerPorts().getFirst()))).verdict())
                .as("the old pod answers on its node").isEqualTo(Verdict.DELIVERED);

        c.network("agent2").apply(List.of(new NetChange.DeleteLink("cni0")));
        c.advance(java.time.Duration.ofSeconds(10)); // the kubelet's next try
        Pod probe = c.api().pod("default", "probe").orElseThrow();
        assertThat(probe.phase()).isEqualTo("Running");
        assertThat(Prefix.parse("10.42.3.0/24").contains(probe.ip())).as(probe.ip().toString()).isTrue();
        assertThat(new DataPlane(c.snapshot()).trace("server", new Probe.Curl(new SocketAddress(probe.ip(), 80))).verdict())
                .isEqualTo(Verdict.DELIVERED);
    }
}
