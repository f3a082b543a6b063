package dev.kubepath.proxy;

import dev.kubepath.model.Chain;
import dev.kubepath.model.Rule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders chains the way {@code iptables-save} prints them: per table {@code *nat}, the chain headers
 * ({@code :PREROUTING ACCEPT [0:0]}, {@code :KUBE-SERVICES - [0:0]}), the rules, {@code COMMIT}. Counters are
 * always [0:0]. Tables come in iptables-save's order (nat, then filter, then others); chains in the given order.
 * Consecutive rules with the same original text (one ipset rule held as one rule per member) print once.
 */
public final class IptablesSave {
    private static final List<String> TABLE_ORDER = List.of("raw", "mangle", "nat", "filter");

    private IptablesSave() {}

    public static String render(List<Chain> chains) {
        Map<String, List<Chain>> byTable = new LinkedHashMap<>();
        for (String t : TABLE_ORDER) byTable.put(t, new ArrayList<>());
        for (Chain c : chains) byTable.computeIfAbsent(c.table(), t -> new ArrayList<>()).add(c);
        StringBuilder sb = new StringBuilder();
        byTable.forEach((table, list) -> {
            if (list.isEmpty()) return;
            sb.append('*').append(table).append('\n');
            for (Chain c : list) {
                sb.append(':').append(c.name()).append(' ').append(c.builtIn() ? c.policy() : "-").append(" [0:0]\n");
            }
            for (Chain c : list) {
                String previous = null;
                for (Rule r : c.rules()) {
                    if (r.text() != null && r.text().equals(previous)) continue;
                    sb.append(r.describe()).append('\n');
                    previous = r.text();
                }
            }
            sb.append("COMMIT\n");
        });
        return sb.toString();
    }
}
