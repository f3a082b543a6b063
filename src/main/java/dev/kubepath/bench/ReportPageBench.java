package dev.kubepath.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubepath.cluster.Synthetic;
import dev.kubepath.model.Snapshot;
import dev.kubepath.report.Reports;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
                + " faulty=1: 30 pods a node, 5 endpoints a service, every fault kind, the doctor's findings on the page; [cells=60]: cells clicked a round, spread over the matrix)";
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
            int cells = Benchmark.intArg(args, 4, 60);
            out.printf(Locale.ROOT, "%-6s %-12s %-7s %-34s %-34s%n", "round", "rendered ms", "cells", "mousedown->painted ms p50/p90/max", "click event->painted ms p50/p90/max");
            try (HeadlessChromium browser = new HeadlessChromium(1440, 1000)) {
                for (int r = 1; r <= rounds; r++) {
                    double rendered = browser.open(html, 120_000);
                    int count = browser.evaluate("document.querySelectorAll('td.cell').length || 1").asInt();
                    List<Double> down = new ArrayList<>(), click = new ArrayList<>();
                    // cells spread evenly over the matrix: every kind of verdict and destination, not one favourite cell
                    for (int i : spread(count, cells)) {
                        JsonNode ms = clickCell(browser, i);
                        down.add(ms.get("down").asDouble());
                        click.add(ms.get("click").asDouble());
                    }
                    out.printf(Locale.ROOT, "%-6d %-12.0f %-7d %-34s %-34s%n", r, rendered, down.size(), spreadOf(down), spreadOf(click));
                }
            }
        } finally {
            Files.deleteIfExists(html);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Clicks the i-th matrix cell (or a cell of the canvas) with real mouse events and returns two times, both to
     * the animation frame after its trace appeared: from the mousedown (what a person waits, the press and release
     * included, with the protocol's round trips between them), and from the click event (the page's own work).
     */
    private static JsonNode clickCell(HeadlessChromium browser, int i) throws Exception {
        browser.evaluate("(() => { window.__downAt = null; window.__clickAt = null; const t = document.getElementById('trace'); if (t) t.innerHTML = '';"
                + " window.__paintedAt = null;"
                + " new MutationObserver((m, o) => { if (!document.querySelector('#trace h3')) return; o.disconnect();"
                + " requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = () => { window.__paintedAt = performance.now(); }; c.port2.postMessage(0); }); })"
                + ".observe(document.getElementById('trace'), {childList: true});"
                + " document.addEventListener('mousedown', () => { window.__downAt = performance.now(); }, {capture: true, once: true});"
                + " document.addEventListener('click', e => { window.__clickAt = e.timeStamp; }, {capture: true, once: true}); })()");
        JsonNode at = browser.evaluate("(() => { const cs = document.querySelectorAll('td.cell'); const c = cs.length ? cs[" + i + "] : document.querySelector('canvas.grid');"
                + " c.scrollIntoView({block: 'center', inline: 'center'}); const b = c.getBoundingClientRect();"
                + " return c.tagName === 'CANVAS' ? {x: b.left + 1, y: b.top + 1} : {x: b.left + b.width / 2, y: b.top + b.height / 2}; })()");
        browser.clickAt(at.get("x").asDouble(), at.get("y").asDouble());
        return browser.evaluate("new Promise(done => { const t = () => window.__paintedAt"
                + " ? done({down: window.__paintedAt - window.__downAt, click: window.__paintedAt - window.__clickAt}) : setTimeout(t, 5); t(); })");
    }

    /** Up to {@code limit} indexes spread evenly over 0..count-1. */
    static int[] spread(int count, int limit) {
        int n = Math.min(count, Math.max(1, limit));
        int[] out = new int[n];
        for (int k = 0; k < n; k++) out[k] = (int) ((long) k * count / n);
        return out;
    }

    private static String spreadOf(List<Double> ms) {
        List<Double> s = new ArrayList<>(ms);
        java.util.Collections.sort(s);
        return String.format(Locale.ROOT, "%.0f / %.0f / %.0f", s.get(s.size() / 2), s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.9) - 1)), s.get(s.size() - 1));
    }
}
