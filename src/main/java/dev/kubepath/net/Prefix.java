package dev.kubepath.net;

/** An IPv4 network: the address with its host bits cleared, and the prefix length. */
public record Prefix(Ipv4 network, int length) implements Comparable<Prefix> {
    public static final Prefix DEFAULT = new Prefix(Ipv4.ANY, 0);

    public Prefix {
        if (length < 0 || length > 32) throw new IllegalArgumentException("prefix length " + length + " is not within 0..32");
        int bits = network.bits() & mask(length);
        if (bits != network.bits()) network = new Ipv4(bits); // an address already without host bits is kept as it is
    }

    public static Prefix of(Ipv4 address, int length) {
        return new Prefix(address, length);
    }

    public static Prefix host(Ipv4 address) {
        return new Prefix(address, 32);
    }

    /** Parses "a.b.c.d/len" (or a bare address as /32) and also flannel's key form "a.b.c.d-len". */
    public static Prefix parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) slash = text.lastIndexOf('-');
        if (slash < 0) return host(Ipv4.parse(text));
        String len = text.substring(slash + 1);
        if (len.isEmpty() || len.length() > 2 || !len.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 prefix (expected a.b.c.d/len)");
        }
        return new Prefix(Ipv4.parse(text.substring(0, slash)), Integer.parseInt(len));
    }

    /** Builds a prefix from a dotted netmask such as 255.255.255.0, as route -n and ifconfig print it. */
    public static Prefix fromNetmask(Ipv4 address, Ipv4 netmask) {
        int m = netmask.bits();
        int len = Integer.bitCount(m);
        if (mask(len) != m) throw new IllegalArgumentException("'" + netmask + "' is not a contiguous netmask");
        return new Prefix(address, len);
    }

    public static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    public Ipv4 netmask() {
        return new Ipv4(mask(length));
    }

    public boolean contains(Ipv4 address) {
        return (address.bits() & mask(length)) == network.bits();
    }

    public boolean contains(Prefix other) {
        return other.length >= length && contains(other.network);
    }

    public boolean overlaps(Prefix other) {
        return contains(other.network) || other.contains(network);
    }

    public Ipv4 broadcast() {
        return new Ipv4(network.bits() | ~mask(length));
    }

    /** The n-th address of this network (0 is the network address itself). */
    public Ipv4 address(int n) {
        return network.plus(n);
    }

    public long size() {
        return 1L << (32 - length);
    }

    /** flannel's etcd key form: 172.17.9.0-24 */
    public String keyForm() {
        return network + "-" + length;
    }

    @Override
    public int compareTo(Prefix o) {
        int c = network.compareTo(o.network);
        return c != 0 ? c : Integer.compare(length, o.length);
    }

    // written out for the first JIT tier, as in Ipv4; the hash is the record's own (31 x the network's + the length)
    @Override
    public boolean equals(Object o) {
        return o instanceof Prefix other && other.length == length && other.network.bits() == network.bits();
    }

    @Override
    public int hashCode() {
        return network.bits() * 31 + length;
    }

    @Override
    public String toString() {
        return new StringBuilder(18).append(network).append('/').append(length).toString();
    }
}
