package dev.kubepath.ingest;

import dev.kubepath.model.NftChain;
import dev.kubepath.model.NftRule;
import dev.kubepath.model.NftSet;
import dev.kubepath.model.NftTable;
import dev.kubepath.net.SocketAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kube-proxy's nftables-mode table ({@code table ip kube-proxy} with map {@code service-ips}), as {@link NftText}
 * read it, turned into the model's {@link NftTable}, which the data plane evaluates (verdict maps, jumps, numgen,
 * DNAT, marks): the same structure the simulation's kube-proxy writes. Each rule's text is read expression by
 * expression; a rule with an expression outside kube-proxy's vocabulary is reported and left out (a rule left out
 * never matches), as the iptables reader does.
 */
public final class NftModel {
    private NftModel() {}

    private static final Pattern ELEMENT_COMMENT = Pattern.compile(" comment \"([^\"]*)\"");

    /** Whether the table is kube-proxy's nftables mode (not the lab's IPVS stand-in of old, nor another table). */
    public static boolean isKubeProxy(Nftables.Table t) {
        return t.family().equals("ip") && t.name().equals("kube-proxy") && t.set("service-ips") != null;
    }

    public static NftTable of(Nftables.Table t, Problems problems) {
        List<NftSet> sets = new ArrayList<>();
        for (Nftables.NamedSet s : t.sets()) {
            boolean map = s.kind().equals("map");
            List<NftSet.Element> elements = new ArrayList<>();
            for (String e : s.elements()) elements.add(element(e, map));
            sets.add(new NftSet(s.name(), map, s.type(), null, elements));
        }
        List<NftChain> chains = new ArrayList<>();
        for (Nftables.Chain c : t.chains()) {
            List<NftRule> rules = new ArrayList<>();
            for (Nftables.Rule r : c.rules()) {
                try {
                    rules.add(rule(r.text()));
                } catch (IllegalArgumentException e) {
                    problems.add(r.line(), "rule of chain " + c.name() + " (table ip kube-proxy) not read: " + e.getMessage() + "; left out");
                }
            }
            chains.add(new NftChain(c.name(), c.type(), c.hook(), c.priority(), c.policy(), null, rules));
        }
        return new NftTable(t.family(), t.name(), null, sets, chains);
    }

    /** {@code 10.96.0.10 . udp . 53 comment "kube-system/kube-dns:dns" : goto reject-chain}. */
    static NftSet.Element element(String text, boolean map) {
        String comment = null;
        Matcher m = ELEMENT_COMMENT.matcher(text);
        if (m.find()) {
            comment = m.group(1);
            text = text.substring(0, m.start()) + text.substring(m.end());
        }
        if (!map) return new NftSet.Element(text.strip(), null, comment);
        int colon = text.lastIndexOf(" : ");
        return colon < 0 ? new NftSet.Element(text.strip(), null, comment)
                : new NftSet.Element(text.substring(0, colon).strip(), text.substring(colon + 3).strip(), comment);
    }

