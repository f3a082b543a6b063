package dev.kubepath.ingest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one file block by block and accounts for every line of it: each line is read (given to the parser of its
 * block's format, which did not reject it), non-data (a prompt, a continuation, a blank, a comment, a Markdown
 * fence), or a problem with its file and line. A block whose command prints nothing kubepath reads, or whose
 * parser gave nothing at all, is reported here, once for all parsers: no line is lost without a word.
 */
public final class LineLedger {
    /** What became of a line. */
    public enum Status { READ, NON_DATA, PROBLEM }

    /**
     * What was read from one file.
     *
     * @param value    the merged value of every block's parser (null when nothing was read)
     * @param problems the parsers' problems, the blocks not read, and notes on Markdown debris
     * @param status   per line (index 0 is line 1)
     * @param formats  the format of each block that was read, by its first line
     */
    public record Result(Object value, List<ParseProblem> problems, Status[] status, Map<Integer, String> formats) {
        public long count(Status s) {
            return Arrays.stream(status).filter(x -> x == s).count();
        }
    }

    private LineLedger() {}

    /**
     * Reads {@code text} as the bundle file {@code fileName}, choosing each block's format among {@code candidates}
     * ({@link Formats#forFile}). A block with no prompt and no signature goes to {@code fallback} (the file's own
     * parser, which then reports what it cannot read).
     */
    // Long on purpose: two passes (choose each block's format, then run each format's parser on its blocks) that both
    // write the same per-line status and problem list, so every line of the file ends read, non-data or a problem.
    public static Result read(String fileName, String text, List<Formats.Format> candidates, Formats.Format fallback) {
        Transcript t = Transcript.of(text);
        Status[] status = new Status[t.lineCount()];
        for (Transcript.NonData d : t.nonData()) status[d.number() - 1] = Status.NON_DATA;
        List<ParseProblem> problems = new ArrayList<>();
        for (Transcript.Note n : t.notes()) problems.add(new ParseProblem(name(fileName), n.number(), "note: " + n.message()));
        Map<Formats.Format, List<Formats.Block>> groups = new LinkedHashMap<>();
        Map<Integer, String> formats = new LinkedHashMap<>();
        boolean excluded = false;
        List<Formats.Block> blocks = Formats.blocks(t, candidates);
        for (Formats.Block b : blocks) {
            if (b.lines().isEmpty()) continue;
            Formats.Format f = Formats.of(b, candidates);
            // a command whose output belongs in another file (route -n pasted into addr.txt) is not read here; any
            // other block goes to the file's own parser, which reads what it knows and reports the rest
            Formats.Format elsewhere = f == null && b.command() != null ? Formats.of(b, Formats.ALL) : null;
            if (elsewhere != null && (fallback == null || !elsewhere.file().equals(fallback.file()))) {
                problems.add(new ParseProblem(name(fileName), b.firstLine(), span(b) + "output of '" + b.command().text()
                        + "' not read: its output belongs in " + elsewhere.file()));
                mark(status, b, Status.PROBLEM);
                excluded = true;
                continue;
            }
            // a block that belongs in this file is read by the file's own parser (which tells its forms apart and may
            // need more than the text, as iptables.txt needs ipset.txt); the registry decides which blocks belong
            if (f == null || fallback != null && f.file().equals(fallback.file())) f = fallback;
            if (f == null) {
                problems.add(new ParseProblem(name(fileName), b.firstLine(), span(b) + "not read: no format kubepath reads was recognised"));
                mark(status, b, Status.PROBLEM);
                excluded = true;
                continue;
            }
            groups.computeIfAbsent(f, k -> new ArrayList<>()).add(b);
            formats.put(b.firstLine(), f.name());
        }
        if (groups.isEmpty() && !excluded && fallback != null) groups.put(fallback, List.of()); // no output: an empty file says "none"
        String[] lines = groups.size() <= 1 ? null : text.split("\n", -1);
        Object value = null;
        for (Map.Entry<Formats.Format, List<Formats.Block>> g : groups.entrySet()) {
            Formats.Format f = g.getKey();
            boolean whole = groups.size() == 1 && !excluded; // one format for the whole file: the parser reads it as it is
            String part = whole ? text : only(lines != null ? lines : text.split("\n", -1), g.getValue());
            Parsed<?> parsed;
            try {
                parsed = f.parser().apply(fileName, part);
            } catch (RuntimeException e) { // a parser's bug must not lose the rest of the file
                problems.add(new ParseProblem(name(fileName), g.getValue().isEmpty() ? 0 : g.getValue().get(0).firstLine(), "could not be read as " + f.name() + " (" + e + ")"));
                for (Formats.Block b : g.getValue()) mark(status, b, Status.PROBLEM);
                continue;
            }
            problems.addAll(parsed.problems());
            for (ParseProblem p : parsed.problems()) if (p.line() > 0 && p.line() <= status.length) status[p.line() - 1] = Status.PROBLEM;
            boolean nothing = empty(parsed.value());
            if (nothing && parsed.problems().isEmpty() && !f.emptyIsData() && f != fallback && !g.getValue().isEmpty()) {
                problems.add(new ParseProblem(name(fileName), g.getValue().get(0).firstLine(), span(g.getValue()) + "nothing read as " + f.name()));
                for (Formats.Block b : g.getValue()) mark(status, b, Status.PROBLEM);
                continue;
            }
            for (Formats.Block b : g.getValue()) for (Transcript.Line l : b.lines()) if (status[l.number() - 1] == null) status[l.number() - 1] = Status.READ;
            if (!(nothing && !parsed.problems().isEmpty())) value = merge(value, parsed.value());
        }
        for (int i = 0; i < status.length; i++) if (status[i] == null) status[i] = Status.NON_DATA; // a trailing empty line
        return new Result(value, problems, status, formats);
    }

