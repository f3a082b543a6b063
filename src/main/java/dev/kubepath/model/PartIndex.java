package dev.kubepath.model;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.LongTable;
import dev.kubepath.net.Protocol;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Lookups in a host's lists part by part ({@link SharedList}), each part indexed once and the index kept with the
 * part: a thousand hosts sharing the ClusterIP virtual servers share one index of them.
 */
public final class PartIndex {
    private static final Object BY_ADDRESS = new Object(), BY_FRONTEND = new Object(), DEVICES = new Object();

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

    /** The devices a part's addresses are on. */
    public static Set<String> devices(SharedList.Part<IfAddress> part) {
        return part.memo(DEVICES, items -> {
            Set<String> out = new HashSet<>();
            for (IfAddress a : items) out.add(a.dev());
            return Set.copyOf(out);
        });
    }

    /**
     * Whether any address of the part may sit on one of host h's devices of these kinds (a device the host does not
     * list may be anything): service addresses on kube-ipvs0 say nothing of where a host sits, and readers skip them.
     */
    public static boolean mayHold(Host h, SharedList.Part<IfAddress> part, Predicate<LinkKind> kinds) {
        for (String dev : devices(part)) {
            Link l = h.link(dev).orElse(null);
            if (l == null || kinds.test(l.kind())) return true;
        }
        return false;
    }

    private static long frontend(Protocol p, Ipv4 ip, int port) {
        return ((long) p.ordinal() << 48) | (ip.unsigned() << 16) | port;
    }
}
