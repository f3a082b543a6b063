package dev.kubepath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MatrixCommandTest {
    @Test
    void generateWritesASmallSyntheticFileThatMatrixExpands(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.yaml");
        Cli g = Cli.run("generate", "--nodes", "6", "--pods-per-node", "2", "--services", "2", "--endpoints-per-service", "2",
                "--faults", "lost-lease=1,no-kube-proxy=1", "--seed", "5", "-o", f.toString());
        assertThat(g.exit()).isZero();
        assertThat(Files.readString(f)).contains("kind: Synthetic", "faults: lost-lease=1,no-kube-proxy=1").hasLineCount(9);
        Cli m = Cli.run("matrix", f.toString(), "--json");
        assertThat(m.exit()).as(m.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(m.out());
        // 6 hosts x (6 pod subnets + 2 ClusterIPs + 2 x 6 NodePorts)
        assertThat(doc.get("flows")).hasSize(6 * (6 + 2 + 12));
        assertThat(doc.get("summary").get("flows").asLong()).isEqualTo(120);
        // the lost lease: its pods are unreachable from the five others
        long lost = 0;
        for (JsonNode fl : doc.get("flows")) if (fl.get("kind").asText().equals("pods") && fl.get("verdict").asText().equals("TIMEOUT")) lost++;
        assertThat(lost).isGreaterThanOrEqualTo(5);
        Cli s = Cli.run("matrix", f.toString(), "--json", "--summary");
        assertThat(new ObjectMapper().readTree(s.out()).has("flows")).isFalse();
    }

    @Test
    void seedMatrixTableAndDiff() {
        Cli m = Cli.run("matrix", "scenarios/seed-incident.yaml");
        assertThat(m.out()).contains("10.0.0.36:41527", "NodePort default/mcwtest-svc:2024 on mcwk8s06");
        Cli d = Cli.run("diff", "scenarios/seed-incident.yaml", "scenarios/seed-incident-after.yaml");
        assertThat(d.exit()).isZero();
        assertThat(d.out()).startsWith("8 of 24 flows changed: 8 repaired, 0 broken").contains("changes about mcwk8s05:");
    }

    @Test
    void badFaultIsOneLine() {
        Cli g = Cli.run("generate", "--nodes", "3", "--faults", "lost-leases=1", "-o", "/tmp/never.yaml");
        assertThat(g.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(g.err()).contains("unknown fault 'lost-leases'");
    }
}