    private static String name(String file) {
        return file == null || file.isEmpty() ? "<input>" : file;
    }

    private static String span(Formats.Block b) {
        return b.firstLine() == b.lastLine() ? "" : "lines " + b.firstLine() + "-" + b.lastLine() + ": ";
    }

    private static String span(List<Formats.Block> bs) {
        int a = bs.get(0).firstLine(), z = bs.get(bs.size() - 1).lastLine();
        return a == z ? "" : "lines " + a + "-" + z + ": ";
    }

    private static void mark(Status[] status, Formats.Block b, Status s) {
        for (Transcript.Line l : b.lines()) status[l.number() - 1] = s;
    }

    /** The text with only these blocks (and their prompts and continuations) left; other lines blank, numbers kept. */
    private static String only(String[] lines, List<Formats.Block> blocks) {
        String[] out = new String[lines.length];
        Arrays.fill(out, "");
        for (Formats.Block b : blocks) {
            int from = b.command() != null && b.section().promptLine() > 0 ? b.section().promptLine() : b.firstLine();
            for (int i = from; i <= b.lastLine() && i <= lines.length; i++) out[i - 1] = lines[i - 1];
        }
        return String.join("\n", out);
    }

    static boolean empty(Object value) {
        return value == null || value instanceof Collection<?> c && c.isEmpty() || value instanceof Map<?, ?> m && m.isEmpty()
                || value instanceof Interfaces i && i.links().isEmpty() && i.addresses().isEmpty();
    }

    /** Two blocks' values of one file together: lists joined, maps joined, devices and addresses joined. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object merge(Object a, Object b) {
        if (a == null) return b;
        if (b == null) return a;
        if (a instanceof List la && b instanceof List lb) {
            List out = new ArrayList(la);
            out.addAll(lb);
            return out;
        }
        if (a instanceof Map ma && b instanceof Map mb) {
            Map out = new LinkedHashMap(ma);
            out.putAll(mb);
            return out;
        }
        if (a instanceof Interfaces ia && b instanceof Interfaces ib) {
            List<dev.kubepath.model.Link> links = new ArrayList<>(ia.links());
            links.addAll(ib.links());
            List<dev.kubepath.model.IfAddress> addrs = new ArrayList<>(ia.addresses());
            addrs.addAll(ib.addresses());
            return new Interfaces(links, addrs);
        }
        return b; // one value per file (subnet.env, flannel config): the last block's
    }
}
