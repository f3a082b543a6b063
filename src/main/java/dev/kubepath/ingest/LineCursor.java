package dev.kubepath.ingest;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

/**
 * Walks the whitespace-separated words of one line without copying them: the hot route parsers compare keywords
 * and read addresses in place, and only make Strings for device and table names.
 * <p>
 * It reads the line's characters from a Latin-1 copy (a character outside Latin-1 reads as '?', which no keyword,
 * address or number holds): the copy of its whole file a transcript keeps, or one of the line alone. String.charAt
 * checks the index and the string's coding on every character, which was most of a route line's time; an array
 * scanned in a loop is not. Words handed out ({@link #word()}) are the line's own text.
 */
final class LineCursor {
    /** The text the line is in (the line itself, or the whole file a transcript line was cut from). */
    private final String text;
    private final byte[] chars;
    private final int from, n; // the line is text[from, n)
    private int start, end; // the current word is text[start, end)

    LineCursor(String line) {
        this.text = line;
        this.chars = latin1(line);
        this.from = 0;
        this.n = chars.length;
        this.end = 0;
    }

    /**
     * A transcript's output line, read in place in its file's Latin-1 copy when the transcript kept it (no String
     * and no copy made for the line: a route.txt of a big bundle is a million of them).
     */
    LineCursor(Transcript.Line line) {
        if (line.inPlace()) {
            this.text = line.file();
            this.chars = line.fileChars();
            this.from = line.start();
            this.n = line.end();
        } else {
            this.text = line.text();
            this.chars = latin1(text);
            this.from = 0;
            this.n = chars.length;
        }
        this.end = from;
    }

    /** The whole line, as read (for messages). */
    String line() {
        return text.substring(from, n);
    }

    /** The line's first character, or -1 for an empty line. */
    int first() {
        return from < n ? at(from) : -1;
    }

    /** One byte per char of the line: its Latin-1 copy, '?' for any other char (a surrogate pair gives two). */
    private static byte[] latin1(String line) {
        return Transcript.latin1(line);
    }

    /** The character at {@code i} (Latin-1). */
    private char at(int i) {
        return (char) (chars[i] & 0xff);
    }

    /** Advances to the next word; false at the end of the line. */
    boolean next() {
        int i = end;
        while (i < n && at(i) <= ' ') i++;
        if (i >= n) {
            start = end = n;
            return false;
        }
        start = i;
        while (i < n && at(i) > ' ') i++;
        end = i;
        return true;
    }

    /** Back to before the line's first word. */
    void rewind() {
        start = end = from;
    }

    /** The current word is {@code word} (false for null). Compared char by char: keywords are short and most differ at the first. */
    boolean is(String word) {
        int len = end - start;
        if (word == null || len != word.length()) return false;
        for (int i = 0; i < len; i++) if (at(start + i) != word.charAt(i)) return false;
        return true;
    }

    /** The length of the current word. */
    int length() {
        return end - start;
    }

    /** The i-th character of the current word. */
    char charAt(int i) {
        return at(start + i);
    }

    String word() {
        return text.substring(start, end);
    }

    /** The next word, which must exist because {@code key} takes a value. */
    LineCursor value(String key) {
        if (!next()) throw new IllegalArgumentException("'" + key + "' without a value in '" + line().trim() + "'");
        return this;
    }

    boolean contains(char c) {
        for (int i = start; i < end; i++) if (at(i) == c) return true;
        return false;
    }

    /** The word as an IPv4 address (dotted quad), parsed in place. */
    Ipv4 ipv4() {
        int v = ipv4Bits(start, end);
        if (v == BAD_BITS_MARK && !ok) throw new IllegalArgumentException("'" + word() + "' is not an IPv4 address (expected a.b.c.d)");
        return new Ipv4(v);
    }

    /** The word as an IPv4 address's bits (dotted quad), parsed in place, with no Ipv4 made. */
    int ipv4Bits() {
        int v = ipv4Bits(start, end);
        if (v == BAD_BITS_MARK && !ok) throw new IllegalArgumentException("'" + word() + "' is not an IPv4 address (expected a.b.c.d)");
        return v;
    }

    /** The word as an IPv4 address's bits, unsigned, or -1 when it is not a dotted quad (it may be a name). */
    long ipv4OrName() {
        int v = ipv4Bits(start, end);
        return ok ? v & 0xFFFFFFFFL : -1;
    }

    /** The prefix length after the slash at {@code slash}: 0..32, or -1 when it is not one. */
    private int prefixLength(int slash) {
        int digits = end - slash - 1;
        if (digits < 1 || digits > 2) return -1;
        int len = 0;
        for (int i = slash + 1; i < end; i++) {
            char c = at(i);
            if (c < '0' || c > '9') return -1;
            len = len * 10 + (c - '0');
        }
        return len <= 32 ? len : -1;
    }

    /** The word as "a.b.c.d/len", or a bare address as a /32. */
    Prefix prefix() {
        int slash = -1;
        for (int i = start; i < end; i++) if (at(i) == '/') slash = i;
        int addrEnd = slash < 0 ? end : slash;
        int v = ipv4Bits(start, addrEnd);
        if (v == BAD_BITS_MARK && !ok) throw new IllegalArgumentException("'" + word() + "' is not an IPv4 prefix (expected a.b.c.d/len)");
        int len = slash < 0 ? 32 : prefixLength(slash);
        if (len < 0) throw new IllegalArgumentException("'" + word() + "' is not an IPv4 prefix (expected a.b.c.d/len)");
        return Prefix.of(new Ipv4(v), len);
    }

    /** A non-negative decimal number. */
    int number(String what) {
        long v = 0;
        if (end - start < 1 || end - start > 10) throw new IllegalArgumentException("'" + word() + "' is not a valid " + what);
        for (int i = start; i < end; i++) {
            char c = at(i);
            if (c < '0' || c > '9') throw new IllegalArgumentException("'" + word() + "' is not a valid " + what + " (expected a number)");
            v = v * 10 + (c - '0');
        }
        if (v > Integer.MAX_VALUE) throw new IllegalArgumentException("'" + word() + "' is too large for a " + what);
        return (int) v;
    }

    private static final int BAD_BITS_MARK = 0;
    private boolean ok;

    /** Parses a dotted quad in line[from, to); sets ok. Returns 0 (and ok=false) when it is not one. */
    private int ipv4Bits(int from, int to) {
        ok = false;
        int value = 0, octets = 0, current = -1;
        for (int i = from; i <= to; i++) {
            char c = i < to ? at(i) : '.';
            if (c >= '0' && c <= '9') {
                current = (current < 0 ? 0 : current * 10) + (c - '0');
                if (current > 255) return 0;
            } else if (c == '.' && current >= 0 && octets < 4) {
                value = (value << 8) | current;
                octets++;
                current = -1;
            } else {
                return 0;
            }
        }
        ok = octets == 4;
        return ok ? value : 0;
    }
}
