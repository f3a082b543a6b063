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

    @Test
    void anEmptyFolderIsInsufficientNotOk(@TempDir Path dir) throws Exception {
        Cli r = Cli.run("doctor", dir.toString());
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out().lines().findFirst().orElseThrow()).startsWith("INSUFFICIENT: ");
        Cli j = Cli.run("doctor", dir.toString(), "--json");
        assertThat(j.exit()).isEqualTo(3);
        JsonNode json = new ObjectMapper().readTree(j.out());
        assertThat(json.get("verdict").asText()).isEqualTo("insufficient");
        assertThat(json.get("problems").size()).as("the missing cluster directory is a problem").isPositive();
        assertThat(json.get("problems").get(0).fieldNames()).toIterable().containsExactly("file", "line", "message");
    }

    @Test
    void aFolderOfUnrelatedFilesIsInsufficientNotOk(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "shopping: milk, eggs\n");
        Files.createDirectories(dir.resolve("photos"));
        Files.writeString(dir.resolve("photos/readme.md"), "# holiday\n");
        Cli r = Cli.run("doctor", dir.toString());
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).startsWith("INSUFFICIENT: ").doesNotContain("OK:");
    }

    @Test
    void theFixedClusterCountsUnknownFlowsApartFromFailingOnes() {
        Cli r = Cli.run("doctor", "bundles/seed-after");
        String head = r.out().lines().findFirst().orElseThrow();
        assertThat(head).contains(" ok, ").contains(" failing, ").contains(" unknown").doesNotContain("12 of 18 flows fail");
    }
}
