package dev.kubepath.ingest;

import dev.kubepath.model.Chain;
import dev.kubepath.model.IpSet;
import dev.kubepath.model.Rule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code iptables -S} ({@code -P FORWARD DROP}, {@code -N KUBE-FORWARD}, {@code -A ...} rules in iptables-save's
 * syntax; with -v each line ends in {@code -c PACKETS BYTES}). It prints one table and no {@code *table} line:
 * the table is the command's {@code -t} (filter without one); with no command it is told as for
 * {@code iptables -L} ({@link IptablesTables}, or filter for a listing whose built-in chains are INPUT, FORWARD and
 * OUTPUT), else the listing is reported.
 */
public final class IptablesSText {
    private IptablesSText() {}

    private static final class Head {
        String policy;
        final List<Rule> rules = new ArrayList<>();
        int line;
    }

    public static Parsed<List<Chain>> parse(String file, String text, List<IpSet> sets) {
        Problems problems = new Problems(file);
        Map<String, Chain> out = new LinkedHashMap<>();
        for (Transcript.Section section : Transcript.of(text).sections()) {
            Map<String, Head> chains = new LinkedHashMap<>();
            String why = null;
            int firstLine = 0;
            for (Transcript.Line l : section.lines()) {
                String line = withoutCounters(l.text().trim());
                if (line.startsWith("#")) continue;
                if (firstLine == 0) firstLine = l.number();
                try {
                    String[] t = Tokens.split(line);
                    if (t[0].equals("-P") || t[0].equals("-N")) {
                        if (t.length != (t[0].equals("-P") ? 3 : 2)) throw new IllegalArgumentException("expected '-P CHAIN POLICY' or '-N CHAIN', got '" + line + "'");
                        Head h = head(chains, t[1], l.number());
                        if (t[0].equals("-P")) {
                            if (!t[2].equals("ACCEPT") && !t[2].equals("DROP")) throw new IllegalArgumentException("chain policy '" + t[2] + "' is not ACCEPT or DROP");
                            h.policy = t[2];
                        }
                    } else if (t[0].equals("-A")) {
                        String chain = IptablesSave.chainOf(line);
                        List<Rule> rules = IptablesSave.parseRules(line, sets);
                        head(chains, chain, l.number()).rules.addAll(rules);
                        if (why == null) why = IptablesTables.why(line);
                    } else {
                        throw new IllegalArgumentException("unexpected line '" + line + "' (expected -P, -N or -A)");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(l.number(), e);
                }
            }
            if (chains.isEmpty()) continue;
            String table = table(section.command(), why, chains, firstLine, problems);
            if (table == null) continue;
            chains.forEach((name, h) -> out.put(table + " " + name, new Chain(table, name, h.policy, h.rules)));
        }
        return problems.result(new ArrayList<>(out.values()));
    }

    private static Head head(Map<String, Head> chains, String name, int line) {
        return chains.computeIfAbsent(name, k -> {
            Head h = new Head();
            h.line = line;
            return h;
        });
    }

    /** {@code -A X ... -c 10 840} as {@code -A X ...}: counters are not state the tracer follows. */
    private static String withoutCounters(String line) {
        String[] t = Tokens.split(line);
        if (t.length >= 3 && t[t.length - 3].equals("-c")) return line.substring(0, line.lastIndexOf(" -c ")).trim();
        return line;
    }

    private static String table(String command, String why, Map<String, Head> chains, int line, Problems problems) {
        if (command != null) {
            String[] t = Tokens.split(command);
            for (int i = 0; i + 1 < t.length; i++) if (t[i].equals("-t") || t[i].equals("--table")) return t[i + 1];
            return "filter";
        }
        for (String c : chains.keySet()) if (why == null) why = IptablesTables.why(c, null);
        if (why != null) {
            problems.add(line, "no command tells the table: read as " + why);
            return why.substring(0, why.indexOf(':'));
        }
        List<String> builtIn = chains.keySet().stream().filter(IptablesTables.BUILT_IN::contains).sorted().toList();
        if (builtIn.equals(List.of("FORWARD", "INPUT", "OUTPUT"))) {
            problems.add(line, "no command tells the table: read as filter (built-in chains INPUT, FORWARD, OUTPUT: the table iptables -S lists by default)");
            return "filter";
        }
        problems.add(line, "no command tells which table this listing is (iptables -t TABLE -S) and no named rule does: its " + chains.size() + " chains are not read");
        return null;
    }
}
