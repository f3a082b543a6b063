package dev.kubepath.flannel.vxlan;

import dev.kubepath.flannel.NetworkConfigs;
import dev.kubepath.host.NetChange;
import dev.kubepath.host.SimulatedHost;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VxlanBackendTest {
    private static Lease lease(String subnet, String ip, String mac) {
        return new Lease(Prefix.parse(subnet), Ipv4.parse(ip), "vxlan", Mac.parse(mac), null);
    }

    private static SimulatedHost bare() {
        var b = Host.builder("n1");
        b.link(new Link("eth0", new LinkKind.Ethernet(), 9001, Mac.parse("52:54:00:00:00:01"), true, null));
        b.address(new IfAddress("eth0", Ipv4.parse("10.0.0.35"), 24));
        b.route(Route.direct(Prefix.parse("10.0.0.0/24"), "eth0", 100));
        return new SimulatedHost(b.build());
    }

    @Test
    void createsTheDeviceAndDirectRoutesPeersOnTheSameSegment() {
        var cfg = NetworkConfigs.parse("{\"Network\":\"172.17.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"DirectRouting\":true}}");
        var backend = new VxlanBackend(cfg, new Underlay("eth0", Ipv4.parse("10.0.0.35"), Prefix.parse("10.0.0.0/24"), 9001));
        Lease own = lease("172.17.89.0/24", "10.0.0.35", "36:70:76:ea:39:b8");
        var want = backend.desired(own, List.of(own, lease("172.17.9.0/24", "10.0.0.36", "2a:2c:21:3a:58:21"),
                lease("172.17.7.0/24", "192.168.5.7", "02:00:00:00:00:07")));
        SimulatedHost h = bare();
        backend.reconcile(h, want);
        Host got = h.read();
        Link dev = got.link("flannel.1").orElseThrow();
        assertThat(dev.mtu()).isEqualTo(8951);
        assertThat(dev.kind()).isEqualTo(new LinkKind.Vxlan(1, 8472, Ipv4.parse("10.0.0.35"), "eth0", false));
        assertThat(got.routes()).extracting(Route::describe).contains("172.17.9.0/24 via 10.0.0.36 dev eth0",
                "172.17.7.0/24 via 172.17.7.0 dev flannel.1 onlink");
        assertThat(got.fdb()).extracting(f -> f.describe()).containsExactly("02:00:00:00:00:07 dev flannel.1 dst 192.168.5.7 self permanent");
        assertThat(backend.diff(got, want)).isEmpty();

        // the peer on our segment goes away: its direct route goes, eth0's own connected route stays
        var after = backend.desired(own, List.of(own));
        List<NetChange> changes = backend.reconcile(h, after);
        assertThat(changes).hasSize(4);
        assertThat(h.read().routes()).extracting(Route::describe).containsExactly("10.0.0.0/24 dev eth0 scope link metric 100");
    }
}
