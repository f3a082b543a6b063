package dev.kubepath.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * Go's text/tabwriter as kubectl describe configures it ({@code NewWriter(out, 0, 8, 2, ' ', 0)}): cells end at a tab;
 * a column is aligned over a block of consecutive lines that all have a tab-terminated cell there, each cell padded
 * with spaces to the widest in the block plus two; the text after a line's last tab is not aligned. kubectl's
 * describers write one stream through it, so a line without a tab ("Conditions:") ends the blocks above it.
 */
final class TabWriter {
    private static final int PADDING = 2;

    private final List<String[]> lines = new ArrayList<>();

    /** Appends text that may hold several lines; each is split into cells at its tabs. */
    TabWriter write(String text) {
        for (String line : text.split("\n", -1)) lines.add(line.split("\t", -1));
        lines.remove(lines.size() - 1); // the piece after the last newline: kubectl's lines all end with one
        return this;
    }

    String flush() {
        StringBuilder sb = new StringBuilder();
        format(sb, new ArrayList<>(), 0, lines.size());
        return sb.toString();
    }

    /** tabwriter's format(): the recursion over columns, one block of lines at a time. */
    private void format(StringBuilder sb, List<Integer> widths, int line0, int line1) {
        int column = widths.size();
        for (int i = line0; i < line1; i++) {
            if (column >= lines.get(i).length - 1) continue;
            writeLines(sb, widths, line0, i);
            line0 = i;
            int width = 0;
            for (; i < line1 && column < lines.get(i).length - 1; i++) {
                width = Math.max(width, lines.get(i)[column].codePointCount(0, lines.get(i)[column].length()) + PADDING);
            }
            widths.add(width);
            format(sb, widths, line0, i);
            widths.remove(widths.size() - 1);
            line0 = i; // as tabwriter, the loop's i++ passes the line that ended the block: it has no cell here
        }
        writeLines(sb, widths, line0, line1);
    }

    private void writeLines(StringBuilder sb, List<Integer> widths, int line0, int line1) {
        for (int i = line0; i < line1; i++) {
            String[] cells = lines.get(i);
            for (int j = 0; j < cells.length; j++) {
                sb.append(cells[j]);
                if (j < widths.size() && j < cells.length - 1) sb.append(" ".repeat(widths.get(j) - cells[j].codePointCount(0, cells[j].length())));
            }
            sb.append('\n');
        }
    }
}
