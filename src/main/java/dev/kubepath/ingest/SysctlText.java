package dev.kubepath.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code sysctl -a} (or a subset): {@code net.ipv4.ip_forward = 1}, also without spaces around '='. */
public final class SysctlText {
    private SysctlText() {}

    public static Parsed<Map<String, String>> parse(String file, String text) {
        Problems problems = new Problems(file);
        Map<String, String> out = new LinkedHashMap<>();
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String line = l.text();
            if (Transcript.isComment(line)) continue;
            int eq = line.indexOf('=');
            String key = eq < 0 ? "" : line.substring(0, eq).trim();
            if (eq < 0 || key.isEmpty() || key.indexOf(' ') >= 0) {
                problems.add(l.number(), "expected 'key = value', got '" + line.trim() + "'");
                continue;
            }
            out.put(key.replace('/', '.'), line.substring(eq + 1).trim());
        }
        return problems.result(out);
    }
}
