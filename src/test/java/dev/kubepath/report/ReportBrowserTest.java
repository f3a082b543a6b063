package dev.kubepath.report;

import dev.kubepath.Prerequisites;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubepath.bench.HeadlessChromium;
import dev.kubepath.cluster.Synthetic;
import dev.kubepath.cluster.Snapshots;
import dev.kubepath.model.Snapshot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Opens reports in real headless Chromium and uses them as an operator would: click a cell, read the trace. */
class ReportBrowserTest {
    /** The seed's "before" bundle (made from its outputs); -Dkubepath.report.seed=FILE points the tests at another snapshot. */
    static final Path SEED = Path.of(System.getProperty("kubepath.report.seed", "bundles/seed-before"));
    static final Path OUT = Path.of("target/report-test");

    @BeforeAll
    static void chromiumPresent() {
        Prerequisites.tool("chromium");
    }

    @Test
    void clickingTheNodePortCellOfTheSeedShowsTheDropOnMcwk8s06() throws Exception {
        Path html = OUT.resolve("seed-incident.html");
        var seed = Snapshots.load(SEED);
        JsonNode doctor = new ObjectMapper().valueToTree(dev.kubepath.doctor.ReportText.json(
                dev.kubepath.doctor.Doctor.examine(SEED, seed)));
        Reports.write(Reports.build(seed, SEED.toString(), doctor), html);
        Path profile;
        try (HeadlessChromium browser = new HeadlessChromium(1440, 1000)) {
            profile = browser.profile();
            browser.open(html, 10_000);
            browser.click("td.cell[data-from='mcwk8s03'][data-to='10.0.0.36:41527']");

            JsonNode last = browser.evaluate("(() => { const rows = document.querySelectorAll('#trace table.steps tbody tr');"
                    + " const r = rows[rows.length - 1]; return r && {host: r.cells[0].textContent, stage: r.cells[1].textContent,"
                    + " detail: r.cells[2].textContent}; })()");
            assertThat(last).as("a trace table after the click").isNotNull();
            assertThat(last.get("host").asText()).isEqualTo("mcwk8s06");
            assertThat(last.get("stage").asText()).isEqualTo("drop");
            assertThat(last.get("detail").asText()).contains("no route to 172.17.98.0/24");
            assertThat(browser.evaluate("document.querySelector('#trace .says').textContent").asText())
                    .contains("curl: (7) Failed connect to 10.0.0.36:41527; Connection timed out");
            // the path over the topology: 03 visited, 06 where the packet dies
            assertThat(browser.evaluate("[...document.querySelectorAll('svg .hostbox.visited')].map(g => g.querySelector('text.name').textContent).join(' ')").asText())
                    .contains("mcwk8s03").doesNotContain("mcwk8s05");
            assertThat(browser.evaluate("[...document.querySelectorAll('svg .hostbox.dropped')].map(g => g.querySelector('text.name').textContent).join(' ')").asText())
                    .isEqualTo("mcwk8s06");
            assertThat(browser.evaluate("document.getElementById('findingsview').textContent").asText())
                    .contains("LEASE_MISSING").contains("systemctl restart flanneld");
            assertThat(browser.evaluate("window.__errors.join('; ')").asText()).isEmpty();
            browser.screenshot(Path.of("target/report-seed-incident.png"));
        }
        assertThat(profile).doesNotExist();
    }

    @Test
    void theFindingsPanelShowsEvidenceAndCopyableFixes() throws Exception {
        JsonNode findings = new ObjectMapper().readTree("""
                {"verdict": "mcwk8s05 lost its flannel lease",
                 "findings": [{"code": "LEASE_MISSING", "severity": "error", "hosts": ["mcwk8s05"], "subnets": ["172.17.98.0/24"], "services": [],
                   "evidence": [{"file": "mcwk8s03/etcdctl-ls.txt", "line": 1, "text": "/coreos.com/network/subnets/172.17.9.0-24"}],
                   "impact": "no host routes to 172.17.98.0/24",
                   "fix": ["ssh mcwk8s05 systemctl restart flanneld", "ssh mcwk8s05 systemctl restart docker"]}],
                 "symptoms": ["curl 10.0.0.36:41527 times out"]}""");
        Path html = OUT.resolve("seed-with-findings.html");
        Reports.write(Reports.build(Snapshots.load(SEED), SEED.toString(), findings), html);
        try (HeadlessChromium browser = new HeadlessChromium(1440, 1000)) {
            browser.open(html, 10_000);
            String panel = browser.evaluate("document.getElementById('findingsview').textContent").asText();
            assertThat(panel).contains("LEASE_MISSING", "mcwk8s03/etcdctl-ls.txt:1", "ssh mcwk8s05 systemctl restart flanneld", "curl 10.0.0.36:41527 times out")
                    .doesNotContain("no doctor findings supplied");
            browser.click("#findingsview .cmd button");
            assertThat(browser.evaluate("new Promise(r => setTimeout(() => r(document.querySelector('#findingsview .cmd button').textContent), 150))").asText())
                    .isEqualTo("copied");
        }
    }

    /** How fast it opens is measured by `kubepath bench report-page`; here, that a 200-host page works at all. */
    @Test
    void aTwoHundredHostReportOpensAndACellOfItsCanvasShowsItsTrace() throws Exception {
        Snapshot big = Synthetic.build(new Synthetic.Spec(200, 2, 3, 2, 7));
        Path html = OUT.resolve("synthetic-200.html");
        long bytes = Reports.write(Reports.build(big, "synthetic-200", null), html);
        assertThat(bytes).isLessThan(5_000_000);
        try (HeadlessChromium browser = new HeadlessChromium(1440, 1000)) {
            browser.open(html, 60_000);
            assertThat(browser.evaluate("document.querySelectorAll('.tile').length").asInt()).isEqualTo(200);
            assertThat(browser.evaluate("window.__errors.join('; ')").asText()).isEmpty();
            // a cell of the canvas grid opens its trace (or says which command prints it)
            JsonNode at = browser.evaluate("(() => { const c = document.querySelector('canvas.grid'); c.scrollIntoView({block: 'center'});"
                    + " const r = c.getBoundingClientRect(); return {x: r.left + 1, y: r.top + 1}; })()");
            browser.clickAt(at.get("x").asDouble(), at.get("y").asDouble());
            assertThat(browser.evaluate("document.querySelector('#trace h3').textContent").asText()).startsWith("node00000 \u2192 172.20.0.1:80");
            browser.screenshot(Path.of("target/report-synthetic-200.png"));
        }
    }
}
