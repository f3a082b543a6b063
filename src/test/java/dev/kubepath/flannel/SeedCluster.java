package dev.kubepath.flannel;

import dev.kubepath.host.SimulatedHost;
import dev.kubepath.model.Host;
import dev.kubepath.model.HostBuilder;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The seed incident's three hosts as they were before the fix (README: the cluster), for tests. */
final class SeedCluster {
    static final String CONFIG = "{\"Network\":\"172.17.0.0/16\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\"}}";
    static final Mac MAC03 = Mac.parse("b2:83:33:7b:fd:37");
    static final Mac MAC05 = Mac.parse("36:70:76:ea:39:b8");
    static final Mac MAC06 = Mac.parse("2a:2c:21:3a:58:21");

    private SeedCluster() {
    }

    /** eth0 on 10.0.0.0/24 with the default via 10.0.0.254, docker0 with its bridge subnet, flannel.1 with a MAC. */
    static HostBuilder base(String name, String ip, String docker0, Mac vtepMac, String flannelAddr) {
        HostBuilder b = Host.builder(name);
        Ipv4 me = Ipv4.parse(ip);
        b.link(new Link("lo", new LinkKind.Loopback(), 65536, null, true, null));
        b.link(new Link("eth0", new LinkKind.Ethernet(), 1500, Mac.parse("52:54:00:00:00:" + ip.substring(ip.lastIndexOf('.') + 1)), true, null));
        b.address(new IfAddress("eth0", me, 24));
        b.route(Route.direct(Prefix.parse("10.0.0.0/24"), "eth0", 100));
        b.route(Route.via(Prefix.DEFAULT, Ipv4.parse("10.0.0.254"), "eth0", 100));
        Prefix dk = Prefix.parse(docker0);
        b.link(new Link("docker0", new LinkKind.Bridge(), 1450, Mac.docker(dk.address(1)), true, null));
        b.address(new IfAddress("docker0", dk.address(1), 24));
        b.route(Route.direct(dk, "docker0", 0));
        b.link(new Link("flannel.1", new LinkKind.Vxlan(1, 8472, me, "eth0", false), 1450, vtepMac, true, null));
        b.address(new IfAddress("flannel.1", Ipv4.parse(flannelAddr), 32));
        return b;
    }

    static void remote(HostBuilder b, String subnet, Mac mac, String publicIp) {
        Prefix p = Prefix.parse(subnet);
        b.route(Route.onlink(p, p.network(), "flannel.1"));
        b.neighbour(new Neighbour(p.network(), "flannel.1", mac, Neighbour.State.PERMANENT));
        b.fdb(new FdbEntry(mac, "flannel.1", Ipv4.parse(publicIp), true));
    }

    static SimulatedHost host03() {
        HostBuilder b = base("mcwk8s03", "10.0.0.33", "172.17.83.0/24", MAC03, "172.17.83.0");
        remote(b, "172.17.9.0/24", MAC06, "10.0.0.36");
        return new SimulatedHost(b.build());
    }

    static SimulatedHost host06() {
        HostBuilder b = base("mcwk8s06", "10.0.0.36", "172.17.9.0/24", MAC06, "172.17.9.0");
        remote(b, "172.17.83.0/24", MAC03, "10.0.0.33");
        return new SimulatedHost(b.build());
    }

    /** 05 before the fix: its lease (172.17.98.0/24) is gone; flannel.1 still routes to two vanished subnets. */
    static SimulatedHost host05() {
        HostBuilder b = base("mcwk8s05", "10.0.0.35", "172.17.98.0/24", MAC05, "172.17.98.0");
        Prefix p59 = Prefix.parse("172.17.59.0/24");
        Prefix p61 = Prefix.parse("172.17.61.0/24");
        b.route(Route.onlink(p59, p59.network(), "flannel.1"));
        b.route(Route.onlink(p61, p61.network(), "flannel.1"));
        return new SimulatedHost(b.build());
    }

    /** One row of {@code route -n}: destination/len, gateway (0.0.0.0 when direct), interface. */
    record RouteRow(String dst, String gateway, String iface) {
        static RouteRow of(Route r) {
            return new RouteRow(r.dst().toString(), r.via() == null ? "0.0.0.0" : r.via().toString(), r.dev());
        }
    }

    /** The route -n tables of 9-route-n-before-and-after.txt, keyed by their "# host, when" heading. */
    static Map<String, Set<RouteRow>> goldenTables() throws IOException {
        Map<String, Set<RouteRow>> out = new LinkedHashMap<>();
        String current = null;
        try (InputStream in = SeedCluster.class.getResourceAsStream("/seed/9-route-n-before-and-after.txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (line.startsWith("# ")) {
                    current = line.substring(2).replaceFirst(" \\(.*", "");
                    out.put(current, new HashSet<>());
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                if (current == null || f.length != 8 || !Ipv4.isValid(f[0])) continue;
                Prefix dst = Prefix.fromNetmask(Ipv4.parse(f[0]), Ipv4.parse(f[2]));
                out.get(current).add(new RouteRow(dst.toString(), f[1], f[7]));
            }
        }
        return out;
    }

    static Set<RouteRow> rows(Host h) {
        Set<RouteRow> out = new HashSet<>();
        for (Route r : h.routes()) if (Route.MAIN.equals(r.table())) out.add(RouteRow.of(r));
        return out;
    }

}
