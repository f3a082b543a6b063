package dev.kubepath.ingest;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

import java.util.HashMap;
import java.util.Map;

/**
 * /run/flannel/subnet.env as flanneld writes it: FLANNEL_NETWORK, FLANNEL_SUBNET (the docker0 address with the
 * lease's length, e.g. 172.17.89.1/24), FLANNEL_MTU, FLANNEL_IPMASQ. Fields absent from the file are null.
 */
public record SubnetEnv(Prefix network, Ipv4 bridgeAddress, Prefix subnet, Integer mtu, Boolean ipMasq) {
    public static Parsed<SubnetEnv> parse(String file, String text) {
        Problems problems = new Problems(file);
        Map<String, String> vars = new HashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String line = l.text().trim();
            if (Transcript.isComment(line)) continue;
            int eq = line.indexOf('=');
            if (eq <= 0) {
                problems.add(l.number(), "expected NAME=value, got '" + line + "'");
                continue;
            }
            vars.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            lines.put(line.substring(0, eq).trim(), l.number());
        }
        Prefix network = null, subnet = null;
        Ipv4 bridge = null;
        Integer mtu = null;
        Boolean masq = null;
        try {
            if (vars.containsKey("FLANNEL_NETWORK")) network = Addresses.prefix(vars.get("FLANNEL_NETWORK"));
        } catch (IllegalArgumentException e) {
            problems.add(lines.get("FLANNEL_NETWORK"), e);
        }
        try {
            String s = vars.get("FLANNEL_SUBNET");
            if (s != null) {
                bridge = Addresses.addressOf(s);
                subnet = Prefix.of(bridge, Addresses.lengthOf(s));
            }
        } catch (IllegalArgumentException e) {
            problems.add(lines.get("FLANNEL_SUBNET"), e);
        }
        try {
            if (vars.containsKey("FLANNEL_MTU")) mtu = Tokens.parseInt(vars.get("FLANNEL_MTU"), "FLANNEL_MTU");
        } catch (IllegalArgumentException e) {
            problems.add(lines.get("FLANNEL_MTU"), e);
        }
        String m = vars.get("FLANNEL_IPMASQ");
        if (m != null) {
            if (m.equals("true") || m.equals("false")) masq = Boolean.valueOf(m);
            else problems.add(lines.get("FLANNEL_IPMASQ"), "FLANNEL_IPMASQ '" + m + "' is not true or false");
        }
        return problems.result(new SubnetEnv(network, bridge, subnet, mtu, masq));
    }
}
