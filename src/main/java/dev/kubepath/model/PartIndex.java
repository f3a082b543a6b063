package dev.kubepath.model;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.LongTable;
import dev.kubepath.net.Protocol;

import java.util.List;

/**
 * Lookups in a host's lists part by part ({@link SharedList}), each part indexed once and the index kept with the
 * part: a thousand hosts sharing the ClusterIP virtual servers share one index of them.
 */
public final class PartIndex {
    private static final Object BY_ADDRESS = new Object(), BY_FRONTEND = new Object();

    private PartIndex() {
    }

    /** The virtual server at this address and port; when two parts have one, the later (as a replace would leave it). */
    public static VirtualServer virtualServer(List<SharedList.Part<VirtualServer>> parts, Protocol p, Ipv4 ip, int port) {
        for (int i = parts.size() - 1; i >= 0; i--) {
            SharedList.Part<VirtualServer> part = parts.get(i);
            VirtualServer v = part.items() instanceof NodePortServers np ? np.find(p, ip, port)
                    : part.memo(BY_FRONTEND, x -> LongTable.of(x, w -> frontend(w.protocol(), w.address().ip(), w.address().port())))
                            .get(frontend(p, ip, port));
            if (v != null) return v;
        }
        return null;
    }

    /** Whether one of the addresses is this one. */
    public static boolean hasAddress(List<SharedList.Part<IfAddress>> parts, Ipv4 ip) {
        for (SharedList.Part<IfAddress> part : parts) {
            if (part.memo(BY_ADDRESS, items -> LongTable.of(items, a -> a.ip().unsigned())).get(ip.unsigned()) != null) return true;
        }
        return false;
    }

    private static long frontend(Protocol p, Ipv4 ip, int port) {
        return ((long) p.ordinal() << 48) | (ip.unsigned() << 16) | port;
    }
}
