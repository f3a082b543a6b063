package dev.kubepath.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The single HTML file: the page template (inline CSS and vanilla JS, nothing fetched) with the report's JSON in a
 * {@code <script type="application/json">} block. The matrix's flows travel as a grid, one character a cell, so a
 * 200-host matrix of 160,000 flows costs 160 kB instead of 12 MB; the encoding keeps verdict and endpoints.
 */
public final class ReportPage {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final String TEMPLATE = "report.html";
    static final String DATA_MARK = "/*KUBEPATH_DATA*/";

    private ReportPage() {}

    public static String html(ReportData d) throws IOException {
        String template;
        try (InputStream in = ReportPage.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) throw new IllegalStateException("report template " + TEMPLATE + " is missing from the classpath");
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int at = template.indexOf(DATA_MARK);
        if (at < 0) throw new IllegalStateException("report template lacks " + DATA_MARK);
        String json = MAPPER.writeValueAsString(embedded(d))
                .replace("</", "<\\/").replace("<!--", "<\\!--"); // nothing inside may close the script element
        return template.substring(0, at) + json + template.substring(at + DATA_MARK.length())
                .replace("<title>kubepath report</title>", "<title>kubepath report: " + escape(d.title()) + "</title>");
    }

    static ObjectNode embedded(ReportData d) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("title", d.title());
        root.put("source", d.source());
        root.set("topology", d.topology());
        root.set("frontends", d.frontends());
        // a matrix by classes comes as its grid already
        root.set("matrix", d.matrix().has("cells") ? d.matrix() : grid(d.matrix(), d.topology(), d.frontends()));
        root.set("traces", d.traces() == null ? f.objectNode() : d.traces());
        root.set("findings", d.findings());
        root.set("principle", d.principle());
        return root;
    }

    /**
     * The matrix JSON as rows (sources), cols (targets) and one character a cell: o ok, s some, r refused,
     * t timeout, u unreachable, ? unknown, '.' no flow; upper case when the flow's endpoints field is set
     * (ALL for ok, NONE otherwise).
     */
    static ObjectNode grid(JsonNode matrix, JsonNode topology, JsonNode frontends) {
        List<String> rows = new ArrayList<>();
        Map<String, Integer> rowIndex = new HashMap<>();
        for (JsonNode h : topology.path("hosts")) add(rows, rowIndex, h.path("name").asText());
        List<String> cols = new ArrayList<>();
        Map<String, Integer> colIndex = new HashMap<>();
        for (JsonNode c : frontends) add(cols, colIndex, c.path("to").asText());
        for (JsonNode fl : matrix.path("flows")) {
            add(rows, rowIndex, fl.path("from").asText());
            add(cols, colIndex, fl.path("to").asText());
        }
        char[] cells = new char[rows.size() * cols.size()];
        java.util.Arrays.fill(cells, '.');
        for (JsonNode fl : matrix.path("flows")) {
            char c = switch (fl.path("verdict").asText().toLowerCase()) {
                case "ok", "delivered" -> 'o';
                case "some" -> 's';
                case "refused" -> 'r';
                case "timeout" -> 't';
                case "unreachable" -> 'u';
                default -> '?';
            };
            String ep = fl.path("endpoints").asText("");
            if (c != 's' && !ep.isEmpty() && !fl.path("endpoints").isNull()) c = Character.toUpperCase(c);
            cells[rowIndex.get(fl.path("from").asText()) * cols.size() + colIndex.get(fl.path("to").asText())] = c;
        }
        ObjectNode g = JsonNodeFactory.instance.objectNode();
        g.set("summary", matrix.path("summary"));
        ArrayNode r = g.putArray("rows");
        rows.forEach(r::add);
        ArrayNode c = g.putArray("cols");
        cols.forEach(c::add);
        g.put("cells", new String(cells));
        return g;
    }

    private static void add(List<String> list, Map<String, Integer> index, String v) {
        if (index.putIfAbsent(v, list.size()) == null) list.add(v);
    }

    static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
