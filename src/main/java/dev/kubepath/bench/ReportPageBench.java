package dev.kubepath.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubepath.cluster.Synthetic;
import dev.kubepath.model.Snapshot;
import dev.kubepath.report.Reports;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The report page in real headless Chromium: how long after navigation it has rendered (the page's own clock), and
 * how long from a click on a matrix cell until its trace is painted (a mousedown listener's clock to the next
 * animation frame after the trace appears). The tests check that both work; how fast is measured here.
 */
public final class ReportPageBench implements Benchmark {
    @Override
    public String name() {
        return "report-page";
    }

    @Override
    public String description() {
        return "a synthetic cluster's report opened in headless Chromium: load-to-rendered and click-to-trace ms (args: [hosts=200] [services=3] [rounds=3] [faulty=0];"
                + " faulty=1: 30 pods a node, 5 endpoints a service, every fault kind, the doctor's findings on the page)";
    }

    @Override
    public void run(PrintStream out, String... args) throws Exception {
        ReportBenchmark.Setup setup = ReportBenchmark.Setup.of(args);
        int hosts = setup.hosts(), services = setup.services(), rounds = setup.rounds();
        boolean faulty = Benchmark.intArg(args, 3, 0) == 1;
        Snapshot s = faulty ? Synthetic.build(new Synthetic.Spec(hosts, 30, services, 5, 42, ScaleBench.FAULTS)) : setup.cluster();
        com.fasterxml.jackson.databind.JsonNode findings = faulty ? new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(
                dev.kubepath.doctor.ReportText.json(dev.kubepath.doctor.Doctor.examine(s))) : null;
        Path dir = Files.createTempDirectory("kubepath-report-page");
        Path html = dir.resolve("report.html");
        try {
            long t0 = System.nanoTime();
            long bytes = Reports.write(Reports.build(s, s.name(), findings), html);
            out.printf(Locale.ROOT, "%d hosts, %d services: page of %,d bytes built in %.2f s%n", hosts, services, bytes, (System.nanoTime() - t0) / 1e9);
            out.printf(Locale.ROOT, "%-6s %-18s %-18s%n", "round", "rendered ms", "click->trace ms");
            try (HeadlessChromium browser = new HeadlessChromium(1440, 1000)) {
                for (int r = 1; r <= rounds; r++) {
                    double rendered = browser.open(html, 120_000);
                    browser.evaluate("(() => { window.__clickAt = null; document.addEventListener('mousedown', () => { window.__clickAt = performance.now(); }, {capture: true, once: true}); })()");
                    JsonNode at = browser.evaluate("(() => { const c = document.querySelector('canvas.grid') || document.querySelector('td.cell.v-timeout') || document.querySelector('td.cell');"
                            + " c.scrollIntoView({block: 'center'}); const b = c.getBoundingClientRect();"
                            + " return c.tagName === 'CANVAS' ? {x: b.left + 1, y: b.top + 1} : {x: b.left + b.width / 2, y: b.top + b.height / 2}; })()");
                    browser.clickAt(at.get("x").asDouble(), at.get("y").asDouble());
                    JsonNode click = browser.evaluate("new Promise(done => { const t = () => document.querySelector('#trace h3')"
                            + " ? requestAnimationFrame(() => done(performance.now() - window.__clickAt)) : setTimeout(t, 1); t(); })");
                    out.printf(Locale.ROOT, "%-6d %-18.0f %-18.1f%n", r, rendered, click.asDouble());
                }
            }
        } finally {
            Files.deleteIfExists(html);
            Files.deleteIfExists(dir);
        }
    }
}
