package dev.kubepath.net;

/** An IPv4 address held as its 32 bits; compares as an unsigned number. */
public record Ipv4(int bits) implements Comparable<Ipv4> {
    public static final Ipv4 ANY = new Ipv4(0);

    /** Parses dotted-quad text; throws {@link IllegalArgumentException} naming the text otherwise. */
    public static Ipv4 parse(String text) {
        int value = 0, octets = 0, current = -1;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                current = (current < 0 ? 0 : current * 10) + (c - '0');
                if (current > 255) throw bad(text);
            } else if (c == '.' && current >= 0 && octets < 4) {
                value = (value << 8) | current;
                octets++;
                current = -1;
            } else {
                throw bad(text);
            }
        }
        if (octets != 4) throw bad(text);
        return new Ipv4(value);
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("'" + text + "' is not an IPv4 address (expected a.b.c.d)");
    }

    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public Ipv4 plus(int n) {
        return new Ipv4(bits + n);
    }

    public long unsigned() {
        return bits & 0xFFFFFFFFL;
    }

    @Override
    public int compareTo(Ipv4 o) {
        return Integer.compareUnsigned(bits, o.bits);
    }

    // equals, hashCode and toString written out, with the values the record's own give: those go through method
    // handles (ObjectMethods, StringConcatFactory), which the first JIT tier that one-shot runs use (the launcher's
    // C1 only) calls through as such; addresses are map keys in every check, millions of lookups on a big bundle
    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv4 other && other.bits == bits;
    }

    @Override
    public int hashCode() {
        return bits;
    }

    @Override
    public String toString() {
        return new StringBuilder(15).append((bits >>> 24) & 255).append('.').append((bits >>> 16) & 255).append('.')
                .append((bits >>> 8) & 255).append('.').append(bits & 255).toString();
    }
}
