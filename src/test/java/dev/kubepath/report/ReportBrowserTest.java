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
    /**
     * A cluster too big for one row per host (600 nodes, 1,200 services, every fault kind): the page groups hosts
     * into classes, finds a host and a service, opens a class, and shows a cell's trace. How fast: bench report-page.
     */
    @Test
    void aBigClusterPageShowsClassesFindsAHostAndOpensACellsTrace() throws Exception {
        Snapshot big = Synthetic.build(new Synthetic.Spec(600, 4, 1200, 2, 42, new Synthetic.Faults(1, 2, 1, 1, 1)));
        assertThat(Reports.byClasses(big)).as("600 nodes x 1,200 NodePorts is drawn by classes").isTrue();
        JsonNode doctor = new ObjectMapper().valueToTree(dev.kubepath.doctor.ReportText.json(dev.kubepath.doctor.Doctor.examine(big)));
        Path html = OUT.resolve("synthetic-600-classes.html");
        long bytes = Reports.write(Reports.build(big, "synthetic-600", doctor), html);
        assertThat(bytes).isLessThan(10_000_000);
        // the first host a finding names: its class holds only hosts named by the same findings
        String faulty = doctor.path("findings").findValues("hosts").stream().flatMap(h -> java.util.stream.StreamSupport.stream(h.spliterator(), false))
                .map(JsonNode::asText).findFirst().orElseThrow();
        try (HeadlessChromium browser = new HeadlessChromium(1440, 1000)) {
            browser.open(html, 60_000);
            assertThat(browser.evaluate("window.__errors.join('; ')").asText()).isEmpty();
            int rows = browser.evaluate("document.querySelectorAll('table.matrix tbody tr').length").asInt();
            assertThat(rows).as("classes of hosts, not one row per host").isBetween(2, 60);
            assertThat(browser.evaluate("document.querySelector('table.matrix tbody tr th.rowh').textContent").asText()).matches("class 1: [\\d,]+ hosts like .*");
            assertThat(browser.evaluate("document.getElementById('chips').textContent").asText()).contains("classes of hosts").contains("failing");

            // the search finds the faulty host and leads to its class, which lists it with the finding naming it
            browser.evaluate("(() => { const i = document.getElementById('hostsearch'); i.value = '" + faulty + "'; i.dispatchEvent(new Event('input')); })()");
            assertThat(browser.evaluate("document.getElementById('searchresults').textContent").asText()).contains(faulty);
            browser.click("#searchresults a.hosthit");
            String info = browser.evaluate("document.getElementById('classinfo').textContent").asText();
            assertThat(info).contains(faulty).containsPattern("[A-Z_]+: ");
            // and a service by name: its ClusterIP column
            browser.evaluate("(() => { const i = document.getElementById('hostsearch'); i.value = 'default/svc-7'; i.dispatchEvent(new Event('input')); })()");
            assertThat(browser.evaluate("document.querySelector('#searchresults a.svchit').textContent").asText()).startsWith("default/svc-7 ");

            // a failing cell opens its example's trace, ending in a drop or a refusal
            browser.evaluate("document.querySelector('td.cell.v-timeout, td.cell.v-unreachable, td.cell.v-refused').scrollIntoView({block: 'center'})");
            browser.click("td.cell.v-timeout, td.cell.v-unreachable, td.cell.v-refused");
            assertThat(browser.evaluate("document.querySelectorAll('#trace table.steps tbody tr').length").asInt()).isPositive();
            assertThat(browser.evaluate("document.querySelector('#trace .says').textContent").asText()).containsAnyOf("timed out", "refused", "100% packet loss", "unreachable");
            assertThat(browser.evaluate("window.__errors.join('; ')").asText()).isEmpty();
            browser.screenshot(Path.of("target/report-synthetic-600-classes.png"));
        }
    }
}