    // one loop over nft's expression words, long because it is the whole vocabulary of kube-proxy's rules
    static NftRule rule(String text) {
        List<String> w = inputSynonyms(words(text));
        List<NftRule.Expr> exprs = new ArrayList<>();
        String comment = null;
        int i = 0;
        while (i < w.size()) {
            String a = w.get(i);
            String b = i + 1 < w.size() ? w.get(i + 1) : "";
            if (i + 2 < w.size() && w.get(i + 2).equals(".") && isField(a, b)) { // a concatenated key: ... vmap @map
                List<String> key = new ArrayList<>();
                while (i + 1 < w.size() && isField(w.get(i), w.get(i + 1))) {
                    key.add(w.get(i) + " " + w.get(i + 1));
                    i += 2;
                    if (i < w.size() && w.get(i).equals(".")) i++;
                }
                if (i + 1 >= w.size() || !w.get(i).equals("vmap") || !w.get(i + 1).startsWith("@")) throw new IllegalArgumentException("expected 'vmap @MAP' after " + key);
                exprs.add(new NftRule.Vmap(key, w.get(i + 1).substring(1)));
                i += 2;
            } else if ((a.equals("ip") && (b.equals("saddr") || b.equals("daddr"))) || ((a.equals("tcp") || a.equals("udp")) && b.equals("dport"))
                    || (a.equals("meta") && b.equals("l4proto"))) {
                boolean not = i + 2 < w.size() && w.get(i + 2).equals("!=");
                int v = i + (not ? 3 : 2);
                if (v < w.size() && w.get(v).matches("\\{ ?[^{},]+ ?}")) w.set(v, w.get(v).replaceAll("^\\{|}$", "").strip()); // a one-element set
                if (v >= w.size() || w.get(v).startsWith("{")) throw new IllegalArgumentException("expected a value after '" + a + " " + b + "'");
                exprs.add(new NftRule.Match(a + " " + b, not, w.get(v)));
                i = v + 1;
            } else if (a.equals("fib") && b.equals("daddr") && i + 3 < w.size() && w.get(i + 2).equals("type")) {
                boolean not = w.get(i + 3).equals("!=");
                if (!w.get(i + (not ? 4 : 3)).equals("local")) throw new IllegalArgumentException("only 'fib daddr type local' is read");
                exprs.add(new NftRule.FibDaddrLocal(not));
                i += not ? 5 : 4;
            } else if (a.equals("ct") && b.equals("state") && i + 2 < w.size()) {
                exprs.add(new NftRule.CtState(w.get(i + 2)));
                i += 3;
            } else if (a.equals("meta") && b.equals("mark") && i + 5 < w.size() && w.get(i + 2).equals("&") && w.get(i + 4).equals("==")) {
                exprs.add(new NftRule.MarkMatch(Integer.decode(w.get(i + 3)), Integer.decode(w.get(i + 5))));
                i += 6;
            } else if (a.equals("meta") && b.equals("mark") && i + 6 < w.size() && w.get(i + 2).equals("set")) {
                exprs.add(new NftRule.MarkSet(w.get(i + 5), Integer.decode(w.get(i + 6))));
                i += 7;
            } else if (a.equals("numgen") && i + 5 < w.size() && w.get(i + 2).equals("mod") && w.get(i + 4).equals("vmap")) {
                List<String> chains = new ArrayList<>();
                for (String entry : NftText.elements(w.get(i + 5).replaceAll("^\\{|}$", ""))) {
                    chains.add(entry.substring(entry.indexOf(':') + 1).strip().replaceFirst("^(goto|jump) ", ""));
                }
                exprs.add(new NftRule.NumgenVmap(chains));
                i += 6;
            } else if (a.equals("dnat") && b.equals("to") && i + 2 < w.size()) {
                exprs.add(new NftRule.Dnat(SocketAddress.parse(w.get(i + 2))));
                i += 3;
            } else if (a.equals("masquerade")) {
                boolean random = b.equals("fully-random");
                exprs.add(new NftRule.Masquerade(random));
                i += random ? 2 : 1;
            } else if ((a.equals("jump") || a.equals("goto")) && !b.isEmpty()) {
                exprs.add(new NftRule.Verdict(a, b));
                i += 2;
            } else if (List.of("return", "accept", "drop", "reject").contains(a)) {
                exprs.add(new NftRule.Verdict(a, null));
                i++;
            } else if (a.equals("counter")) {
                i += b.equals("packets") ? 5 : 1;
            } else if (a.equals("comment") && b.startsWith("\"")) {
                comment = b.substring(1, b.length() - 1);
                i += 2;
            } else {
                throw new IllegalArgumentException("'" + a + "' is not in kube-proxy's nftables vocabulary");
            }
        }
        return new NftRule(exprs, comment);
    }

    /**
     * The words of nft's input language (what {@code nft -f} reads and kube-proxy writes) as {@code nft list} prints
     * them: {@code mark} alone is {@code meta mark}, and after it {@code or}, {@code and}, {@code xor} are {@code |},
     * {@code &}, {@code ^} ({@code mark set mark or 0x4000} is listed as {@code meta mark set meta mark | 0x00004000}).
     */
    private static final Map<String, String> MARK_OPERATORS = Map.of("or", "|", "and", "&", "xor", "^");

    private static List<String> inputSynonyms(List<String> w) {
        List<String> out = new ArrayList<>();
        for (String word : w) {
            String prev = out.isEmpty() ? "" : out.get(out.size() - 1);
            if (word.equals("mark") && !prev.equals("meta") && !prev.equals("ct")) out.add("meta");
            if (prev.equals("mark")) word = MARK_OPERATORS.getOrDefault(word, word);
            out.add(word);
        }
        return out;
    }

    private static boolean isField(String a, String b) {
        return (a.equals("ip") && (b.equals("daddr") || b.equals("saddr"))) || (a.equals("meta") && b.equals("l4proto"))
                || (a.equals("th") && b.equals("dport"));
    }

    /** Words, with a quoted string and a braced group each kept as one word. */
    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int i = 0, n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == ' ') {
                i++;
                continue;
            }
            int end;
            if (c == '"') {
                end = text.indexOf('"', i + 1);
                end = end < 0 ? n : end + 1;
            } else if (c == '{') {
                end = text.indexOf('}', i);
                end = end < 0 ? n : end + 1;
            } else {
                end = text.indexOf(' ', i);
                if (end < 0) end = n;
            }
            out.add(text.substring(i, end));
            i = end;
        }
        return out;
    }
}
