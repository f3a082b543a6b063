package dev.kubepath.host.linux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubepath.host.HostNetworkException;
import dev.kubepath.ingest.AddrFile;
import dev.kubepath.ingest.BridgeFdbText;
import dev.kubepath.ingest.IpAddrJson;
import dev.kubepath.ingest.IpNeighText;
import dev.kubepath.ingest.IpRouteJson;
import dev.kubepath.ingest.Parsed;
import dev.kubepath.ingest.SsText;
import dev.kubepath.ingest.SysctlText;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Facet;
import dev.kubepath.model.Host;
import dev.kubepath.model.HostBuilder;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;
import dev.kubepath.model.Socket;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Reads one namespace's state from iproute2's JSON output into the vendor-neutral model, through the parsers a
 * bundle's files go through (one parser per format), so {@code lab verify} checks those parsers on a real kernel.
 */
final class HostReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Netns ns;

    HostReader(Netns ns) {
        this.ns = ns;
    }

    void readInto(HostBuilder b) {
        readKernelTables(b);
        CommandResult fwd = ns.exec("cat", "/proc/sys/net/ipv4/ip_forward").orThrow();
        b.sysctl(Host.IP_FORWARD, fwd.stdout().strip());
        readSockets(b, ns.exec("ss", "-H", "-4", "-ltn"));
    }

    private void readKernelTables(HostBuilder b) {
        readLinks(b);
        for (IfAddress a : parsed(ns.ip("-4", "-j", "addr", "show"), AddrFile::parse).addresses()) b.address(a);
        b.know(Facet.ADDRESSES);
        for (Route r : parsed(ns.ip("-4", "-j", "route", "show", "table", "all"), IpRouteJson::parse)) b.route(r);
        b.know(Facet.ROUTES);
        for (Neighbour n : parsed(ns.ip("-4", "-j", "neigh", "show"), IpNeighText::parse)) b.neighbour(n);
        b.know(Facet.NEIGHBOURS);
        for (FdbEntry f : parsed(ns.bridge("-j", "fdb", "show"), BridgeFdbText::parse)) {
            // only what a VXLAN device forwards to remote VTEPs; bridge ports' own and multicast entries are noise
            if (f.dst() != null) b.fdb(f);
        }
        b.know(Facet.FDB);
    }

    /**
     * As {@link #readInto(HostBuilder)}, with the sysctls (as {@code sysctl} prints them, read by the bundle's
     * sysctl.txt parser) and ss's output already read (one exec for several files).
     */
    void readInto(HostBuilder b, String sysctls, CommandResult ss) {
        readKernelTables(b);
        Parsed<Map<String, String>> read = SysctlText.parse(ns.name() + ": sysctls", sysctls);
        if (!read.clean()) throw new HostNetworkException(ns.name() + ": the sysctls read back are not 'key = value': " + read.problems().getFirst().message());
        read.value().forEach(b::sysctl);
        if (!b.sysctls.containsKey(Host.IP_FORWARD)) throw new HostNetworkException(ns.name() + ": net.ipv4.ip_forward not read: " + sysctls.strip());
        readSockets(b, ss);
    }

    /**
     * The devices as a bundle's link.txt is read; a veth whose far end is in another namespace (the parser's
     * {@code ifN}) is then named "nsname/ifname", the form AddLink takes.
     */
    private void readLinks(HostBuilder b) {
        CommandResult r = ns.ip("-j", "-d", "link", "show");
        Map<String, Integer> peerNetnsid = new HashMap<>();
        for (IpAddrJson.Device d : devices(r)) if (d.peerNetnsid() != null) peerNetnsid.put(d.name(), d.peerNetnsid());
        PeerNames peers = new PeerNames();
        for (Link l : parsed(r, AddrFile::parse).links()) {
            Integer nsid = peerNetnsid.get(l.name());
            if (nsid != null && l.kind() instanceof LinkKind.Veth(String peer) && peer != null && peer.matches("if\\d+")) {
                l = new Link(l.name(), new LinkKind.Veth(peers.name(nsid, Integer.parseInt(peer.substring(2)))), l.mtu(), l.mac(), l.up(), l.master());
            }
            b.link(l);
        }
        b.know(Facet.LINKS);
    }

    /**
     * Names the far end of a veth in another namespace as "nsname/ifname" (the form AddLink takes): the netnsid
     * is resolved with {@code ip netns list-id}, the ifindex with that namespace's link list. Looked up lazily,
     * once per read; an unnamed namespace yields "nsid N/ifindex M".
     */
    private final class PeerNames {
        private Map<Integer, String> namespaces;
        private final Map<String, Map<Integer, String>> links = new HashMap<>();

        String name(int nsid, int ifindex) {
            if (namespaces == null) {
                namespaces = new HashMap<>();
                for (JsonNode n : json(ns.ip("-j", "netns", "list-id"))) {
                    if (n.hasNonNull("name")) namespaces.put(n.path("nsid").asInt(), n.path("name").asText());
                }
            }
            String peerNs = namespaces.get(nsid);
            if (peerNs == null) return "nsid " + nsid + "/ifindex " + ifindex;
            Map<Integer, String> names = links.computeIfAbsent(peerNs, k -> {
                Map<Integer, String> m = new HashMap<>();
                for (IpAddrJson.Device d : devices(new Netns(k, ns.runner()).ip("-j", "link", "show"))) m.put(d.ifindex(), d.name());
                return m;
            });
            String ifname = names.get(ifindex);
            return peerNs + "/" + (ifname != null ? ifname : "ifindex " + ifindex);
        }
    }

    private void readSockets(HostBuilder b, CommandResult ss) {
        if (!ss.ok()) return; // sockets stay unknown rather than wrongly empty
        for (Socket s : parsed(ss, SsText::parse)) b.socket(s);
        b.know(Facet.SOCKETS);
    }

    private List<IpAddrJson.Device> devices(CommandResult r) {
        if (!r.ok()) throw new HostNetworkException(ns.name() + ": '" + r.commandLine() + "' failed: " + r.stderr().strip());
        try {
            return IpAddrJson.devices(ns.name() + ": " + r.commandLine(), r.stdout().isBlank() ? "[]" : r.stdout());
        } catch (IllegalArgumentException e) {
            throw new HostNetworkException(ns.name() + ": '" + r.commandLine() + "' printed no JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Output read by the parser a bundle's file goes through, so {@code lab verify} checks that parser too. The lab's
     * own kernel printing something that parser cannot read is a failure of the lab, never a line to skip.
     */
    private <T> T parsed(CommandResult r, BiFunction<String, String, Parsed<T>> parser) {
        if (!r.ok()) throw new HostNetworkException(ns.name() + ": '" + r.commandLine() + "' failed: " + r.stderr().strip());
        Parsed<T> p = parser.apply(ns.name() + ": " + r.commandLine(), r.stdout().isBlank() ? "[]" : r.stdout());
        if (!p.clean()) throw new HostNetworkException(ns.name() + ": '" + r.commandLine() + "' printed what its parser cannot read: " + p.problems().getFirst().message());
        return p.value();
    }

    private JsonNode json(CommandResult r) {
        if (!r.ok()) throw new HostNetworkException(ns.name() + ": '" + r.commandLine() + "' failed: " + r.stderr().strip());
        try {
            String out = r.stdout().isBlank() ? "[]" : r.stdout();
            return JSON.readTree(out);
        } catch (Exception e) {
            throw new HostNetworkException(ns.name() + ": '" + r.commandLine() + "' printed no JSON: " + e.getMessage(), e);
        }
    }
}
