package dev.kubepath.host.linux;

import dev.kubepath.host.HostNetworkException;
import dev.kubepath.ingest.IptablesSave;
import dev.kubepath.ingest.Parsed;
import dev.kubepath.model.Chain;
import dev.kubepath.model.Rule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Table nat of a lab host in the kernel, through the real {@code iptables-restore} and {@code iptables-save} run in
 * the host's namespace, as kube-proxy's iptables mode programs a node: the service NAT (KUBE-SERVICES, KUBE-SVC-*
 * with {@code -m statistic}, KUBE-SEP-* with DNAT, KUBE-POSTROUTING's MASQUERADE) is then the kernel's own, with
 * iptables' own comments. Each change restores the whole table (iptables-restore without --noflush replaces the
 * tables it is given), and the table is read back by the parser a bundle's iptables.txt goes through.
 */
final class IptablesNat {
    static final String SAVE = "iptables-save -t nat";

    private IptablesNat() {}

    /** Whether the namespace's PATH has iptables-restore and iptables-save (package iptables). */
    static boolean available(Netns ns) {
        return ns.exec("sh", "-c", "command -v iptables-restore && command -v iptables-save").ok();
    }

    /** Replaces the same-named chains of table nat (the others stay as the kernel has them), as one iptables-restore. */
    static void replace(Netns ns, String where, List<Chain> changed) {
        CommandResult saved = ns.exec("sh", "-c", SAVE);
        if (!saved.ok()) throw new HostNetworkException(where + ": '" + SAVE + "' failed: " + saved.stderr().strip());
        Map<String, Chain> table = new LinkedHashMap<>();
        for (Chain c : parse(where, saved.stdout())) table.put(c.name(), c);
        for (Chain c : changed) table.put(c.name(), c);
        String script = script(List.copyOf(table.values()));
        CommandResult r = ns.exec(List.of("iptables-restore"), script);
        if (!r.ok()) throw new HostNetworkException(where + ": iptables-restore failed: " + r.stderr().strip() + "\ninput:\n" + script);
    }

    /** The iptables-restore input for the whole table nat: {@code *nat}, the chain headers, the rules, COMMIT. */
    static String script(List<Chain> chains) {
        StringBuilder sb = new StringBuilder("*nat\n");
        for (Chain c : chains) sb.append(':').append(c.name()).append(' ').append(c.builtIn() ? c.policy() : "-").append(" [0:0]\n");
        for (Chain c : chains) for (Rule r : c.rules()) sb.append(r.describe()).append('\n');
        return sb.append("COMMIT\n").toString();
    }

    /** The nat section of read(): {@code before} ends with the previous exit status line, {@code after} starts with its own. */
    static List<Chain> read(String where, String before, String after) {
        String text = before.substring(before.indexOf('\n') + 1);
        int exit = Integer.parseInt(after.lines().findFirst().orElse("1").strip());
        if (exit != 0) throw new HostNetworkException(where + ": '" + SAVE + "' failed: " + text.strip());
        return parse(where, text);
    }

    /**
     * The chains as the model holds them: each rule without its iptables-save text, so that it prints as the model
     * prints it (iptables-save shows {@code --or-mark 0x4000} as {@code --set-xmark 0x4000/0x4000}) and kube-proxy's
     * next sync compares like with like, as the filter table read back from nft does.
     */
    private static List<Chain> parse(String where, String text) {
        Parsed<List<Chain>> p = IptablesSave.parse(where + ": " + SAVE, text);
        if (!p.clean()) throw new HostNetworkException(where + ": '" + SAVE + "' printed what its parser cannot read: " + p.problems().getFirst().message());
        List<Chain> out = new ArrayList<>();
        for (Chain c : p.value()) {
            if (!c.table().equals("nat")) continue;
            List<Rule> rules = new ArrayList<>();
            for (Rule r : c.rules()) rules.add(new Rule(r.chain(), r.match(), r.target(), r.comment(), null));
            out.add(new Chain(c.table(), c.name(), c.policy(), rules));
        }
        return out;
    }

    /**
     * The chains read back, each replaced by the chain last applied under its name when the kernel holds exactly that:
     * iptables keeps a probability in steps of 2^-31 ({@code 1/3} reads back as 0.33333333349), so without this every
     * kube-proxy sync would see its chains changed and restore them again.
     */
    static List<Chain> asApplied(List<Chain> kernel, Map<String, Chain> applied) {
        List<Chain> out = new ArrayList<>();
        for (Chain c : kernel) {
            Chain a = applied.get(c.name());
            out.add(a != null && inKernel(a).equals(inKernel(c)) ? a : c);
        }
        return out;
    }

    /** A chain as iptables-save prints it once the kernel holds it: probabilities in the kernel's steps, no saved text. */
    private static List<String> inKernel(Chain c) {
        List<String> out = new ArrayList<>();
        out.add(c.name() + " " + (c.builtIn() ? c.policy() : "-"));
        for (Rule r : c.rules()) {
            Rule.Match m = r.match();
            if (m.probability() != null) m = m.withProbability(Math.round(restored(m.probability()) * KERNEL_STEPS) / (double) KERNEL_STEPS);
            out.add(new Rule(r.chain(), m, r.target(), r.comment(), null).describe());
        }
        return out;
    }

    /** The probability iptables-restore is given: as the rule prints it, with 11 decimals. */
    private static double restored(double p) {
        return Double.parseDouble(String.format(java.util.Locale.ROOT, "%.11f", p));
    }

    /** xt_statistic holds a probability as a fraction of 2^31 (iptables' libxt_statistic rounds to the nearest). */
    private static final long KERNEL_STEPS = 0x80000000L;

    /** Power off: table nat is emptied (iptables-restore flushes it and deletes its user chains). */
    static void forget(Netns ns) {
        if (available(ns)) ns.exec(List.of("iptables-restore"), "*nat\nCOMMIT\n").orThrow();
    }
}
