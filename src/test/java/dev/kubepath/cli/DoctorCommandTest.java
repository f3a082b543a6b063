package dev.kubepath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DoctorCommandTest {
    @Test
    void jsonHasTheDocumentedShape() throws Exception {
        Cli r = Cli.run("doctor", "bundles/seed-before", "--json");
        assertThat(r.exit()).as("findings exit 1").isEqualTo(1);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("verdict").asText()).isEqualTo("critical");
        JsonNode first = j.get("findings").get(0);
        assertThat(first.get("code").asText()).isEqualTo("LEASE_MISSING");
        assertThat(first.fieldNames()).toIterable().contains("code", "severity", "hosts", "subnets", "services", "evidence", "impact", "fix");
        assertThat(first.get("evidence").get(0).fieldNames()).toIterable().containsExactly("file", "line", "text");
        assertThat(first.get("impact").get("flows").asInt()).isEqualTo(first.get("impact").get("broken").size()).isPositive();
        assertThat(j.get("symptoms").size()).isPositive();
    }

    @Test
    void humanFormOpensWithTheVerdictAndTheSymptomTable() {
        Cli r = Cli.run("doctor", "scenarios/seed-incident.yaml");
        assertThat(r.exit()).as("findings exit 1").isEqualTo(1);
        assertThat(r.out().lines().findFirst().orElseThrow()).startsWith("CRITICAL: ");
        assertThat(r.out()).contains("10.0.0.36:41527  default/mcwtest-svc").contains("CRITICAL LEASE_MISSING")
                .contains("evidence: scenarios/seed-incident.yaml:");
    }

    /** A folder with nothing collected in it is no bundle: one line, exit 2, never a verdict (BadInputTest covers the others). */
    @Test
    void anEmptyFolderIsNoBundleNotOk(@TempDir Path dir) {
        for (Cli r : new Cli[] {Cli.run("doctor", dir.toString()), Cli.run("doctor", dir.toString(), "--json")}) {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.out()).doesNotContain("OK").doesNotContain("\"verdict\"");
            assertThat(r.err().strip()).isEqualTo("kubepath: " + dir + ": not a bundle directory: neither cluster/ nor hosts/ inside (docs/bundle-format.md)");
        }
    }

    @Test
    void theFixedClusterCountsUnknownFlowsApartFromFailingOnes() {
        Cli r = Cli.run("doctor", "bundles/seed-after");
        String head = r.out().lines().findFirst().orElseThrow();
        assertThat(head).contains(" ok, ").contains(" failing, ").contains(" unknown").doesNotContain("12 of 18 flows fail");
    }
}
