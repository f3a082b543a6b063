package dev.kubepath.proxy;

import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * kube-proxy's names for per-service and per-endpoint chains: "KUBE-SVC-" / "KUBE-SEP-" followed by the first 16
 * characters of base32(sha256(input)). The input is the service port name ("ns/name:portname", with the colon even
 * when the port has no name, as kube-proxy 1.15 formats it), the lower-case protocol and, for an endpoint chain,
 * the endpoint "ip:port". The names must match the real ones so that a trace can be compared with iptables-save.
 */
public final class ChainNames {
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private ChainNames() {}

    /** "ns/name:portname" as kube-proxy 1.15 prints it in comments and hashes it. */
    public static String servicePortName(String namespace, String name, String portName) {
        return namespace + "/" + name + ":" + (portName == null ? "" : portName);
    }

    public static String serviceChain(String servicePortName, Protocol protocol) {
        return "KUBE-SVC-" + hash(servicePortName + protocol.lower());
    }

    public static String endpointChain(String servicePortName, Protocol protocol, SocketAddress endpoint) {
        return "KUBE-SEP-" + hash(servicePortName + protocol.lower() + endpoint);
    }

    static String hash(String input) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
        return base32(digest).substring(0, 16);
    }

    /** RFC 4648 base32 (the padding never matters: only 16 characters are kept). */
    static String base32(byte[] data) {
        StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                sb.append(BASE32[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) sb.append(BASE32[(buffer << (5 - bits)) & 31]);
        return sb.toString();
    }
}
