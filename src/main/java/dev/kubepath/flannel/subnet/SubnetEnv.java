package dev.kubepath.flannel.subnet;

import dev.kubepath.ingest.Parsed;
import dev.kubepath.net.Prefix;

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

    /**
     * Parses the file with the bundle's subnet.env parser (one parser per format); {@code source} names it in errors,
     * which carry the line number and the expectation. flanneld writes FLANNEL_IPMASQ with Go's %v of a bool, so
     * anything but true or false is an error, not false; a file without the line (written by hand) means false.
     */
    public static SubnetEnv parse(String text, String source) {
        Parsed<dev.kubepath.ingest.SubnetEnv> parsed = dev.kubepath.ingest.SubnetEnv.parse(source, text);
        if (!parsed.clean()) throw new IllegalArgumentException(parsed.problems().getFirst().toString());
        dev.kubepath.ingest.SubnetEnv e = parsed.value();
        return new SubnetEnv(require(e.network(), "FLANNEL_NETWORK", source), require(e.subnet(), "FLANNEL_SUBNET", source),
                require(e.mtu(), "FLANNEL_MTU", source), Boolean.TRUE.equals(e.ipMasq()));
    }

    private static <T> T require(T value, String key, String source) {
        if (value == null) throw new IllegalArgumentException(source + ": " + key + " missing (expected a line " + key + "=...)");
        return value;
    }

    public static SubnetEnv of(Prefix network, Prefix subnet, int mtu, boolean ipMasq) {
        return new SubnetEnv(network, subnet, mtu, ipMasq);
    }
}
