package dev.kubepath.model;

import java.util.List;

/**
 * A chain of an nftables table. A base chain has a type ({@code filter}, {@code nat}), a hook ({@code prerouting},
 * {@code input}, {@code forward}, {@code output}, {@code postrouting}), a priority as nft prints it
 * ({@code dstnat - 10}) and a policy; a regular chain has none of these (null) and runs only when jumped to.
 */
public record NftChain(String name, String type, String hook, String priority, String policy, String comment,
                       List<NftRule> rules) {
    public NftChain {
        rules = List.copyOf(rules);
    }

    public static NftChain regular(String name, List<NftRule> rules) {
        return new NftChain(name, null, null, null, null, null, rules);
    }

    public boolean base() {
        return hook != null;
    }

    /**
     * The priority as a number, for the order of chains on one hook: nft's names are dstnat -100, filter 0,
     * srcnat 100, optionally followed by {@code + N} / {@code - N}.
     */
    public int priorityValue() {
        if (priority == null) return 0;
        String[] t = priority.trim().split("\\s+");
        int base = switch (t[0]) {
            case "raw" -> -300;
            case "mangle" -> -150;
            case "dstnat" -> -100;
            case "filter" -> 0;
            case "security" -> 50;
            case "srcnat" -> 100;
            default -> Integer.parseInt(t[0]);
        };
        if (t.length == 3) base += ("-".equals(t[1]) ? -1 : 1) * Integer.parseInt(t[2]);
        return base;
    }
}
