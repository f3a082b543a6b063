package dev.kubepath.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ReportCommandTest {
    static final String SEED = "scenarios/seed-incident.yaml";

    @Test
    void writesOneHtmlFileCarryingTheTraceJsonOfTheCli() throws Exception {
        Path out = Path.of("target/report-test/cli-seed.html");
        Files.deleteIfExists(out);
        Cli r = Cli.run("report", SEED, "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("wrote " + out).contains("18 flows traced");
        String html = Files.readString(out);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<script type=\"application/json\" id=\"kubepath-data\">");
        // the trace the page shows is the one `kubepath trace --json` prints, field for field
        Cli trace = Cli.run("trace", SEED, "--from", "mcwk8s03", "--to", "10.0.0.36:41527", "--json");
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        String json = html.substring(html.indexOf("id=\"kubepath-data\">") + 19, html.indexOf("</script>", html.indexOf("id=\"kubepath-data\">")));
        var embedded = mapper.readTree(json.replace("<\\/", "</")).path("traces").path("mcwk8s03 -> 10.0.0.36:41527");
        assertThat(embedded).isEqualTo(mapper.readTree(trace.out()));
    }

    @Test
    void aFindingsFileThatIsNotJsonIsBadInput() throws Exception {
        Path bad = Path.of("target/report-test/not-json.txt");
        Files.createDirectories(bad.getParent());
        Files.writeString(bad, "verdict: broken\n");
        Cli r = Cli.run("report", SEED, "-o", "target/report-test/never.html", "--findings", bad.toString());
        assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).startsWith("kubepath: " + bad).contains("findings JSON");
    }
}
