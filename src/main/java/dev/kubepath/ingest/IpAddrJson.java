package dev.kubepath.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;

import java.util.ArrayList;
import java.util.List;

/** {@code ip -j addr}, {@code ip -j link} and {@code ip -d -j link}: one object per device (linkinfo with -d). */
public final class IpAddrJson {
    private IpAddrJson() {}

    public static Parsed<Interfaces> parse(String file, String text) {
        Parsed<List<Listed>> p = Json.objects(file, text, "devices", "device", IpAddrJson::device);
        List<Link> links = new ArrayList<>();
        List<IfAddress> addresses = new ArrayList<>();
        for (Listed d : p.value()) {
            links.add(d.link());
            addresses.addAll(d.addresses());
        }
        return new Parsed<>(new Interfaces(links, addresses), p.problems());
    }

    /**
     * The hairpin mode of the bridge ports in {@code ip -d -j link} (linkinfo.info_slave_data.hairpin, which iproute2
     * prints as true or false for a port of a bridge), by device; a device that is no bridge port is not listed.
     */
    public static Parsed<java.util.Map<String, Boolean>> hairpinModes(String file, String text) {
        Parsed<List<java.util.Optional<java.util.Map.Entry<String, Boolean>>>> p = Json.objects(file, text, "devices", "device", d -> {
            JsonNode mode = d.path("linkinfo").path("info_slave_data").path("hairpin");
            String name = Json.text(d, "ifname");
            return mode.isBoolean() && name != null ? java.util.Optional.of(java.util.Map.entry(name, mode.asBoolean())) : java.util.Optional.empty();
        });
        java.util.Map<String, Boolean> out = new java.util.LinkedHashMap<>();
        for (var e : p.value()) e.ifPresent(x -> out.put(x.getKey(), x.getValue()));
        return new Parsed<>(out, p.problems());
    }

    /** One device object: the link and its IPv4 addresses. */
    private record Listed(Link link, List<IfAddress> addresses) {}

    private static Listed device(JsonNode d) {
        String name = Json.text(d, "ifname");
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("device without ifname");
        JsonNode mtu = d.get("mtu");
        if (mtu == null || !mtu.canConvertToInt()) throw new IllegalArgumentException("device " + name + " without a numeric mtu");
        // up and running (Link.up): iproute2 prints NO-CARRIER for a device set up whose operational state is not up
        boolean up = Json.hasFlag(d, "flags", "UP") && Json.hasFlag(d, "flags", "LOWER_UP") && !Json.hasFlag(d, "flags", "NO-CARRIER");
        String linkType = Json.text(d, "link_type");
        String address = Json.text(d, "address");
        Mac mac = address != null && ("ether".equals(linkType) || "loopback".equals(linkType)) ? Mac.parse(address) : null;
        String peer = peer(d);
        JsonNode info = d.get("linkinfo");
        LinkKind kind = info != null ? kind(info, name, peer) : LinkKinds.byName(name, peer, "loopback".equals(linkType));
        List<IfAddress> mine = new ArrayList<>();
        JsonNode ai = d.get("addr_info");
        if (ai != null) {
            for (JsonNode a : ai) {
                if (!"inet".equals(Json.text(a, "family"))) continue;
                String local = Json.text(a, "local");
                JsonNode len = a.get("prefixlen");
                if (local == null || len == null || !len.canConvertToInt() || len.asInt() < 0 || len.asInt() > 32) {
                    throw new IllegalArgumentException("device " + name + " has an inet address without local/prefixlen");
                }
                mine.add(new IfAddress(name, Ipv4.parse(local), len.asInt()));
            }
        }
        return new Listed(new Link(name, kind, mtu.asInt(), mac, up, Json.text(d, "master")), mine);
    }

    /**
     * A veth's far end: its name when it is in the same namespace ({@code "link"}), else its ifindex in the other
     * namespace as {@code ip link} prints it ({@code eth0@if5}: {@code "link_index"} beside {@code "link_netnsid"}).
     */
    private static String peer(JsonNode d) {
        String name = Json.text(d, "link");
        if (name != null) return name;
        JsonNode index = d.get("link_index");
        return index != null && index.canConvertToInt() ? "if" + index.asInt() : null;
    }

    /**
     * What {@code ip -j link} says of a device beyond the model: its ifindex and, for a device whose peer lives in
     * another namespace, that namespace's id (null otherwise). The lab names a veth's far end with them.
     */
    public record Device(String name, int ifindex, Integer peerNetnsid) {}

    /** The devices of an {@code ip -j link} or {@code ip -j addr} listing, by {@link Device}; unreadable ones skipped. */
    public static List<Device> devices(String file, String text) {
        Problems problems = new Problems(file);
        JsonNode root = Json.read(problems, text);
        if (root == null || !root.isArray()) throw new IllegalArgumentException(file + ": expected a JSON array of devices");
        List<Device> out = new ArrayList<>();
        for (JsonNode d : root) {
            String name = Json.text(d, "ifname");
            JsonNode index = d.get("ifindex");
            if (name == null || index == null || !index.canConvertToInt()) continue;
            JsonNode nsid = d.get("link_netnsid");
            out.add(new Device(name, index.asInt(), nsid != null && nsid.canConvertToInt() ? nsid.asInt() : null));
        }
        return out;
    }

    private static LinkKind kind(JsonNode info, String name, String peer) {
        String k = Json.text(info, "info_kind");
        if (k == null) return LinkKinds.byName(name, peer, false);
        JsonNode data = info.get("info_data");
        return switch (k) {
            case "vxlan" -> {
                if (data == null || data.get("id") == null) throw new IllegalArgumentException("vxlan device " + name + " without info_data.id");
                String local = Json.text(data, "local");
                JsonNode learning = data.get("learning");
                yield new LinkKind.Vxlan(data.get("id").asInt(), data.has("port") ? data.get("port").asInt() : 0,
                        local == null ? null : Ipv4.parse(local), Json.text(data, "link"),
                        learning == null || learning.asBoolean());
            }
            case "bridge" -> new LinkKind.Bridge();
            case "veth" -> new LinkKind.Veth(peer);
            case "dummy" -> new LinkKind.Dummy();
            default -> LinkKinds.byName(name, peer, false);
        };
    }
}
