package dev.kubepath.net;

import java.util.random.RandomGenerator;

/** A 48-bit Ethernet address, printed lower-case with colons as iproute2 prints it. */
public record Mac(long bits) {
    public Mac {
        if ((bits & ~0xFFFF_FFFF_FFFFL) != 0) throw new IllegalArgumentException("MAC wider than 48 bits");
    }

    // written out, with the record's own values, for the first JIT tier (see Ipv4): MACs are keys of the VTEP checks
    @Override
    public boolean equals(Object o) {
        return o instanceof Mac other && other.bits == bits;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bits);
    }

    private static final java.util.regex.Pattern SEPARATOR = java.util.regex.Pattern.compile("[:-]");

    public static Mac parse(String text) {
        String[] parts = SEPARATOR.split(text); // as text.split("[:-]"), whose class of two is compiled again on every call
        if (parts.length != 6) throw bad(text);
        long v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 2) throw bad(text);
            try {
                v = (v << 8) | Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                throw bad(text);
            }
        }
        return new Mac(v);
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("'" + text + "' is not a MAC address (expected xx:xx:xx:xx:xx:xx)");
    }

    /** A random locally administered unicast address, as the kernel gives a new VXLAN device. */
    public static Mac randomLocal(RandomGenerator random) {
        long v = random.nextLong() & 0xFFFF_FFFF_FFFFL;
        v = (v & ~(0x01L << 40)) | (0x02L << 40);
        return new Mac(v);
    }

    /** Docker's scheme for container MACs: 02:42 followed by the IPv4 address. */
    public static Mac docker(Ipv4 ip) {
        return new Mac((0x0242L << 32) | ip.unsigned());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            int b = (int) ((bits >>> (i * 8)) & 0xFF);
            sb.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 15, 16));
            if (i > 0) sb.append(':');
        }
        return sb.toString();
    }
}
