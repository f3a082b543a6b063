package dev.kubepath.ingest;

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
