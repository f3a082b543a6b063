package dev.kubepath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TraceCommandTest {
    static final String SEED = "scenarios/seed-incident.yaml";

    @Test
    void theStoryEndsWithWhatCurlPrints() {
        Cli r = Cli.run("trace", SEED, "--from", "mcwk8s03", "--to", "10.0.0.36:41527");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("mcwk8s06  drop").endsWith("curl: (7) Failed connect to 10.0.0.36:41527; Connection timed out\n");
    }

    @Test
    void jsonHasTheDocumentedFields() throws Exception {
        Cli r = Cli.run("trace", SEED, "--from", "mcwk8s05", "--icmp", "--to", "172.17.83.1", "--json");
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("verdict").asText()).isEqualTo("TIMEOUT");
        assertThat(j.get("kind").asText()).isEqualTo("ping");
        assertThat(j.get("to").asText()).isEqualTo("172.17.83.1");
        assertThat(j.get("steps").get(0).fieldNames()).toIterable().containsExactly("host", "stage", "detail", "decidedBy", "basis", "facts");
    }

    @Test
    void anUnknownHostIsOneLineWithExitCode2() {
        Cli r = Cli.run("trace", SEED, "--from", "mcwk8s09", "--to", "10.0.0.35:41527");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("kubepath: unknown host 'mcwk8s09' (hosts: mcwk8s03, mcwk8s05, mcwk8s06)");
    }

    @Test
    void aMalformedAddressIsOneLineWithExitCode2() {
        Cli r = Cli.run("trace", SEED, "--from", "mcwk8s03", "--to", "10.0.0.356:41527");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("kubepath: '10.0.0.356' is not an IPv4 address (expected a.b.c.d)").doesNotContain("\n");
    }

    @Test
    void aTypoInAScenarioNamesTheFileAndLine(@TempDir Path dir) throws Exception {
        String text = Files.readString(Path.of(SEED)).replace("172.17.9.0/24 via 172.17.9.0 dev flannel.1 onlink", "172.17.9.0/24 vai 172.17.9.0 dev flannel.1 onlink");
        Path f = dir.resolve("typo.yaml");
        Files.writeString(f, text);
        int line = text.lines().toList().indexOf(text.lines().filter(l -> l.contains(" vai ")).findFirst().orElseThrow()) + 1;
        Cli r = Cli.run("trace", f.toString(), "--from", "mcwk8s03", "--to", "10.0.0.35:41527");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("kubepath: " + f + ":" + line + ": unexpected word 'vai' in route line").doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void anUnknownKeyInAScenarioIsNamed(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("key.yaml");
        Files.writeString(f, Files.readString(Path.of(SEED)).replace("    neighbours:\n      - 172.17.9.0", "    neighbors:\n      - 172.17.9.0"));
        Cli r = Cli.run("trace", f.toString(), "--from", "mcwk8s03", "--to", "10.0.0.35:41527");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("unknown key 'neighbors'").contains(f + ":");
    }

    @Test
    void aMissingFileIsNamed() {
        Cli r = Cli.run("trace", "nope.yaml", "--from", "a", "--to", "1.2.3.4:5");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("kubepath: nope.yaml: no such file or directory (expected a scenario .yaml or a bundle directory)");
    }
}
