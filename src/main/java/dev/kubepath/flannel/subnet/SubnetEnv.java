package dev.kubepath.flannel.subnet;

import dev.kubepath.net.Prefix;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /run/flannel/subnet.env}: what docker reads for {@code --bip} and {@code --mtu} when it starts.
 * {@code subnet} is the leased network; the file shows its first usable address (172.17.89.1/24).
 */
public record SubnetEnv(Prefix network, Prefix subnet, int mtu, boolean ipMasq) {
    public static final String FILE = "/run/flannel/subnet.env";

    /** The bridge address docker will take: subnet.1 with the subnet's length. */
    public String bridgeAddress() {
        return subnet.address(1) + "/" + subnet.length();
    }

    public String render() {
        return "FLANNEL_NETWORK=" + network + "\n"
                + "FLANNEL_SUBNET=" + bridgeAddress() + "\n"
                + "FLANNEL_MTU=" + mtu + "\n"
                + "FLANNEL_IPMASQ=" + ipMasq + "\n";
    }

    /** Parses the file; {@code source} names it in errors, which carry the line number and the expectation. */
    public static SubnetEnv parse(String text, String source) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        String[] all = text.split("\n", -1);
        for (int i = 0; i < all.length; i++) {
            String line = all[i].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            int eq = line.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException(source + ":" + (i + 1) + ": expected NAME=value, got '" + line + "'");
            values.put(line.substring(0, eq), line.substring(eq + 1));
            lines.put(line.substring(0, eq), i + 1);
        }
        Prefix network = Prefix.parse(require(values, lines, "FLANNEL_NETWORK", source));
        String sub = require(values, lines, "FLANNEL_SUBNET", source);
        Prefix subnet;
        try {
            subnet = Prefix.parse(sub);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ":" + lines.get("FLANNEL_SUBNET") + ": FLANNEL_SUBNET expected a.b.c.d/len, got '" + sub + "'", e);
        }
        int mtu;
        String m = require(values, lines, "FLANNEL_MTU", source);
        try {
            mtu = Integer.parseInt(m);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ":" + lines.get("FLANNEL_MTU") + ": FLANNEL_MTU expected a number, got '" + m + "'", e);
        }
        boolean masq = Boolean.parseBoolean(values.getOrDefault("FLANNEL_IPMASQ", "false"));
        return new SubnetEnv(network, subnet, mtu, masq);
    }

    private static String require(Map<String, String> values, Map<String, Integer> lines, String key, String source) {
        String v = values.get(key);
        if (v == null) throw new IllegalArgumentException(source + ": " + key + " missing (expected a line " + key + "=...)");
        return v;
    }

    public static SubnetEnv of(Prefix network, Prefix subnet, int mtu, boolean ipMasq) {
        return new SubnetEnv(network, subnet, mtu, ipMasq);
    }
}
