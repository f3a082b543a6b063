package dev.kubepath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** `kubepath demo --json`: the seed's outcomes before and after the fix (seed README, "What happened"). */
class DemoTest {
    static JsonNode outcomes;

    @BeforeAll
    static void runDemo() throws Exception {
        Cli r = Cli.run("demo", "--json");
        assertThat(r.exit()).isZero();
        outcomes = new ObjectMapper().readTree(r.out()).get("outcomes");
    }

    static String verdict(String phase, String from, String kind, String to) {
        for (JsonNode o : outcomes) {
            if (o.get("phase").asText().equals(phase) && o.get("from").asText().equals(from)
                    && o.get("kind").asText().equals(kind) && o.get("to").asText().equals(to)) return o.get("verdict").asText();
        }
        throw new AssertionError("no outcome " + phase + " " + from + " " + kind + " " + to + " in " + outcomes);
    }

    @Test
    void everyOutcomeHasTheDocumentedFields() {
        assertThat(outcomes).isNotEmpty();
        for (JsonNode o : outcomes) assertThat(o.fieldNames()).toIterable().contains("phase", "from", "to", "kind", "verdict");
    }

    @Test
    void beforeTheFixTheNodePortAnswersOnTheNodeWithThePodOnly() {
        assertThat(verdict("before", "mcwk8s03", "curl", "10.2.0.155:80")).isEqualTo("TIMEOUT");
        assertThat(verdict("before", "mcwk8s03", "curl", "10.0.0.33:41527")).isEqualTo("REFUSED");
        assertThat(verdict("before", "mcwk8s03", "curl", "10.0.0.36:41527")).isEqualTo("TIMEOUT");
        assertThat(verdict("before", "mcwk8s03", "curl", "10.0.0.35:41527")).isEqualTo("DELIVERED");
        assertThat(verdict("before", "mcwk8s05", "ping", "172.17.83.1")).isEqualTo("TIMEOUT");
        assertThat(verdict("before", "mcwk8s05", "ping", "172.17.9.1")).isEqualTo("TIMEOUT");
        assertThat(verdict("before", "mcwk8s06", "ping", "172.17.83.1")).isEqualTo("DELIVERED");
    }

    @Test
    void afterTheFixBothNodesAnswerAndTheMasterStillCannot() {
        assertThat(verdict("after", "mcwk8s03", "curl", "10.0.0.35:33958")).isEqualTo("DELIVERED");
        assertThat(verdict("after", "mcwk8s03", "curl", "10.0.0.36:33958")).isEqualTo("DELIVERED");
        assertThat(verdict("after", "mcwk8s03", "curl", "10.0.0.33:33958")).isEqualTo("REFUSED");
        assertThat(verdict("after", "mcwk8s03", "curl", "10.2.0.155:2024")).isEqualTo("TIMEOUT");
        assertThat(verdict("after", "mcwk8s05", "curl", "10.2.0.155:2024")).isEqualTo("DELIVERED");
        assertThat(verdict("after", "mcwk8s05", "ping", "172.17.83.1")).isEqualTo("DELIVERED");
    }

    @Test
    void theTranscriptShowsThePodMovingOnlyAfterDockerRestarts() {
        String text = Cli.run("demo").out();
        int flanneld = text.indexOf("systemctl restart flanneld.service");
        int docker = text.indexOf("systemctl restart docker");
        assertThat(flanneld).isPositive();
        assertThat(docker).isGreaterThan(flanneld);
        String between = text.substring(flanneld, docker);
        assertThat(between).contains("inet 172.17.89.0  netmask 255.255.255.255").contains("inet 172.17.98.1  netmask 255.255.255.0");
        String afterDocker = text.substring(docker);
        assertThat(afterDocker).contains("inet 172.17.89.1  netmask 255.255.255.0").contains("172.17.89.10   mcwk8s05");
        assertThat(text.substring(0, docker)).contains("172.17.98.13   mcwk8s05");
    }
}
