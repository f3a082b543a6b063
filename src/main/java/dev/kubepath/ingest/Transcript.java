package dev.kubepath.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * A file as an operator pastes it: command output, possibly with shell prompts ({@code [root@mcwk8s05 ~]# route -n})
 * and {@code # comment} lines between outputs (dropped, as are blank lines; none of the tools read here prints a
 * line starting with '#' that carries state: iptables-save's are comments too). Each output line keeps its line number in the file, so problems can
 * point at it. Parsers see only output lines; the commands tell which tool printed them.
 */
public final class Transcript {
    /** One output line and where it was. */
    public record Line(int number, String text) {}

    /** The output of one command (command is null for output before any prompt, i.e. a plain file). */
    public record Section(String command, int promptLine, List<Line> lines) {
        public Section {
            lines = List.copyOf(lines);
        }
    }

    private final List<Section> sections;

    private Transcript(List<Section> sections) {
        this.sections = List.copyOf(sections);
    }

    public static Transcript of(String text) {
        List<Section> out = new ArrayList<>();
        String command = null;
        int promptLine = 0;
        List<Line> current = new ArrayList<>();
        int n = 0;
        int start = 0;
        int len = text == null ? 0 : text.length();
        while (text != null && start <= len) {
            int end = text.indexOf('\n', start);
            if (end < 0) end = len;
            n++;
            String line = text.substring(start, end);
            if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') line = line.substring(0, line.length() - 1);
            start = end + 1;
            String cmd = promptCommand(line);
            if (cmd != null) {
                if (command != null || !current.isEmpty()) out.add(new Section(command, promptLine, current));
                command = cmd;
                promptLine = n;
                current = new ArrayList<>();
            } else if (!blank(line) && !isComment(line)) {
                current.add(new Line(n, line));
            }
            if (end == len) break;
        }
        if (command != null || !current.isEmpty()) out.add(new Section(command, promptLine, current));
        return new Transcript(out);
    }

    public List<Section> sections() {
        return sections;
    }

    /** Every output line of every section, in file order (prompts and blank lines removed). */
    public List<Line> lines() {
        List<Line> all = new ArrayList<>();
        for (Section s : sections) all.addAll(s.lines());
        return all;
    }

    /**
     * The shell command on a prompt line, or null when the line is not a prompt. Recognised prompts are the ones
     * operators paste: {@code [user@host dir]# cmd}, {@code user@host:dir$ cmd}, {@code $ cmd}.
     */
    public static String promptCommand(String line) {
        if (line.startsWith("[")) {
            int close = line.indexOf(']');
            if (close > 1 && line.substring(1, close).contains("@") && close + 1 < line.length()) {
                char c = line.charAt(close + 1);
                if (c == '#' || c == '$') return line.substring(close + 2).trim();
            }
            return null;
        }
        if (line.startsWith("$ ")) return line.substring(2).trim();
        int at = line.indexOf('@');
        if (at > 0 && at < line.indexOf(':', at) && line.indexOf(' ') > at) {
            int sp = line.indexOf(' ');
            char c = line.charAt(sp - 1);
            if ((c == '#' || c == '$') && line.substring(0, at).chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_' || ch == '-')) {
                return line.substring(sp + 1).trim();
            }
        }
        return null;
    }

    /** The host name in a prompt such as {@code [root@mcwk8s05 ~]#}, or null. */
    public static String promptHost(String line) {
        if (promptCommand(line) == null) return null;
        int at = line.indexOf('@');
        int end = at + 1;
        while (end < line.length() && " :]".indexOf(line.charAt(end)) < 0) end++;
        return at < 0 ? null : line.substring(at + 1, end);
    }

    /** Blank as the tokenizers see it: nothing above a space (control characters included). */
    static boolean blank(String line) {
        for (int i = 0; i < line.length(); i++) if (line.charAt(i) > ' ') return false;
        return true;
    }

    /** True for a {@code # comment} line an operator wrote between outputs. */
    static boolean isComment(String line) {
        return line.startsWith("#");
    }
}
