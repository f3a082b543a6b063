package dev.kubepath.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Reads the JSON document in a file (after any shell prompt), reporting a syntax error at its file line. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /**
     * iproute2's {@code -j} output: an array of objects ({@code items}), each read by {@code read}; null from it skips
     * the object (an IPv6 entry), an IllegalArgumentException is one problem naming the object ({@code item #N}).
     */
    static <T> Parsed<List<T>> objects(String file, String text, String items, String item, java.util.function.Function<JsonNode, T> read) {
        Problems problems = new Problems(file);
        List<T> out = new ArrayList<>();
        JsonNode root = read(problems, text);
        if (root == null) return problems.result(out);
        int line = IpRouteJson.firstLine(text);
        if (!root.isArray()) {
            problems.add(line, "expected a JSON array of " + items);
            return problems.result(out);
        }
        int index = 0;
        for (JsonNode n : root) {
            try {
                T t = read.apply(n);
                if (t != null) out.add(t);
            } catch (IllegalArgumentException e) {
                problems.add(line, item + " #" + index + ": " + e.getMessage());
            }
            index++;
        }
        return problems.result(out);
    }

    /**
     * True when the first output line starts a JSON document. The value printed by {@code etcdctl get KEY} is a JSON
     * line too, but part of a lease transcript, not a document: a section typed as etcdctl is never one.
     */
    static boolean looksLikeJson(String text) {
        for (Transcript.Section sec : Transcript.of(text).sections()) {
            if (sec.lines().isEmpty()) continue;
            if (sec.typed() != null && sec.typed().tool().equals("etcdctl")) return false;
            String s = sec.lines().get(0).text().stripLeading();
            return s.startsWith("[") || s.startsWith("{");
        }
        return false;
    }

    /** The document, or null (with a problem recorded) when it is not valid JSON. */
    static JsonNode read(Problems problems, String text) {
        List<Transcript.Line> lines = Transcript.of(text).lines();
        if (lines.isEmpty()) return MAPPER.createArrayNode();
        int first = lines.get(0).number();
        StringBuilder sb = new StringBuilder();
        int expect = first;
        for (Transcript.Line l : lines) {
            while (expect < l.number()) { // keep line numbers aligned with the file
                sb.append('\n');
                expect++;
            }
            sb.append(l.text()).append('\n');
            expect++;
        }
        // a transcript may hold several outputs (ip -j route get ... twice): readTree(String) would keep the first
        // document and drop the rest silently; arrays are joined, any other second document is reported
        try (JsonParser parser = MAPPER.createParser(sb.toString())) {
            List<JsonNode> all = new ArrayList<>();
            for (JsonNode doc = MAPPER.readTree(parser); doc != null; doc = MAPPER.readTree(parser)) all.add(doc);
            if (all.isEmpty() || all.get(0).isMissingNode()) {
                problems.add(first, "no JSON document");
                return null;
            }
            if (all.size() == 1) return all.get(0);
            if (all.stream().allMatch(JsonNode::isArray)) {
                ArrayNode joined = MAPPER.createArrayNode();
                all.forEach(a -> joined.addAll((ArrayNode) a));
                return joined;
            }
            problems.add(first, all.size() + " JSON documents where one was expected: only the first is read");
            return all.get(0);
        } catch (JsonProcessingException e) {
            int last = lines.get(lines.size() - 1).number();
            int line = e.getLocation() != null ? Math.max(first, Math.min(last, first + e.getLocation().getLineNr() - 1)) : first;
            String msg = e.getOriginalMessage();
            int cut = msg.indexOf(" (start marker");
            problems.add(line, "invalid JSON: " + (cut > 0 ? msg.substring(0, cut) : msg));
            return null;
        } catch (IOException e) { // reading a String: only a syntax error (above) can happen
            throw new UncheckedIOException(e);
        }
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    static boolean hasFlag(JsonNode n, String field, String flag) {
        JsonNode v = n.get(field);
        if (v == null) return false;
        if (v.isArray()) {
            for (JsonNode f : v) if (flag.equalsIgnoreCase(f.asText())) return true;
            return false;
        }
        return flag.equalsIgnoreCase(v.asText());
    }
}
