package dev.kubepath.shell;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The text tools an operator pipes into: GNU grep, head, tail, wc, sort, uniq and awk's {@code print}, each with the
 * options operators use and each tool's own words for a mistake. {@code files} reads a file operand (the host's
 * simulated files); standard input is the previous command's output.
 */
final class Filters {
    private final Function<String, Optional<String>> files;

    Filters(Function<String, Optional<String>> files) {
        this.files = files;
    }

    static boolean knows(String command) {
        return switch (command) {
            case "grep", "egrep", "head", "tail", "wc", "sort", "uniq", "awk" -> true;
            default -> false;
        };
    }

    String run(List<String> argv, String input) {
        List<String> a = argv.subList(1, argv.size());
        return switch (argv.get(0)) {
            case "grep" -> grep(a, input, false);
            case "egrep" -> grep(a, input, true);
            case "head" -> headTail("head", a, input);
            case "tail" -> headTail("tail", a, input);
            case "wc" -> wc(a, input);
            case "sort" -> sort(a, input);
            case "uniq" -> uniq(a, input);
            case "awk" -> awk(a, input);
            default -> throw new IllegalStateException("not a filter: " + argv.get(0));
        };
    }

    private static String fail(String text) {
        throw new ToolError(text, 2);
    }

    // ---- grep -------------------------------------------------------------------------------------------------

    private static final String GREP_USAGE = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n";

    // long: GNU grep's option reading (long, bundled short, -NUM) with its exact messages, then the match; one getopt loop
    private String grep(List<String> a, String input, boolean extended) {
        boolean invert = false, ignoreCase = false, word = false, count = false, numbers = false, fixed = false, onlyMatching = false;
        int before = 0, after = 0;
        List<String> patterns = new ArrayList<>();
        List<String> operands = new ArrayList<>();
        boolean options = true;
        for (int i = 0; i < a.size(); i++) {
            String s = a.get(i);
            if (!options || !s.startsWith("-") || s.equals("-")) {
                operands.add(s);
                continue;
            }
            if (s.equals("--")) {
                options = false;
                continue;
            }
            if (s.startsWith("--")) {
                String name = s.contains("=") ? s.substring(2, s.indexOf('=')) : s.substring(2);
                String value = s.contains("=") ? s.substring(s.indexOf('=') + 1) : null;
                switch (name) {
                    case "invert-match" -> invert = true;
                    case "ignore-case" -> ignoreCase = true;
                    case "word-regexp" -> word = true;
                    case "count" -> count = true;
                    case "line-number" -> numbers = true;
                    case "extended-regexp" -> extended = true;
                    case "fixed-strings" -> fixed = true;
                    case "only-matching" -> onlyMatching = true;
                    case "context", "after-context", "before-context", "regexp" -> {
                        if (value == null) {
                            if (i + 1 >= a.size()) return fail("grep: option '--" + name + "' requires an argument\n" + GREP_USAGE);
                            value = a.get(++i);
                        }
                        if (name.equals("regexp")) {
                            patterns.add(value);
                            continue;
                        }
                        int n = contextLength(value);
                        if (n < 0) return fail("grep: " + value + ": invalid context length argument\n");
                        if (!name.equals("after-context")) before = n;
                        if (!name.equals("before-context")) after = n;
                    }
                    default -> {
                        return fail("grep: unrecognized option '" + s + "'\n" + GREP_USAGE);
                    }
                }
                continue;
            }
            for (int j = 1; j < s.length(); j++) {
                char c = s.charAt(j);
                switch (c) {
                    case 'v' -> invert = true;
                    case 'i', 'y' -> ignoreCase = true;
                    case 'w' -> word = true;
                    case 'c' -> count = true;
                    case 'n' -> numbers = true;
                    case 'E' -> extended = true;
                    case 'G' -> extended = false;
                    case 'F' -> fixed = true;
                    case 'o' -> onlyMatching = true;
                    case 'A', 'B', 'C', 'e' -> {
                        String value;
                        if (j + 1 < s.length()) value = s.substring(j + 1);
                        else if (i + 1 < a.size()) value = a.get(++i);
                        else return fail("grep: option requires an argument -- '" + c + "'\n" + GREP_USAGE);
                        if (c == 'e') patterns.add(value);
                        else {
                            int n = contextLength(value);
                            if (n < 0) return fail("grep: " + value + ": invalid context length argument\n");
                            if (c != 'A') before = n;
                            if (c != 'B') after = n;
                        }
                        j = s.length();
                    }
                    default -> {
                        if (Character.isDigit(c)) { // -5 is -C 5
                            int end = j;
                            while (end < s.length() && Character.isDigit(s.charAt(end))) end++;
                            before = after = Integer.parseInt(s.substring(j, Math.min(end, j + 9)));
                            j = end - 1;
                        } else {
                            return fail("grep: invalid option -- '" + c + "'\n" + GREP_USAGE);
                        }
                    }
                }
            }
        }
        if (patterns.isEmpty()) {
            if (operands.isEmpty()) return fail(GREP_USAGE);
            patterns.add(operands.remove(0));
        }
        Pattern p;
        try {
            p = compile(patterns, extended, fixed, ignoreCase, word);
        } catch (PatternSyntaxException e) {
            return fail("grep: " + regexError(e) + "\n");
        }
        if (operands.isEmpty()) return grepText(input, p, invert, count, numbers, onlyMatching, before, after, "");
        StringBuilder sb = new StringBuilder();
        for (String f : operands) {
            Optional<String> text = f.equals("-") ? Optional.of(input) : files.apply(f);
            if (text.isEmpty()) {
                sb.append("grep: ").append(f).append(": No such file or directory\n");
                continue;
            }
            sb.append(grepText(text.get(), p, invert, count, numbers, onlyMatching, before, after, operands.size() > 1 ? f : ""));
        }
        return sb.toString();
    }

