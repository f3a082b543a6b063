package dev.kubepath.ingest;

import java.util.List;

/**
 * Whether a host file shows its listing only in part, decided once for every facet from how it was printed: a
 * command piping the listing into a filter ({@code ip a | grep eth1}, {@code route -n | head},
 * {@code iptables-save | grep -v DOCKER}: {@link Command#filter()}), or, with no command shown, grep's {@code --}
 * separator between matches. The lines shown are read as observed facts; the facet stays unknown
 * ({@link dev.kubepath.model.Filtered}). A file also holding an unfiltered output of the listing is whole.
 */
public final class Partial {
    private Partial() {}

    /** What shows the text is partial (the command as typed, or grep's separator), or null when it is whole. */
    public static String shownBy(String text) {
        if (text == null) return null;
        // the common case, without a second parse: the transcript just made of the text has looked for both already
        Transcript read = Transcript.ifRead(text);
        if (read != null ? !read.mayShowPart() : text.indexOf('|') < 0 && !text.contains("\n--")) return null;
        String by = null;
        for (Transcript.Section s : Transcript.of(text).sections()) {
            if (s.lines().stream().allMatch(l -> l.text().isBlank() || Transcript.isComment(l.text().trim()))) continue;
            String f = of(s);
            if (f == null) return null; // an output of the whole listing
            if (by == null) by = f;
        }
        return by;
    }

    /**
     * How a Kubernetes listing shows its objects in part ({@link dev.kubepath.model.PartialListing}): a filter as for
     * a host file, or kubectl's own narrowing of {@code kubectl get}: a label or field selector, objects named, or one
     * namespace (no {@code -A}), in which case {@code namespace} is the one shown. Null when some output of the
     * file is the whole listing, or no command shows how it was printed.
     *
     * @param by        the command as typed, or what told the output was filtered
     * @param namespace the namespace shown when kubectl's namespace is the only narrowing, else null
     * @param line      the line of the command (or of grep's separator) in the text
     */
    public record Shown(String by, String namespace, int line) {}

    public static Shown listing(String text) {
        if (text == null) return null;
        Shown out = null;
        for (Transcript.Section s : Transcript.of(text).sections()) {
            if (s.lines().stream().allMatch(l -> l.text().isBlank() || Transcript.isComment(l.text().trim()))) continue;
            Shown x = listing(s);
            if (x == null) return null; // an output of the whole listing
            // of several narrowed outputs, one narrowed only to a namespace shows that namespace whole
            if (out == null || out.namespace() == null && x.namespace() != null) out = x;
        }
        return out;
    }

    private static Shown listing(Transcript.Section s) {
        String filter = of(s);
        if (filter != null) {
            int line = s.typed() != null && s.typed().filter() != null ? s.promptLine() : separatorLine(s);
            return new Shown(filter, null, line);
        }
        Command c = s.typed();
        if (c == null || !c.tool().equals("kubectl")) return null;
        List<String> ops = c.operands();
        if (ops.isEmpty() || !ops.get(0).equals("get")) return null;
        boolean named = ops.size() > 2 || ops.size() == 2 && ops.get(1).contains("/"); // kubectl get pods web-1, get pod/web-1
        if (named || c.has("-l") || c.has("--selector") || c.has("--field-selector")) return new Shown(c.raw(), null, s.promptLine());
        if (c.has("-A") || c.has("--all-namespaces")) return null;
        return new Shown(c.raw(), namespaceOf(c), s.promptLine());
    }

    /** The namespace kubectl was told ({@code -n NS}, {@code --namespace=NS}); {@code default} without one, as the table reader records it. */
    private static String namespaceOf(Command c) {
        List<String> a = c.args();
        for (int i = 0; i < a.size(); i++) {
            String x = a.get(i);
            if (x.equals("|")) break;
            if ((x.equals("-n") || x.equals("--namespace")) && i + 1 < a.size()) return a.get(i + 1);
            if (x.startsWith("--namespace=")) return x.substring("--namespace=".length());
            if (x.startsWith("-n=")) return x.substring(3);
            if (x.startsWith("-n") && x.length() > 2 && !x.startsWith("--")) return x.substring(2);
        }
        return "default";
    }

    private static int separatorLine(Transcript.Section s) {
        for (Transcript.Line l : s.lines()) if (l.text().trim().equals("--")) return l.number();
        return s.promptLine();
    }

    /** What shows one command's output is partial, or null. */
    static String of(Transcript.Section s) {
        Command c = s.typed();
        if (c != null && c.filter() != null) return c.raw();
        for (Transcript.Line l : s.lines()) {
            if (l.text().trim().equals("--")) return "a grep (its '--' separator on line " + l.number() + ")";
        }
        return null;
    }
}
