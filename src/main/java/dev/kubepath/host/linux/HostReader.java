package dev.kubepath.host.linux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubepath.host.HostNetworkException;
import dev.kubepath.ingest.BridgeFdbText;
import dev.kubepath.ingest.IpNeighText;
import dev.kubepath.ingest.IpRouteJson;
import dev.kubepath.ingest.Parsed;
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
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Protocol;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

/** Reads one namespace's state from iproute2's JSON output into the vendor-neutral model. */
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
        for (JsonNode link : json(ns.ip("-4", "-j", "addr", "show"))) {
            for (JsonNode a : link.path("addr_info")) {
                if (!"inet".equals(a.path("family").asText())) continue;
                b.address(new IfAddress(link.path("ifname").asText(), Ipv4.parse(a.path("local").asText()), a.path("prefixlen").asInt()));
            }
        }
        b.know(Facet.ADDRESSES);
        for (JsonNode r : json(ns.ip("-4", "-j", "route", "show", "table", "all"))) {
            Route route = route(r);
            if (route != null) b.route(route);
        }
        b.know(Facet.ROUTES);
        for (Neighbour n : parsed(ns.ip("-4", "-j", "neigh", "show"), IpNeighText::parse)) b.neighbour(n);
        b.know(Facet.NEIGHBOURS);
        for (FdbEntry f : parsed(ns.bridge("-j", "fdb", "show"), BridgeFdbText::parse)) {
            // only what a VXLAN device forwards to remote VTEPs; bridge ports' own and multicast entries are noise
            if (f.dst() != null) b.fdb(f);
        }
        b.know(Facet.FDB);
    }

    /** As {@link #readInto(HostBuilder)}, with ip_forward and ss's output already read (one exec for several files). */
    void readInto(HostBuilder b, String ipForward, CommandResult ss) {
        readKernelTables(b);
        b.sysctl(Host.IP_FORWARD, ipForward.strip());
        readSockets(b, ss);
    }

    private void readLinks(HostBuilder b) {
        JsonNode links = json(ns.ip("-j", "-d", "link", "show"));
        Map<Integer, String> byIndex = new HashMap<>();
        for (JsonNode l : links) byIndex.put(l.path("ifindex").asInt(), l.path("ifname").asText());
        PeerNames peers = new PeerNames();
        for (JsonNode l : links) {
            String name = l.path("ifname").asText();
            boolean up = false;
            for (JsonNode f : l.path("flags")) if ("UP".equals(f.asText())) up = true;
            String mac = l.path("address").asText(null);
            b.link(new Link(name, kind(l, byIndex, peers), l.path("mtu").asInt(), mac == null || !mac.contains(":") ? null : Mac.parse(mac),
                    up, l.path("master").asText(null)));
        }
        b.know(Facet.LINKS);
    }

    private static LinkKind kind(JsonNode l, Map<Integer, String> byIndex, PeerNames peers) {
        if ("loopback".equals(l.path("link_type").asText())) return new LinkKind.Loopback();
        JsonNode info = l.path("linkinfo");
        return switch (info.path("info_kind").asText("")) {
            case "bridge" -> new LinkKind.Bridge();
            case "dummy" -> new LinkKind.Dummy();
            case "veth" -> {
                if (l.hasNonNull("link") && !l.has("link_netnsid")) yield new LinkKind.Veth(l.path("link").asText());
                int peer = l.path("link_index").asInt(-1);
                if (!l.has("link_netnsid") && byIndex.containsKey(peer)) yield new LinkKind.Veth(byIndex.get(peer));
                yield new LinkKind.Veth(peers.name(l.path("link_netnsid").asInt(-1), peer));
            }
            case "vxlan" -> {
                JsonNode d = info.path("info_data");
                String local = d.path("local").asText(null);
                yield new LinkKind.Vxlan(d.path("id").asInt(), d.path("port").asInt(),
                        local == null ? null : Ipv4.parse(local), d.path("link").asText(null), d.path("learning").asBoolean(true));
            }
            default -> new LinkKind.Ethernet();
        };
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
                for (JsonNode l : json(new Netns(k, ns.runner()).ip("-j", "link", "show"))) m.put(l.path("ifindex").asInt(), l.path("ifname").asText());
                return m;
            });
            String ifname = names.get(ifindex);
            return peerNs + "/" + (ifname != null ? ifname : "ifindex " + ifindex);
        }
    }

    /** One route of {@code ip -j route show table all} as a bundle's parser reads it; null for kinds the model does not hold. */
    private static Route route(JsonNode r) {
        try {
            return IpRouteJson.route(r);
        } catch (IllegalArgumentException notModelled) {
            return null; // multicast, anycast, nat, throw: nothing the tracer follows
        }
    }

    private void readSockets(HostBuilder b, CommandResult ss) {
        if (!ss.ok()) return; // sockets stay unknown rather than wrongly empty
        for (String line : ss.stdout().split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 4) continue;
            String local = f[3];
            int colon = local.lastIndexOf(':');
            String ip = local.substring(0, colon);
            int pct = ip.indexOf('%');
            if (pct >= 0) ip = ip.substring(0, pct);
            Ipv4 addr = "*".equals(ip) ? Ipv4.ANY : Ipv4.isValid(ip) ? Ipv4.parse(ip) : null;
            if (addr == null) continue;
            b.socket(new Socket(Protocol.TCP, addr, Integer.parseInt(local.substring(colon + 1)), null));
        }
        b.know(Facet.SOCKETS);
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