    private static int contextLength(String s) {
        if (!s.matches("\\d{1,9}")) return -1;
        return Integer.parseInt(s);
    }

    private static Pattern compile(List<String> patterns, boolean extended, boolean fixed, boolean ignoreCase, boolean word) {
        List<String> alternatives = new ArrayList<>();
        for (String pattern : patterns) {
            for (String one : pattern.split("\n", -1)) {
                String re = fixed ? Pattern.quote(one) : extended ? ere(one) : bre(one);
                alternatives.add(word ? "(?<![\\w])(?:" + re + ")(?![\\w])" : re);
            }
        }
        return Pattern.compile(String.join("|", alternatives), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
    }

    /** A POSIX basic regular expression in Java's syntax: + ? | ( ) { } are literal unless escaped. */
    static String bre(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                if ("+?|(){}".indexOf(n) >= 0) sb.append(n);
                else sb.append('\\').append(n);
            } else if ("+?|(){}".indexOf(c) >= 0) {
                sb.append('\\').append(c);
            } else if (c == '*' && (i == 0 || (i == 1 && s.charAt(0) == '^'))) {
                sb.append("\\*"); // a leading * is literal in a BRE
            } else {
                sb.append(c);
            }
        }
        return posixClasses(sb.toString());
    }

    /** A POSIX extended regular expression in Java's syntax (the two agree on what operators use). */
    static String ere(String s) {
        return posixClasses(s);
    }

    private static String posixClasses(String re) {
        return re.replace("[:digit:]", "\\d").replace("[:space:]", "\\s").replace("[:alpha:]", "\\p{Alpha}")
                .replace("[:alnum:]", "\\p{Alnum}").replace("[:upper:]", "\\p{Upper}").replace("[:lower:]", "\\p{Lower}")
                .replace("[:punct:]", "\\p{Punct}").replace("[:xdigit:]", "\\p{XDigit}").replace("[:blank:]", " \\t");
    }

    /** GNU grep's words for the mistakes Java's regex compiler reports. */
    private static String regexError(PatternSyntaxException e) {
        String d = e.getDescription();
        if (d.contains("Unclosed character class")) return "Unmatched [, [^, [:, [., or [=";
        if (d.contains("Unclosed group")) return "Unmatched ( or \\(";
        if (d.contains("Unmatched closing ')'")) return "Unmatched ) or \\)";
        if (d.contains("Dangling meta character")) return "Invalid preceding regular expression";
        if (d.contains("Illegal repetition") || d.contains("Unclosed counted closure")) return "Unmatched \\{";
        if (d.contains("Unexpected internal error") || d.contains("escape sequence")) return "Trailing backslash";
        return "Invalid regular expression";
    }

    private static String grepText(String text, Pattern p, boolean invert, boolean count, boolean numbers, boolean onlyMatching,
                                   int before, int after, String file) {
        List<String> lines = text.lines().toList();
        boolean[] match = new boolean[lines.size()];
        int matches = 0;
        for (int i = 0; i < lines.size(); i++) {
            match[i] = p.matcher(lines.get(i)).find() != invert;
            if (match[i]) matches++;
        }
        String prefix = file.isEmpty() ? "" : file + ":";
        if (count) return prefix + matches + "\n";
        StringBuilder sb = new StringBuilder();
        if (onlyMatching) {
            for (int i = 0; i < lines.size(); i++) {
                if (!match[i] || invert) continue;
                var m = p.matcher(lines.get(i));
                while (m.find()) if (!m.group().isEmpty()) sb.append(prefix).append(numbers ? (i + 1) + ":" : "").append(m.group()).append('\n');
            }
            return sb.toString();
        }
        boolean[] keep = new boolean[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            if (!match[i]) continue;
            for (int j = Math.max(0, i - before); j <= Math.min(lines.size() - 1, i + after); j++) keep[j] = true;
        }
        int last = -1; // the last line printed
        for (int i = 0; i < lines.size(); i++) {
            if (!keep[i]) continue;
            if (last >= 0 && i > last + 1 && (before > 0 || after > 0)) sb.append("--\n");
            sb.append(line(file, numbers, i, match[i] ? ':' : '-', lines.get(i)));
            last = i;
        }
        return sb.toString();
    }

    private static String line(String file, boolean numbers, int index, char sep, String text) {
        return (file.isEmpty() ? "" : file + sep) + (numbers ? (index + 1) + String.valueOf(sep) : "") + text + "\n";
    }

    // ---- head, tail -------------------------------------------------------------------------------------------

    private String headTail(String tool, List<String> a, String input) {
        long n = 10;
        boolean fromStart = false; // tail -n +N
        List<String> operands = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            String s = a.get(i);
            String value = null;
            if (s.equals("-n") || s.equals("--lines")) {
                if (i + 1 >= a.size()) return fail(tool + ": option requires an argument -- 'n'\nTry '" + tool + " --help' for more information.\n");
                value = a.get(++i);
            } else if (s.startsWith("--lines=")) value = s.substring(8);
            else if (s.startsWith("-n")) value = s.substring(2);
            else if (s.matches("-\\d+")) value = s.substring(1);
            else if (s.startsWith("-") && s.length() > 1) {
                return fail(s.startsWith("--") ? tool + ": unrecognized option '" + s + "'\nTry '" + tool + " --help' for more information.\n"
                        : tool + ": invalid option -- '" + s.charAt(1) + "'\nTry '" + tool + " --help' for more information.\n");
            } else {
                operands.add(s);
                continue;
            }
            String digits = value;
            if (tool.equals("tail") && digits.startsWith("+")) {
                fromStart = true;
                digits = digits.substring(1);
            } else if (digits.startsWith("+") || digits.startsWith("-")) digits = digits.substring(1);
            if (!digits.matches("\\d{1,18}")) return fail(tool + ": invalid number of lines: '" + value + "'\n");
            n = Long.parseLong(digits);
        }
        StringBuilder sb = new StringBuilder();
        List<String> texts = new ArrayList<>();
        if (operands.isEmpty()) texts.add(input);
        for (String f : operands) {
            Optional<String> t = files.apply(f);
            if (t.isEmpty()) sb.append(tool).append(": cannot open '").append(f).append("' for reading: No such file or directory\n");
            else texts.add(t.get());
        }
        for (String text : texts) {
            List<String> lines = text.lines().toList();
            int size = lines.size();
            List<String> keep;
            if (tool.equals("head")) keep = lines.subList(0, (int) Math.min(n, size));
            else if (fromStart) keep = lines.subList((int) Math.min(Math.max(n - 1, 0), size), size);
            else keep = lines.subList((int) Math.max(0, size - Math.min(n, size)), size);
            for (String l : keep) sb.append(l).append('\n');
        }
        return sb.toString();
    }

    // ---- wc ---------------------------------------------------------------------------------------------------

    private static String wc(List<String> a, String input) {
        boolean lines = false, words = false, chars = false;
        for (String s : a) {
            if (s.startsWith("--")) {
                switch (s) {
                    case "--lines" -> lines = true;
                    case "--words" -> words = true;
                    case "--bytes", "--chars" -> chars = true;
                    default -> {
                        return fail("wc: unrecognized option '" + s + "'\nTry 'wc --help' for more information.\n");
                    }
                }
                continue;
            }
            if (!s.startsWith("-")) return fail("wc: " + s + ": No such file or directory\n");
            for (char c : s.substring(1).toCharArray()) {
                switch (c) {
                    case 'l' -> lines = true;
                    case 'w' -> words = true;
                    case 'c', 'm' -> chars = true;
                    default -> {
                        return fail("wc: invalid option -- '" + c + "'\nTry 'wc --help' for more information.\n");
                    }
                }
            }
        }
        long nl = input.chars().filter(c -> c == '\n').count();
        long nw = input.isBlank() ? 0 : input.strip().split("\\s+").length;
        long nc = input.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        List<Long> shown = new ArrayList<>();
        boolean all = !lines && !words && !chars;
        if (lines || all) shown.add(nl);
        if (words || all) shown.add(nw);
        if (chars || all) shown.add(nc);
        if (shown.size() == 1) return shown.get(0) + "\n";
        // on standard input GNU wc pads every count to 7 columns
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shown.size(); i++) sb.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%7d", shown.get(i)));
        return sb.append('\n').toString();
    }

    // ---- sort, uniq -------------------------------------------------------------------------------------------

    /** sort in the C locale (byte order): -n, -r, -u, -k N, -t C. */
    private static String sort(List<String> a, String input) {
        boolean numeric = false, reverse = false, unique = false;
        int key = 0, keyEnd = 0;
        String sep = null;
        for (int i = 0; i < a.size(); i++) {
            String s = a.get(i);
            if (s.startsWith("-k") || s.startsWith("-t")) {
                String v;
                if (s.length() > 2) v = s.substring(2);
                else if (i + 1 < a.size()) v = a.get(++i);
                else return fail("sort: option requires an argument -- '" + s.charAt(1) + "'\nTry 'sort --help' for more information.\n");
                if (s.startsWith("-t")) sep = v;
                else {
                    String field = v.replaceAll("[,.].*$", "").replaceAll("[a-zA-Z]+$", "");
                    if (!field.matches("\\d{1,6}") || field.equals("0")) return fail("sort: invalid number at field start: invalid count at start of '" + v + "'\n");
                    key = Integer.parseInt(field);
                    String last = v.contains(",") ? v.substring(v.indexOf(',') + 1).replaceAll("[.a-zA-Z].*$", "") : "";
                    keyEnd = last.matches("\\d{1,6}") ? Integer.parseInt(last) : 0;
                    if (v.matches(".*n.*")) numeric = true;
                    if (v.matches(".*r.*")) reverse = true;
                }
                continue;
            }
            if (!s.startsWith("-") || s.length() < 2) return fail("sort: cannot read: " + s + ": No such file or directory\n");
            for (char c : s.substring(1).toCharArray()) {
                switch (c) {
                    case 'n', 'g', 'h', 'V' -> numeric = true;
                    case 'r' -> reverse = true;
                    case 'u' -> unique = true;
                    default -> {
                        return fail("sort: invalid option -- '" + c + "'\nTry 'sort --help' for more information.\n");
                    }
                }
            }
        }
        final int k = key, end = keyEnd;
        final String t = sep;
        Function<String, String> field = l -> k == 0 ? l : sortKey(l, k, end, t);
        Comparator<String> byKey = numeric ? Comparator.comparingDouble(l -> leadingNumber(field.apply(l))) : Comparator.comparing(field);
        Comparator<String> order = byKey.thenComparing(Comparator.naturalOrder());
        if (reverse) order = order.reversed();
        List<String> lines = new ArrayList<>(input.lines().toList());
        lines.sort(order);
        StringBuilder sb = new StringBuilder();
        String previous = null;
        for (String l : lines) {
            if (unique && previous != null && byKey.compare(previous, l) == 0) continue;
            sb.append(l).append('\n');
            previous = l;
        }
        return sb.toString();
    }

    /**
     * GNU sort's key -kN[,M]: from the start of field N to the end of field M (or of the line). Without -t a field is
     * its leading blanks and the word after them, so the blanks count in the comparison, as GNU sort does without -b.
     */
    static String sortKey(String line, int from, int to, String sep) {
        List<int[]> fields = new ArrayList<>();
        if (sep != null) {
            int start = 0;
            for (int i = 0; i <= line.length(); i++) {
                if (i == line.length() || line.startsWith(sep, i)) {
                    fields.add(new int[]{start, i});
                    start = i + sep.length();
                    if (i == line.length()) break;
                }
            }
        } else {
            int i = 0;
            while (i < line.length()) {
                int start = i;
                while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) i++;
                while (i < line.length() && line.charAt(i) != ' ' && line.charAt(i) != '\t') i++;
                fields.add(new int[]{start, i});
            }
        }
        if (from > fields.size()) return "";
        int begin = fields.get(from - 1)[0];
        int end = to == 0 || to > fields.size() ? line.length() : fields.get(to - 1)[1];
        return end <= begin ? "" : line.substring(begin, end);
    }

    private static double leadingNumber(String s) {
        var m = Pattern.compile("^\\s*-?\\d+(\\.\\d+)?").matcher(s);
        return m.find() ? Double.parseDouble(m.group().strip()) : 0;
    }

    private static String uniq(List<String> a, String input) {
        boolean count = false, repeated = false, single = false;
        for (String s : a) {
            if (!s.startsWith("-") || s.length() < 2) return fail("uniq: " + s + ": No such file or directory\n");
            for (char c : s.substring(1).toCharArray()) {
                switch (c) {
                    case 'c' -> count = true;
                    case 'd' -> repeated = true;
                    case 'u' -> single = true;
                    default -> {
                        return fail("uniq: invalid option -- '" + c + "'\nTry 'uniq --help' for more information.\n");
                    }
                }
            }
        }
        Map<Integer, String> runs = new LinkedHashMap<>();
        List<Integer> counts = new ArrayList<>();
        String previous = null;
        for (String l : input.lines().toList()) {
            if (l.equals(previous)) {
                counts.set(counts.size() - 1, counts.get(counts.size() - 1) + 1);
                continue;
            }
            runs.put(counts.size(), l);
            counts.add(1);
            previous = l;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < counts.size(); i++) {
            int c = counts.get(i);
            if (repeated && c < 2 || single && c > 1) continue;
            if (count) sb.append(String.format(Locale.ROOT, "%7d ", c));
            sb.append(runs.get(i)).append('\n');
        }
        return sb.toString();
    }

    // ---- awk --------------------------------------------------------------------------------------------------

    private static final Pattern AWK_PROGRAM = Pattern.compile("\\s*(?:/((?:[^/\\\\]|\\\\.)*)/\\s*)?\\{\\s*print\\s*([^}]*?)\\s*;?\\s*}\\s*");

    /**
     * awk's {@code [/REGEX/] {print $N, ...}} with {@code -F SEP}: the programs operators pipe into. Anything else is
     * beyond this shell, and it says so rather than guess what awk would print.
     */
    private static String awk(List<String> a, String input) {
        String sep = null;
        String program = null;
        for (int i = 0; i < a.size(); i++) {
            String s = a.get(i);
            if (s.equals("-F")) {
                if (i + 1 >= a.size()) return fail("awk: option requires an argument -- F\n");
                sep = a.get(++i);
            } else if (s.startsWith("-F")) sep = s.substring(2);
            else if (program == null) program = s;
            else return fail("awk: cannot open " + s + " (No such file or directory)\n");
        }
        if (program == null) return fail("Usage: awk [POSIX or GNU style options] -f progfile [--] file ...\nUsage: awk [POSIX or GNU style options] [--] 'program' file ...\n");
        var m = AWK_PROGRAM.matcher(program);
        if (!m.matches()) return fail("kubepath shell: awk: only '[/REGEX/] {print $N, ...}' programs are simulated\n");
        Pattern guard;
        try {
            guard = m.group(1) == null ? null : Pattern.compile(ere(m.group(1)));
        } catch (PatternSyntaxException e) {
            return fail("awk: cmd. line:1: " + program + "\nawk: cmd. line:1: regular expression is invalid\n");
        }
        List<String> items = splitPrintList(m.group(2));
        StringBuilder sb = new StringBuilder();
        for (String line : input.lines().toList()) {
            if (guard != null && !guard.matcher(line).find()) continue;
            String[] f = sep == null ? (line.isBlank() ? new String[0] : line.strip().split("[ \\t]+"))
                    : line.split(sep.equals(" ") ? "[ \\t]+" : Pattern.quote(sep.equals("\\t") ? "\t" : sep), -1);
            List<String> out = new ArrayList<>();
            for (String item : items) {
                String v = field(item, f, line);
                if (v == null) return fail("kubepath shell: awk: only $N, $NF, $0 and \"strings\" are simulated in print, not '" + item + "'\n");
                out.add(v);
            }
            sb.append(items.isEmpty() ? line : String.join(" ", out)).append('\n');
        }
        return sb.toString();
    }

    private static List<String> splitPrintList(String list) {
        List<String> items = new ArrayList<>();
        for (String s : list.split(",")) if (!s.isBlank()) items.add(s.strip());
        return items;
    }

    private static String field(String item, String[] f, String line) {
        if (item.matches("\"[^\"]*\"")) return item.substring(1, item.length() - 1);
        if (item.equals("$0")) return line;
        if (item.equals("$NF")) return f.length == 0 ? line : f[f.length - 1];
        if (item.matches("\\$\\(NF-\\d+\\)")) {
            int back = Integer.parseInt(item.replaceAll("\\D", ""));
            return f.length - 1 - back >= 0 ? f[f.length - 1 - back] : "";
        }
        if (item.matches("\\$\\d{1,6}")) {
            int n = Integer.parseInt(item.substring(1));
            return n == 0 ? line : n <= f.length ? f[n - 1] : "";
        }
        return null;
    }
}
