package dev.kubepath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DoctorCommandTest {
    @Test
    void jsonHasTheDocumentedShape() throws Exception {
        Cli r = Cli.run("doctor", "bundles/seed-before", "--json");
        assertThat(r.exit()).isZero();
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
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).startsWith("CRITICAL: ");
        assertThat(r.out()).contains("10.0.0.36:41527  default/mcwtest-svc").contains("CRITICAL LEASE_MISSING")
                .contains("evidence: scenarios/seed-incident.yaml:");
    }
}
