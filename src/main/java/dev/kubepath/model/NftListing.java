package dev.kubepath.model;

import java.util.List;

/**
 * Prints tables the way {@code nft list ruleset} (nft 1.0) does: tab indents, sets and maps before chains, a base
 * chain's {@code type ... hook ... priority ...; policy ...;} line, rules one a line. nft reads this text back
 * with {@code nft -f}, so the lab programs the kernel with exactly what the simulation lists. The kernel keeps
 * hashed set elements in its own order, so a real listing may order elements differently (the same elements).
 */
public final class NftListing {
    private NftListing() {}

    public static String render(List<NftTable> tables) {
        StringBuilder sb = new StringBuilder();
        for (NftTable t : tables) render(sb, t);
        return sb.toString();
    }

    private static void render(StringBuilder sb, NftTable t) {
        sb.append("table ").append(t.family()).append(' ').append(t.name()).append(" {\n");
        if (t.comment() != null) sb.append("\tcomment \"").append(t.comment()).append("\"\n");
        boolean first = true;
        for (NftSet s : t.sets()) {
            if (!first) sb.append('\n');
            first = false;
            sb.append('\t').append(s.map() ? "map " : "set ").append(s.name()).append(" {\n");
            sb.append("\t\ttype ").append(s.type()).append('\n');
            if (s.comment() != null) sb.append("\t\tcomment \"").append(s.comment()).append("\"\n");
            if (!s.elements().isEmpty()) {
                // nft breaks the line after every element of a map or concatenation, after every second one otherwise
                int perLine = s.map() || s.type().contains(" . ") ? 1 : 2;
                sb.append("\t\telements = { ");
                for (int i = 0; i < s.elements().size(); i++) {
                    NftSet.Element e = s.elements().get(i);
                    if (i > 0) sb.append(perLine == 1 || i % perLine == 0 ? ",\n\t\t\t     " : ", ");
                    sb.append(e.key());
                    if (e.comment() != null) sb.append(" comment \"").append(e.comment()).append('"');
                    if (e.value() != null) sb.append(" : ").append(e.value());
                }
                sb.append(" }\n");
            }
            sb.append("\t}\n");
        }
        for (NftChain c : t.chains()) {
            if (!first) sb.append('\n');
            first = false;
            sb.append("\tchain ").append(c.name()).append(" {\n");
            if (c.comment() != null) sb.append("\t\tcomment \"").append(c.comment()).append("\"\n");
            if (c.base()) {
                sb.append("\t\ttype ").append(c.type()).append(" hook ").append(c.hook()).append(" priority ").append(c.priority())
                        .append("; policy ").append(c.policy() == null ? "accept" : c.policy()).append(";\n");
            }
            for (NftRule r : c.rules()) sb.append("\t\t").append(r.text()).append('\n');
            sb.append("\t}\n");
        }
        sb.append("}\n");
    }
}
