package dev.kubepath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubepath.analysis.matrix.ReachabilityMatrix;
import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.ClusterRun;
import dev.kubepath.cluster.Snapshots;
import dev.kubepath.model.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class SimulateCommandTest {
    @Test
    void writesSnapshotsThatReadBackToTheSameFlowsAndAnEventLog(@TempDir Path dir) throws Exception {
        Cli r = Cli.run("simulate", "scenarios/seed-cluster.yaml", "--snapshot-at", "1h", "-o", dir.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(dir.resolve("snapshot-1h.yaml")).exists();
        assertThat(dir.resolve("snapshot-25h.yaml")).exists();

        ClusterRun run = ClusterRun.simulated(ClusterFile.load(Path.of("scenarios/seed-cluster.yaml")), e -> { });
        run.boot();
        run.runUntil(Duration.ofHours(25));
        Snapshot live = run.cluster().snapshot();
        Snapshot written = Snapshots.load(dir.resolve("snapshot-25h.yaml"));
        assertThat(verdicts(written)).isEqualTo(verdicts(live));
        // the snapshot form holds a lease as etcdctl get prints its value, without the TTL
        assertThat(written.cluster().leases()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("expiration")
                .isEqualTo(live.cluster().leases());

        List<String> lines = Files.readAllLines(dir.resolve("events.jsonl"));
        JsonNode boot = new ObjectMapper().readTree(lines.stream().filter(l -> l.contains("booted")).findFirst().orElseThrow());
        assertThat(boot.path("time").asText()).isEqualTo("2024-06-04T15:00:00Z");
        assertThat(boot.path("host").asText()).isIn("mcwk8s03", "mcwk8s06");
        assertThat(boot.path("what").asText()).isEqualTo("booted");
    }

    /**
     * Two runs of the CLI, each in its own JVM (Map.copyOf and Set.of iterate in an order salted per JVM run), write
     * the same bytes: a snapshot can be diffed or checked in. scenarios/k3s-like.yaml has hosts with five daemons,
     * several sysctls, pods with labels and services with selectors, all of them maps in the model.
     */
    @Test
    void twoRunsInTwoJvmsWriteTheSameBytes(@TempDir Path dir) throws Exception {
        Map<String, byte[]> first = simulateInFreshJvm(dir.resolve("a"));
        Map<String, byte[]> second = simulateInFreshJvm(dir.resolve("b"));
        assertThat(first.keySet()).contains("snapshot-1h.yaml", "events.log").isEqualTo(second.keySet());
        for (String f : first.keySet()) assertThat(new String(second.get(f), java.nio.charset.StandardCharsets.UTF_8)).as(f)
                .isEqualTo(new String(first.get(f), java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Map<String, byte[]> simulateInFreshJvm(Path out) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "simulate", "scenarios/k3s-like.yaml", "--snapshot-at", "1h", "-o", out.toString())
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(said).isZero();
        Map<String, byte[]> files = new TreeMap<>();
        try (var list = Files.list(out)) {
            for (Path f : list.toList()) files.put(f.getFileName().toString(), Files.readAllBytes(f));
        }
        return files;
    }

    @Test
    void theSeedSimulatedToItsEndFailsTheNodePortAsTheSeedDid(@TempDir Path dir) {
        Cli r = Cli.run("simulate", "seed", "-o", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Cli t = Cli.run("trace", dir.resolve("snapshot-25h.yaml").toString(), "--from", "mcwk8s03", "--to", "10.0.0.36:41527");
        // the seed's outputs/1-mcwk8s03-symptoms.txt: curl to 06's NodePort timed out
        assertThat(t.out()).contains("curl: (7) Failed connect to 10.0.0.36:41527; Connection timed out");
    }

    @Test
    void aBadClusterFileIsOneLineAndExitTwo(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(Path.of("scenarios/seed-cluster.yaml")).replace("fault hang-flanneld mcwk8s05", "fault hang-flanneld mcwk8s07"));
        Files.copy(Path.of("scenarios/nginx.yaml"), dir.resolve("nginx.yaml"));
        Files.copy(Path.of("scenarios/mcwdeploy.yaml"), dir.resolve("mcwdeploy.yaml"));
        Cli r = Cli.run("simulate", bad.toString(), "-o", dir.resolve("out").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().toList()).singleElement().asString()
                .startsWith("kubepath: " + bad + ":52: unknown host 'mcwk8s07'");
    }

    private static Map<String, String> verdicts(Snapshot s) {
        Map<String, String> out = new TreeMap<>();
        ReachabilityMatrix.of(s).forEachFlow(f -> out.put(f.from() + " -> " + f.to().label(), f.verdict().toString()));
        return out;
    }
}
