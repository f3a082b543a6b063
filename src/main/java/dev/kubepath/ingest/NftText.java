package dev.kubepath.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>The same rule set as {@code nft -f} reads it is read too: {@code add table|chain|set|map|rule|element ...}
 * lines (and {@code insert rule}, {@code flush}, {@code delete}), the transaction kube-proxy's nftables mode feeds to
 * nft through knftables, which its own tests print and its logs show. Each statement is applied in order to the
 * tables it names, which then read as the listing of the same rule set would.
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
        Transaction transaction = new Transaction(problems);
        int i = 0;
        while (i < lines.size()) {
            Line l = lines.get(i);
            if (STATEMENT.matcher(l.text()).find()) {
                transaction.apply(l);
                i++;
                continue;
            }
            Matcher m = TABLE.matcher(l.text());
            if (!m.matches()) {
                problems.add(l.number(), "expected 'table FAMILY NAME {' (nft list ruleset), got '" + l.text() + "'");
                i++;
                continue;
            }
            i = table(m.group(1), m.group(2), lines, i, problems, tables);
        }
        tables.addAll(transaction.tables());
        return problems.result(tables);
    }

    /** A statement of {@code nft -f}'s language, as knftables writes kube-proxy's transaction. */
    private static final Pattern STATEMENT = Pattern.compile("^(add|create|insert|flush|delete|destroy) (table|chain|set|map|rule|element|ruleset)\\b");
    private static final Pattern FAMILY = Pattern.compile("ip|ip6|inet|arp|bridge|netdev");

    /**
     * The tables an {@code nft -f} transaction builds, statement by statement: {@code add table F T}, {@code add chain
     * F T C [{ type .. hook .. priority .. ; policy .. ; }]}, {@code add set|map F T S { type .. ; }}, {@code add
     * element F T S { e, ... }}, {@code add|insert rule F T C RULE}, {@code flush ...} and {@code delete ...} of a
     * whole object. A statement naming a table or chain not added before is applied to a new one (nft would refuse
     * it; a paste may lack the lines that added it) and reported.
     */
    private static final class Transaction {
        private final Problems problems;
        private final Map<String, TableSoFar> tables = new LinkedHashMap<>();

        Transaction(Problems problems) {
            this.problems = problems;
        }

        private static final class TableSoFar {
            final String family, name;
            final int line;
            final Map<String, ChainSoFar> chains = new LinkedHashMap<>();
            final Map<String, SetSoFar> sets = new LinkedHashMap<>();

            TableSoFar(String family, String name, int line) {
                this.family = family;
                this.name = name;
                this.line = line;
            }
        }

        private static final class ChainSoFar {
            final int line;
            String type, hook, priority, policy;
            final List<Nftables.Rule> rules = new ArrayList<>();

            ChainSoFar(int line) {
                this.line = line;
            }
        }

        private static final class SetSoFar {
            final String kind;
            final int line;
            String type;
            final List<String> elements = new ArrayList<>();

            SetSoFar(String kind, int line) {
                this.kind = kind;
                this.line = line;
            }
        }

        // one statement; its words: verb, object, then family, table, name and the rest (why over 60 lines: one
        // case per statement nft -f takes, each a few lines)
        void apply(Line l) {
            String s = l.text();
            String[] w = s.split("\\s+", 6);
            String verb = w[0], object = w[1];
            if (object.equals("ruleset")) {
                if (verb.equals("flush")) tables.clear();
                else unread(l);
                return;
            }
            if (w.length < 4 || !FAMILY.matcher(w[2]).matches()) {
                unread(l);
                return;
            }
            String key = w[2] + " " + w[3];
            boolean remove = verb.equals("delete") || verb.equals("destroy");
            if (object.equals("table")) {
                if (remove) tables.remove(key);
                else if (verb.equals("flush")) table(key, l).chains.values().forEach(c -> c.rules.clear());
                else table(key, l);
                return;
            }
            if (w.length < 5) {
                unread(l);
                return;
            }
            String name = w[4], rest = w.length > 5 ? w[5].strip() : "";
            TableSoFar t = remove ? tables.get(key) : table(key, l);
            if (t == null) {
                unread(l);
                return;
            }
            switch (object) {
                case "chain" -> {
                    if (remove) t.chains.remove(name);
                    else if (verb.equals("flush")) chain(t, name, l).rules.clear();
                    else hook(chain(t, name, l), rest);
                }
                case "set", "map" -> {
                    if (remove) t.sets.remove(name);
                    else if (verb.equals("flush")) set(t, object, name, l).elements.clear();
                    else set(t, object, name, l).type = setType(rest);
                }
                case "element" -> {
                    SetSoFar set = set(t, "set", name, l);
                    List<String> elements = rest.startsWith("{") && rest.endsWith("}") ? elements(rest.substring(1, rest.length() - 1)) : List.of();
                    if (elements.isEmpty()) unread(l);
                    else if (remove) set.elements.removeAll(elements);
                    else set.elements.addAll(elements);
                }
                case "rule" -> {
                    if (remove || rest.isEmpty()) {
                        unread(l); // "delete rule ... handle N" names a handle this text does not show
                        return;
                    }
                    ChainSoFar c = chain(t, name, l);
                    Nftables.Rule r = new Nftables.Rule(l.number(), rest);
                    if (verb.equals("insert")) c.rules.add(0, r);
                    else c.rules.add(r);
                }
                default -> unread(l);
            }
        }

        private void unread(Line l) {
            problems.add(l.number(), "nft -f statement not read: '" + l.text() + "'");
        }

        private TableSoFar table(String key, Line l) {
            return tables.computeIfAbsent(key, k -> new TableSoFar(k.split(" ")[0], k.split(" ")[1], l.number()));
        }

        private ChainSoFar chain(TableSoFar t, String name, Line l) {
            ChainSoFar c = t.chains.get(name);
            if (c == null) {
                if (!l.text().startsWith("add chain") && !l.text().startsWith("create chain"))
                    problems.add(l.number(), "chain " + name + " of table " + t.family + " " + t.name + " was not added before this line; taken as a regular chain");
                c = new ChainSoFar(l.number());
                t.chains.put(name, c);
            }
            return c;
        }

        private SetSoFar set(TableSoFar t, String kind, String name, Line l) {
            SetSoFar s = t.sets.get(name);
            if (s == null) {
                if (l.text().contains(" element "))
                    problems.add(l.number(), "set " + name + " of table " + t.family + " " + t.name + " was not added before this line; its type is unknown");
                s = new SetSoFar(kind, l.number());
                t.sets.put(name, s);
            }
            return s;
        }

        private static final Pattern CHAIN_HOOK = Pattern.compile("^type (\\w+) hook (\\w+)(?: device \"?[^\"]+\"?)? priority (.+)$");

        /** A chain's {@code { type T hook H priority P ; policy X ; comment "..." ; }}: a base chain's hook. */
        private static void hook(ChainSoFar c, String body) {
            for (String part : body.replaceAll("^\\{|}$", "").split(";")) {
                String p = part.strip();
                Matcher m = CHAIN_HOOK.matcher(p);
                if (m.matches()) {
                    c.type = m.group(1);
                    c.hook = m.group(2);
                    c.priority = m.group(3).strip();
                    if (c.policy == null) c.policy = "accept";
                } else if (p.startsWith("policy ")) {
                    c.policy = p.substring(7).strip();
                }
            }
        }

        /** A set's {@code { type T ; flags ... ; comment "..." ; }}: its type. */
        private static String setType(String body) {
            for (String part : body.replaceAll("^\\{|}$", "").split(";")) {
                String p = part.strip();
                if (p.startsWith("type ") || p.startsWith("typeof ")) return p.substring(p.indexOf(' ') + 1).strip();
            }
            return null;
        }

        List<Nftables.Table> tables() {
            List<Nftables.Table> out = new ArrayList<>();
            for (TableSoFar t : tables.values()) {
                List<Nftables.Chain> chains = new ArrayList<>();
                t.chains.forEach((n, c) -> chains.add(new Nftables.Chain(n, c.line, c.type, c.hook, c.priority, c.policy, c.rules)));
                List<Nftables.NamedSet> sets = new ArrayList<>();
                t.sets.forEach((n, s) -> sets.add(new Nftables.NamedSet(s.kind, n, s.line, s.type, s.elements)));
                out.add(new Nftables.Table(t.family, t.name, t.line, chains, sets));
            }
            return out;
        }
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
