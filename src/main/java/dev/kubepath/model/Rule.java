package dev.kubepath.model;

import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;

/**
 * One iptables rule of the subset that kube-proxy and flannel write, in the order {@code iptables-save} prints it.
 * Fields that do not constrain the match are null (or false). {@code text} keeps the original line when the rule
 * was read from a file, so a trace can name it exactly.
 */
public record Rule(String chain, Match match, Target target, String comment, String text) {

    public record Match(Prefix src, boolean notSrc, Prefix dst, boolean notDst, Protocol protocol, Integer dport,
                        String inInterface, String outInterface, boolean dstTypeLocal, boolean notDstTypeLocal,
                        Integer markValue, Integer markMask, Double probability, String ctstate, boolean notMark,
                        String recentCheck) {
        public static final Match ANY = new Match(null, false, null, false, null, null, null, null, false, false, null, null, null, null, false, null);

        public Match withSrc(Prefix p, boolean negated) {
            return new Match(p, negated, dst, notDst, protocol, dport, inInterface, outInterface, dstTypeLocal, notDstTypeLocal, markValue, markMask, probability, ctstate, notMark, recentCheck);
        }

        public Match withDst(Prefix p, boolean negated) {
            return new Match(src, notSrc, p, negated, protocol, dport, inInterface, outInterface, dstTypeLocal, notDstTypeLocal, markValue, markMask, probability, ctstate, notMark, recentCheck);
        }

        public Match withPort(Protocol p, Integer port) {
            return new Match(src, notSrc, dst, notDst, p, port, inInterface, outInterface, dstTypeLocal, notDstTypeLocal, markValue, markMask, probability, ctstate, notMark, recentCheck);
        }

        public Match withDstTypeLocal(boolean local, boolean negated) {
            return new Match(src, notSrc, dst, notDst, protocol, dport, inInterface, outInterface, local, negated, markValue, markMask, probability, ctstate, notMark, recentCheck);
        }

        /** {@code -m mark ! --mark value/mask}: the packet's mark under the mask is anything but the value. */
        public Match withNotMark(int value, int mask) {
            return new Match(src, notSrc, dst, notDst, protocol, dport, inInterface, outInterface, dstTypeLocal, notDstTypeLocal, value, mask, probability, ctstate, true, recentCheck);
        }

        /**
         * {@code -m recent --rcheck/--update --name NAME}: matches a client seen within the affinity window, i.e. a
         * connection after the first. A trace follows a first connection, so such a rule never matches in it.
         */
        public Match withRecentCheck(String name) {
            return new Match(src, notSrc, dst, notDst, protocol, dport, inInterface, outInterface, dstTypeLocal, notDstTypeLocal, markValue, markMask, probability, ctstate, notMark, name);
        }

        public Match withMark(int value, int mask) {
            return new Match(src, notSrc, dst, notDst, protocol, dport, inInterface, outInterface, dstTypeLocal, notDstTypeLocal, value, mask, probability, ctstate, notMark, recentCheck);
        }

        public Match withProbability(double p) {
            return new Match(src, notSrc, dst, notDst, protocol, dport, inInterface, outInterface, dstTypeLocal, notDstTypeLocal, markValue, markMask, p, ctstate, notMark, recentCheck);
        }

        /** conntrack state list as iptables prints it, e.g. "RELATED,ESTABLISHED". */
        public Match withCtstate(String states) {
            return new Match(src, notSrc, dst, notDst, protocol, dport, inInterface, outInterface, dstTypeLocal, notDstTypeLocal, markValue, markMask, probability, states, notMark, recentCheck);
        }

        public Match withInterfaces(String in, String out) {
            return new Match(src, notSrc, dst, notDst, protocol, dport, in, out, dstTypeLocal, notDstTypeLocal, markValue, markMask, probability, ctstate, notMark, recentCheck);
        }
    }

    public sealed interface Target {
        record Accept() implements Target {}

        record Drop() implements Target {}

        record Reject() implements Target {}

        record Return() implements Target {}

        record Jump(String chain) implements Target {}

        record Dnat(dev.kubepath.net.SocketAddress to) implements Target {}

        record Masquerade() implements Target {}

        /** MARK --set-xmark value/mask, as kube-proxy marks packets for masquerade (0x4000/0x4000). */
        record SetMark(int value, int mask) implements Target {}
    }

    public String describe() {
        return text != null ? text : RuleText.render(this);
    }
}
