package dev.kubepath.shell;

import java.util.List;

/** {@code | grep [-C N] PATTERN}: the lines containing the pattern, with N lines of context, groups split by "--". */
final class Grep {
    private Grep() {}

    static String lines(String text, String pattern, int context) {
        List<String> lines = text.lines().toList();
        boolean[] keep = new boolean[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).contains(pattern)) continue;
            for (int j = Math.max(0, i - context); j <= Math.min(lines.size() - 1, i + context); j++) keep[j] = true;
        }
        StringBuilder sb = new StringBuilder();
        int last = -2;
        for (int i = 0; i < lines.size(); i++) {
            if (!keep[i]) continue;
            if (context > 0 && last >= 0 && i > last + 1) sb.append("--\n");
            sb.append(lines.get(i)).append('\n');
            last = i;
        }
        return sb.toString();
    }
}
