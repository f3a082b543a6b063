package dev.kubepath.model;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.LongTable;
import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The NodePort virtual servers kube-proxy's IPVS mode makes on a node: one per local address and NodePort, each
 * with the service's real servers. The servers of one NodePort differ between nodes only in their address, so they
 * are generated from templates that every node shares (address 0.0.0.0:nodePort), address by address.
 */
public final class NodePortServers extends AbstractList<VirtualServer> implements RandomAccess {
    private static final Object BY_PORT = new Object();

    private final List<Ipv4> addresses;
    private final SharedList.Part<VirtualServer> templates;

    public NodePortServers(List<Ipv4> addresses, SharedList.Part<VirtualServer> templates) {
        this.addresses = List.copyOf(addresses);
        this.templates = templates;
    }

    /** A template: the virtual server of a NodePort, on no address yet. */
    public static VirtualServer template(Protocol protocol, int nodePort, String scheduler, List<VirtualServer.RealServer> reals) {
        return new VirtualServer(protocol, new SocketAddress(Ipv4.ANY, nodePort), scheduler, reals);
    }

    public List<Ipv4> addresses() {
        return addresses;
    }

    public SharedList.Part<VirtualServer> templates() {
        return templates;
    }

    @Override
    public VirtualServer get(int index) {
        int n = templates.items().size();
        return at(addresses.get(index / n), templates.items().get(index % n));
    }

    @Override
    public int size() {
        return addresses.size() * templates.items().size();
    }

    /** The server at this address and port, or null: without going through every generated one. */
    public VirtualServer find(Protocol protocol, Ipv4 ip, int port) {
        if (!addresses.contains(ip)) return null;
        LongTable<VirtualServer> byPort = templates.memo(BY_PORT, t -> LongTable.of(t, v -> key(v.protocol(), v.address().port())));
        VirtualServer t = byPort.get(key(protocol, port));
        return t == null ? null : at(ip, t);
    }

    private static long key(Protocol p, int port) {
        return ((long) p.ordinal() << 16) | port;
    }

    private static VirtualServer at(Ipv4 ip, VirtualServer template) {
        return new VirtualServer(template.protocol(), new SocketAddress(ip, template.address().port()), template.scheduler(), template.reals());
    }
}
