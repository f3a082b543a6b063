package dev.kubepath.shell;

import java.util.Map;

/**
 * kubectl's equality-based label selectors: {@code app=mcwtest}, {@code app==mcwtest}, {@code app!=mcwtest},
 * {@code app} (has the label), {@code !app} (has it not), joined by commas, all of which must hold. Set-based forms
 * ({@code app in (a,b)}) are refused in kubectl's words.
 */
final class Selector {
    private Selector() {}

    static boolean matches(String selector, Map<String, String> labels) {
        for (String term : selector.split(",", -1)) {
            String t = term.strip();
            if (t.contains(" in ") || t.contains(" notin ") || t.contains("(")) {
                throw new ToolError("kubepath shell: set-based selectors ('" + t + "') are not simulated; use key=value\n", 1);
            }
            boolean ok;
            if (t.contains("!=")) ok = !t.substring(t.indexOf("!=") + 2).equals(labels.get(t.substring(0, t.indexOf("!="))));
            else if (t.contains("==")) ok = t.substring(t.indexOf("==") + 2).equals(labels.get(t.substring(0, t.indexOf("=="))));
            else if (t.contains("=")) ok = t.substring(t.indexOf('=') + 1).equals(labels.get(t.substring(0, t.indexOf('='))));
            else if (t.startsWith("!")) ok = !labels.containsKey(t.substring(1));
            else if (t.isEmpty()) throw new ToolError("kubepath shell: an empty term in the selector '" + selector + "'\n", 1);
            else ok = labels.containsKey(t);
            if (!ok) return false;
        }
        return true;
    }
}
