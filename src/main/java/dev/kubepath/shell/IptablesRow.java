package dev.kubepath.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One rule as a row of {@code iptables -L -n}: the rule's iptables-save words ({@code -A CHAIN -s ... -m comment
 * --comment "..." -j TARGET ...}) read as iptables reads them, then printed as iptables 1.8.9 prints a rule: target,
 * protocol number, options, [interfaces,] source, destination, then what each match module and the target print of
 * themselves, in the rule's order ({@code /* comment *&#47;}, {@code tcp dpt:80}, {@code ctstate NEW},
 * {@code ADDRTYPE match dst-type LOCAL}, {@code mark match 0x4000/0x4000}, {@code match-set NAME dst,dst},
 * {@code statistic mode random probability ...}, {@code recent: CHECK ...}, {@code MARK or 0x4000},
 * {@code to:IP:PORT}, {@code reject-with ...}).
 */
record IptablesRow(String target, String protocol, boolean notProtocol, String in, String out, String source, boolean notSource,
                   String destination, boolean notDestination, String details) {
    private static final Map<String, String> PROTOCOL_NUMBERS = Map.of("tcp", "6", "udp", "17", "icmp", "1", "sctp", "132", "all", "0");

    String render(boolean verbose) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-9s ", target));
        sb.append(notProtocol ? '!' : ' ').append(String.format(Locale.ROOT, "%-4s ", protocol)).append("-- ");
        if (verbose) sb.append(String.format(Locale.ROOT, " %-6s %-6s ", in, out));
        sb.append(notSource ? '!' : ' ').append(String.format(Locale.ROOT, "%-19s ", source));
        sb.append(notDestination ? '!' : ' ').append(String.format(Locale.ROOT, "%-19s ", destination));
        return sb.append(details).toString();
    }

    static IptablesRow of(String saveLine) {
        List<String> w = words(saveLine);
        String target = "", protocol = "0", in = "*", out = "*", source = "0.0.0.0/0", destination = "0.0.0.0/0";
        boolean notProtocol = false, notSource = false, notDestination = false;
        StringBuilder details = new StringBuilder();
        int i = 2; // after "-A CHAIN"
        boolean not = false;
        while (i < w.size()) {
            String word = w.get(i++);
            switch (word) {
                case "!" -> {
                    not = true;
                    continue;
                }
                case "-s" -> { source = address(w.get(i++)); notSource = not; }
                case "-d" -> { destination = address(w.get(i++)); notDestination = not; }
                case "-i" -> in = (not ? "!" : "") + w.get(i++);
                case "-o" -> out = (not ? "!" : "") + w.get(i++);
                case "-p" -> {
                    String p = w.get(i++);
                    protocol = PROTOCOL_NUMBERS.getOrDefault(p, p);
                    notProtocol = not;
                }
                case "-m", "-j" -> {
                    String module = w.get(i++);
                    int end = i;
                    while (end < w.size() && !w.get(end).equals("-m") && !w.get(end).equals("-j")) end++;
                    if (word.equals("-j")) {
                        target = module;
                        details.append(targetText(module, w.subList(i, end)));
                    } else {
                        details.append(matchText(module, w.subList(i, end)));
                    }
                    i = end;
                }
                default -> throw new IllegalStateException("iptables-save word '" + word + "' outside any module in: " + saveLine);
            }
            not = false;
        }
        return new IptablesRow(target, protocol, notProtocol, in, out, source, notSource, destination, notDestination, details.toString());
    }

    /** A /32 prints as the bare address; any other prefix with its length. */
    private static String address(String prefix) {
        return prefix.endsWith("/32") ? prefix.substring(0, prefix.length() - 3) : prefix;
    }

    /** What a match module prints of itself (each part with its leading blank, as the modules print them). */
    private static String matchText(String module, List<String> opts) {
        StringBuilder sb = new StringBuilder();
        boolean not = false;
        switch (module) {
            case "tcp", "udp" -> sb.append(' ').append(module);
            case "recent" -> sb.append(" recent:");
            default -> { }
        }
        RecentOptions recent = new RecentOptions();
        for (int i = 0; i < opts.size(); i++) {
            String o = opts.get(i);
            if (o.equals("!")) {
                not = true;
                continue;
            }
            String bang = not ? "!" : "";
            switch (module + " " + o) {
                case "comment --comment" -> sb.append(" /* ").append(opts.get(++i)).append(" */");
                case "conntrack --ctstate" -> sb.append(not ? " ! ctstate " : " ctstate ").append(opts.get(++i));
                case "state --state" -> sb.append(not ? " ! state " : " state ").append(opts.get(++i));
                case "addrtype --dst-type" -> sb.append(" ADDRTYPE match dst-type ").append(bang).append(opts.get(++i));
                case "addrtype --src-type" -> sb.append(" ADDRTYPE match src-type ").append(bang).append(opts.get(++i));
                case "tcp --dport", "udp --dport" -> sb.append(port("dpt", bang, opts.get(++i)));
                case "tcp --sport", "udp --sport" -> sb.append(port("spt", bang, opts.get(++i)));
                case "mark --mark" -> sb.append(" mark match").append(not ? " ! " : " ").append(mark(opts.get(++i)));
                case "statistic --mode" -> sb.append(" statistic mode ").append(opts.get(++i));
                case "statistic --probability" -> sb.append(" probability ").append(opts.get(++i));
                case "set --match-set" -> {
                    sb.append(not ? " ! match-set " : " match-set ").append(opts.get(++i)).append(' ').append(opts.get(++i));
                }
                case "recent --set" -> recent.command = " SET";
                case "recent --rcheck" -> recent.command = " CHECK";
                case "recent --update" -> recent.command = " UPDATE";
                case "recent --remove" -> recent.command = " REMOVE";
                case "recent --seconds" -> recent.seconds = opts.get(++i);
                case "recent --reap" -> recent.reap = true;
                case "recent --hitcount" -> recent.hitcount = opts.get(++i);
                case "recent --name" -> recent.name = opts.get(++i);
                case "recent --mask" -> recent.mask = opts.get(++i);
                case "recent --rsource" -> recent.side = "source";
                case "recent --rdest" -> recent.side = "dest";
                default -> throw new IllegalStateException("iptables -L of '-m " + module + " " + o + "' is not simulated");
            }
            not = false;
        }
        if (module.equals("recent")) sb.append(recent);
        return sb.toString();
    }

    /** xt_recent's print: the command, seconds, reap, hit count, then name, side and mask, always in that order. */
    private static final class RecentOptions {
        String command = "", seconds, hitcount, name = "DEFAULT", mask = "255.255.255.255", side = "source";
        boolean reap;

        @Override
        public String toString() {
            return command + (seconds != null ? " seconds: " + seconds : "") + (reap ? " reap" : "")
                    + (hitcount != null ? " hit_count: " + hitcount : "") + " name: " + name + " side: " + side + " mask: " + mask;
        }
    }

    /** {@code dpt:80}, {@code dpts:30000:32767}, {@code dpt:!80}. */
    private static String port(String which, String bang, String ports) {
        return " " + which + (ports.contains(":") ? "s:" : ":") + bang + ports;
    }

    /** xt_mark prints 0xVALUE/0xMASK, or the value alone when the mask is all ones. */
    private static String mark(String text) {
        return text.endsWith("/0xffffffff") ? text.substring(0, text.indexOf('/')) : text;
    }

    /** What a target prints of itself after the matches. */
    private static String targetText(String target, List<String> opts) {
        return switch (target) {
            case "DNAT", "SNAT" -> opts.size() >= 2 ? " to:" + opts.get(1) : "";
            case "REJECT" -> " reject-with " + (opts.size() >= 2 ? opts.get(1) : "icmp-port-unreachable");
            case "MARK" -> opts.size() >= 2 ? markTarget(opts.get(1)) : "";
            case "MASQUERADE" -> opts.contains("--to-ports") ? " masq ports: " + opts.get(opts.indexOf("--to-ports") + 1) : "";
            default -> {
                if (!opts.isEmpty()) throw new IllegalStateException("iptables -L of '-j " + target + " " + String.join(" ", opts) + "' is not simulated");
                yield "";
            }
        };
    }

    /** MARK --set-xmark VALUE/MASK as xt_MARK (revision 2) names it: or, and, xor, set or xset. */
    private static String markTarget(String valueMask) {
        String[] vm = valueMask.split("/");
        long value = Long.decode(vm[0]);
        long mask = vm.length > 1 ? Long.decode(vm[1]) : 0xffffffffL;
        if (value == 0) return String.format(Locale.ROOT, " MARK and 0x%x", ~mask & 0xffffffffL);
        if (value == mask) return String.format(Locale.ROOT, " MARK or 0x%x", value);
        if (mask == 0) return String.format(Locale.ROOT, " MARK xor 0x%x", value);
        if (mask == 0xffffffffL) return String.format(Locale.ROOT, " MARK set 0x%x", value);
        return String.format(Locale.ROOT, " MARK xset 0x%x/0x%x", value, mask);
    }

    /** iptables-save's words: blanks split them; a "double quoted" word (with \" and \\ escapes) is one word. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        int i = 0, n = line.length();
        while (i < n) {
            while (i < n && line.charAt(i) == ' ') i++;
            if (i >= n) break;
            StringBuilder w = new StringBuilder();
            if (line.charAt(i) == '"') {
                i++;
                while (i < n && line.charAt(i) != '"') {
                    if (line.charAt(i) == '\\' && i + 1 < n) i++;
                    w.append(line.charAt(i++));
                }
                i++;
            } else {
                while (i < n && line.charAt(i) != ' ') w.append(line.charAt(i++));
            }
            out.add(w.toString());
        }
        return out;
    }
}
