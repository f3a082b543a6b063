package dev.kubepath.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code nft list ruleset} (and {@code nft list table ...}, {@code nft -a ...}): {@code table FAMILY NAME {}}
 * blocks holding chains, named sets and maps, and stateful objects. Read: a base chain's {@code type T hook H
 * priority P; policy X;} line, each rule (one per line; a rule whose braces are not closed continues on the next
 * lines), each set's or map's {@code type} and {@code elements = { ... }} (over several lines). Passed over: table
 * and chain {@code comment}s and {@code flags}, set options (size, timeout, auto-merge, ...), the contents of
 * counters, quotas, flowtables and other stateful objects, and {@code # handle N}. A rule iptables-nft cannot show
 * in nft's language ({@code # xt_addrtype ...}) is a rule like any other here; {@link NftFacts} reports it when it
 * matters. Output cut inside a table is reported at its last line, and what was shown is kept.
 */
public final class NftText {
    private NftText() {}

    private static final Pattern TABLE = Pattern.compile("^table (ip|ip6|inet|arp|bridge|netdev) (\\S+) \\{$");
    private static final Pattern CHAIN = Pattern.compile("^chain (\\S+|\"[^\"]+\") \\{$");
    private static final Pattern SET = Pattern.compile("^(set|map) (\\S+) \\{$");
    /** Stateful objects whose contents say nothing about where packets go. */
    private static final Pattern OBJECT = Pattern.compile("^(counter|quota|limit|flowtable|secmark|synproxy|ct helper|ct timeout|ct expectation) (\\S+) \\{$");
    private static final Pattern HOOK = Pattern.compile("^type (\\w+) hook (\\w+)(?: device \"?[^;\"]+\"?)? priority ([^;]+);(?: policy (\\w+);)?$");
    private static final Pattern HANDLE = Pattern.compile("\\s+# handle \\d+$");
    private static final Set<String> SET_OPTIONS = Set.of("flags", "size", "timeout", "gc-interval", "policy", "auto-merge", "counter", "comment", "typeof");

    private record Line(int number, String text) {}

    public static Parsed<List<Nftables.Table>> parse(String file, String text) {
        Problems problems = new Problems(file);
        List<Line> lines = lines(text);
        List<Nftables.Table> tables = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            Line l = lines.get(i);
            Matcher m = TABLE.matcher(l.text());
            if (!m.matches()) {
                problems.add(l.number(), "expected 'table FAMILY NAME {' (nft list ruleset), got '" + l.text() + "'");
                i++;
                continue;
            }
            i = table(m.group(1), m.group(2), lines, i, problems, tables);
        }
        return problems.result(tables);
    }

    /** The output lines, trimmed, without {@code # handle N}; blank lines left out. */
    private static List<Line> lines(String text) {
        String[] raw = text.split("\n", -1);
        List<Line> out = new ArrayList<>();
        for (Transcript.Line l : Transcript.of(text).lines()) {
            // the raw line: the transcript takes "# xt_addrtype ..." after a match for an added comment, but it is the
            // rest of an iptables-nft rule (Markdown debris is taken off as the transcript does)
            String s = raw[l.number() - 1];
            if (s.indexOf('`') >= 0 || s.contains("**")) s = l.text();
            s = HANDLE.matcher(s).replaceFirst("").strip();
            if (!s.isEmpty()) out.add(new Line(l.number(), s));
        }
        return out;
    }

    /** Reads one table from its header at {@code i}; returns the index after its closing brace. */
    private static int table(String family, String name, List<Line> lines, int i, Problems problems, List<Nftables.Table> out) {
        int start = lines.get(i).number();
        List<Nftables.Chain> chains = new ArrayList<>();
        List<Nftables.NamedSet> sets = new ArrayList<>();
        i++;
        boolean closed = false;
        while (i < lines.size()) {
            Line l = lines.get(i);
            String s = l.text();
            Matcher m;
            if (s.equals("}")) {
                closed = true;
                i++;
                break;
            } else if ((m = CHAIN.matcher(s)).matches()) {
                i = chain(m.group(1).replace("\"", ""), lines, i, problems, chains);
            } else if ((m = SET.matcher(s)).matches()) {
                i = set(m.group(1), m.group(2), lines, i, problems, sets);
            } else if (OBJECT.matcher(s).matches()) {
                i = skipBlock(lines, i);
            } else if (s.startsWith("comment \"") || s.startsWith("flags ")) {
                i++;
            } else if (TABLE.matcher(s).matches()) {
                break; // the previous table was cut before its closing brace
            } else {
                problems.add(l.number(), "in table " + family + " " + name + ": expected chain, set, map or '}', got '" + s + "'");
                i++;
            }
        }
        if (!closed) {
            int last = i > 0 ? lines.get(Math.min(i, lines.size()) - 1).number() : start;
            problems.add(last, "table " + family + " " + name + " (line " + start + ") is not closed: the output was cut; what was shown is read");
        }
        out.add(new Nftables.Table(family, name, start, chains, sets));
        return i;
    }

    private static int chain(String name, List<Line> lines, int i, Problems problems, List<Nftables.Chain> out) {
        int start = lines.get(i).number();
        String type = null, hook = null, priority = null, policy = null;
        List<Nftables.Rule> rules = new ArrayList<>();
        i++;
        while (i < lines.size()) {
            Line l = lines.get(i);
            String s = l.text();
            if (s.equals("}")) {
                i++;
                out.add(new Nftables.Chain(name, start, type, hook, priority, policy, rules));
                return i;
            }
            if (s.startsWith("chain ") && s.endsWith("{") || TABLE.matcher(s).matches()) break; // cut before its '}'
            Matcher m = HOOK.matcher(s);
            if (m.matches()) {
                type = m.group(1);
                hook = m.group(2);
                priority = m.group(3).strip();
                policy = m.group(4) == null ? "accept" : m.group(4);
                i++;
            } else if (s.startsWith("comment \"") && s.endsWith("\"") && rules.isEmpty() && s.indexOf('"', 9) == s.length() - 1) {
                i++; // the chain's own comment
            } else {
                // a rule; one whose braces are not closed (an anonymous map over several lines) continues
                StringBuilder rule = new StringBuilder(s);
                int depth = depth(s);
                i++;
                while (depth > 0 && i < lines.size()) {
                    rule.append(' ').append(lines.get(i).text());
                    depth += depth(lines.get(i).text());
                    i++;
                }
                if (depth > 0) problems.add(l.number(), "rule '" + s + "' is cut before its closing brace; left out");
                else rules.add(new Nftables.Rule(l.number(), rule.toString()));
            }
        }
        problems.add(start, "chain " + name + " is not closed: the output was cut; its " + rules.size() + " rule(s) shown are read");
        out.add(new Nftables.Chain(name, start, type, hook, priority, policy, rules));
        return i;
    }

    private static int set(String kind, String name, List<Line> lines, int i, Problems problems, List<Nftables.NamedSet> out) {
        int start = lines.get(i).number();
        String type = null;
        List<String> elements = new ArrayList<>();
        i++;
        while (i < lines.size()) {
            Line l = lines.get(i);
            String s = l.text();
            if (s.equals("}")) {
                out.add(new Nftables.NamedSet(kind, name, start, type, elements));
                return i + 1;
            }
            if (s.startsWith("type ")) {
                type = s.substring(5).replaceAll(";$", "").strip();
                i++;
            } else if (s.startsWith("elements = {")) {
                StringBuilder all = new StringBuilder(s.substring(s.indexOf('{') + 1));
                int depth = 1 + depth(all.toString());
                i++;
                while (depth > 0 && i < lines.size()) {
                    all.append(' ').append(lines.get(i).text());
                    depth += depth(lines.get(i).text());
                    i++;
                }
                String body = all.toString().strip();
                if (depth > 0) {
                    problems.add(l.number(), kind + " " + name + ": its elements are cut before the closing brace; those shown are read");
                } else {
                    body = body.substring(0, body.lastIndexOf('}'));
                }
                elements.addAll(elements(body));
            } else if (SET_OPTIONS.contains(s.split("[ ;]", 2)[0])) {
                i++;
            } else {
                problems.add(l.number(), "in " + kind + " " + name + ": expected type, flags, elements or '}', got '" + s + "'");
                i++;
            }
        }
        problems.add(start, kind + " " + name + " is not closed: the output was cut");
        out.add(new Nftables.NamedSet(kind, name, start, type, elements));
        return i;
    }

    /** The elements of a set or map, split at the commas outside braces ({@code ...}, and a trailing comma, dropped). */
    static List<String> elements(String body) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        StringBuilder cur = new StringBuilder();
        for (int k = 0; k < body.length(); k++) {
            char c = body.charAt(k);
            if (c == '"') quoted = !quoted;
            if (!quoted && c == '{') depth++;
            if (!quoted && c == '}') depth--;
            if (!quoted && depth == 0 && c == ',') {
                add(out, cur);
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String e = cur.toString().strip();
        if (!e.isEmpty() && !e.equals("...")) out.add(e);
    }

    /** Opening minus closing braces outside double quotes. */
    private static int depth(String s) {
        int d = 0;
        boolean quoted = false;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '"') quoted = !quoted;
            else if (!quoted && c == '{') d++;
            else if (!quoted && c == '}') d--;
        }
        return d;
    }

    private static int skipBlock(List<Line> lines, int i) {
        int depth = 0;
        do {
            depth += depth(lines.get(i).text());
            i++;
        } while (depth > 0 && i < lines.size());
        return i;
    }
}
