package dev.kubepath.ingest;

import java.util.Arrays;

/** Whitespace splitting without regular expressions: the route and rule parsers call it once per line. */
final class Tokens {
    private Tokens() {}

    static String[] split(String line) {
        String[] out = new String[16];
        int n = 0;
        int i = 0;
        int len = line.length();
        while (i < len) {
            while (i < len && line.charAt(i) <= ' ') i++;
            if (i >= len) break;
            int start = i;
            while (i < len && line.charAt(i) > ' ') i++;
            if (n == out.length) out = Arrays.copyOf(out, n * 2);
            out[n++] = line.substring(start, i);
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    static int parseInt(String s, String what) {
        if (s.isEmpty() || s.length() > 10) throw new IllegalArgumentException("'" + s + "' is not a valid " + what);
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') throw new IllegalArgumentException("'" + s + "' is not a valid " + what + " (expected a number)");
            v = v * 10 + (c - '0');
        }
        if (v > Integer.MAX_VALUE) throw new IllegalArgumentException("'" + s + "' is too large for a " + what);
        return (int) v;
    }

    static int parseIntOr(String s, int fallback) {
        try {
            return parseInt(s, "number");
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }
}
