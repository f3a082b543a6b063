package dev.kubepath.report;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Everything the HTML report shows, as the JSON documents the CLI emits: {@code topology} ({@link Topology}),
 * {@code frontends} (the matrix columns, {@link Frontends}), {@code matrix} (the matrix JSON,
 * {@code {"summary":{...},"flows":[{"from","to","verdict","endpoints"}]}}), {@code traces} (an object from
 * "FROM -> TO" to that flow's trace JSON, docs/trace-json.md), {@code findings} (the doctor's findings JSON, or null
 * when none was supplied) and {@code principle} (an array: the packet at each hop of working flows, one
 * crossing hosts through VXLAN and, when that one has no DNAT, a service flow; {@link PacketStory}). {@code source} is the snapshot path, for the commands the page suggests.
 */
public record ReportData(String title, String source, JsonNode topology, JsonNode frontends, JsonNode matrix,
                         JsonNode traces, JsonNode findings, JsonNode principle) {

    /** The doctor's findings JSON replaces whatever was there (null: "no doctor findings supplied"). */
    public ReportData withFindings(JsonNode doctorFindings) {
        return new ReportData(title, source, topology, frontends, matrix, traces, doctorFindings, principle);
    }

    /** A matrix computed elsewhere (the matrix JSON shape) and the traces of the cells it wants openable. */
    public ReportData withMatrix(JsonNode matrixJson, JsonNode tracesByFlow) {
        return new ReportData(title, source, topology, frontends, matrixJson, tracesByFlow, findings, principle);
    }
}
