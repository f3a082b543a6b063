package dev.kubepath.host;

import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The simulated host refuses and forgets what the real kernel does (observed in FlannelKernelFactsTest and
 * LinuxHostTest on a real kernel: iproute2 6.1, Linux 6.x).
 */
class SimulatedHostTest {
    static final Mac PEER = Mac.parse("0a:00:00:00:00:0b");

    SimulatedHost flannelHost() {
        SimulatedHost h = new SimulatedHost(Host.builder("a").knowAll().build());
        h.apply(new NetChange.AddLink(new Link("eth0", new LinkKind.Ethernet(), 1500, null, true, null)),
                new NetChange.AddAddress(new IfAddress("eth0", Ipv4.parse("10.0.0.1"), 24)),
                new NetChange.AddLink(new Link("flannel.1", new LinkKind.Vxlan(1, 8472, Ipv4.parse("10.0.0.1"), "eth0", false), 1450, null, true, null)),
                new NetChange.ReplaceRoute(Route.onlink(Prefix.parse("172.17.2.0/24"), Ipv4.parse("172.17.2.0"), "flannel.1")),
                new NetChange.ReplaceNeighbour(new Neighbour(Ipv4.parse("172.17.2.0"), "flannel.1", PEER, Neighbour.State.PERMANENT)),
                new NetChange.ReplaceFdb(new FdbEntry(PEER, "flannel.1", Ipv4.parse("10.0.0.2"), true)));
        return h;
    }

    @Test
    void aGatewayOutsideTheDevicesPrefixNeedsOnlink() {
        SimulatedHost h = flannelHost();
        assertThatThrownBy(() -> h.apply(new NetChange.ReplaceRoute(Route.via(Prefix.parse("172.17.3.0/24"), Ipv4.parse("172.17.3.0"), "flannel.1", 0))))
                .isInstanceOf(HostNetworkException.class).hasMessageContaining("Nexthop has invalid gateway");
    }

    @Test
    void takingADeviceDownDeletesItsRoutesAndNeighboursButNotItsFdb() {
        SimulatedHost h = flannelHost();
        h.apply(new NetChange.SetLinkUp("flannel.1", false));
        Host after = h.read();
        assertThat(after.routes()).noneMatch(r -> "flannel.1".equals(r.dev()));
        assertThat(after.neighbours()).isEmpty();
        assertThat(after.fdb()).hasSize(1);
        h.apply(new NetChange.SetLinkUp("flannel.1", true));
        assertThat(h.read().routes()).as("not restored by bringing it up").noneMatch(r -> "flannel.1".equals(r.dev()));
    }

    @Test
    void aRouteThroughADownDeviceIsRefused() {
        SimulatedHost h = flannelHost();
        h.apply(new NetChange.SetLinkUp("flannel.1", false));
        assertThatThrownBy(() -> h.apply(new NetChange.ReplaceRoute(Route.onlink(Prefix.parse("172.17.2.0/24"), Ipv4.parse("172.17.2.0"), "flannel.1"))))
                .isInstanceOf(HostNetworkException.class).hasMessageContaining("Nexthop device is not up");
    }
}
