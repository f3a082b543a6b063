package dev.kubepath.host.linux;

import dev.kubepath.host.HostNetworkException;
import dev.kubepath.host.NetChange;
import dev.kubepath.lab.RootOnly;
import dev.kubepath.model.Host;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the real kernel does with flannel's VXLAN entries, recorded so the simulated host can be held to it:
 * two hosts on one underlay, each with flannel.1, docker0 and a pod, programmed through {@link LinuxHost}.
 */
class FlannelKernelFactsTest {
    private FlannelPair pair;

    @BeforeEach
    void setUp() {
        RootOnly.assume();
        pair = new FlannelPair();
        // count VXLAN packets crossing the underlay bridge (the lab's tcpdump)
        pair.underlay.netns().exec(List.of("nft", "-f", "-"), """
                table bridge capture {
                  chain forward {
                    type filter hook forward priority 0; policy accept;
                    udp dport 8472 counter
                  }
                }
                """).orThrow();
    }

    @AfterEach
    void tearDown() {
        if (pair != null) pair.close();
    }

    private long vxlanPacketsOnUnderlay() {
        String text = pair.underlay.netns().exec("nft", "list", "table", "bridge", "capture").orThrow().stdout();
        Matcher m = Pattern.compile("udp dport 8472 counter packets (\\d+)").matcher(text);
        assertThat(m.find()).as("counter in %s", text).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void withFlannelsEntriesBothWaysPingCrossesTheUnderlayAsUdp8472() {
        pair.connect();
        assertThat(FlannelPair.ping(pair.a.host().netns(), pair.b.bridgeIp()).exit()).isZero();
        assertThat(vxlanPacketsOnUnderlay()).isGreaterThanOrEqualTo(2); // request and reply
        // pod to pod: both hosts forward
        CommandResult podToPod = FlannelPair.ping(pair.a.pod(), pair.b.podIp());
        assertThat(podToPod.exit()).as(podToPod.stdout()).isZero();
    }

    @Test
    void aVxlanDeviceOverA1500UnderlayGetsMtu1450ByDefault() {
        pair.a.host().apply(new NetChange.AddLink(new Link("flannel.2",
                new LinkKind.Vxlan(2, 8472, pair.a.publicIp(), "eth0", false), 0, null, false, null)));
        Host h = pair.a.host().read();
        assertThat(h.link("eth0").orElseThrow().mtu()).isEqualTo(1500);
        assertThat(h.link("flannel.2").orElseThrow().mtu()).isEqualTo(1450);
    }

    @Test
    void aGatewayOutsideTheDevicesPrefixesNeedsOnlink() {
        Route withoutOnlink = Route.via(pair.b.subnet(), pair.b.vtepIp(), "flannel.1", 0);
        assertThatThrownBy(() -> pair.a.host().apply(new NetChange.ReplaceRoute(withoutOnlink)))
                .isInstanceOf(HostNetworkException.class)
                .hasMessageContaining("route replace 172.17.2.0/24 via 172.17.2.0 dev flannel.1")
                .hasMessageEndingWith("Error: Nexthop has invalid gateway.");
    }

    @Test
    void noRouteAndNoDefaultIsNetworkUnreachableBeforeAnyPacketLeaves() {
        CommandResult r = FlannelPair.ping(pair.a.host().netns(), pair.b.bridgeIp());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr().strip()).isEqualTo("ping: connect: Network is unreachable");
        assertThat(vxlanPacketsOnUnderlay()).isZero();
    }

    @Test
    void withoutTheNeighbourEntryNothingLeaves() {
        pair.a.host().apply(FlannelPair.fdb(pair.b), FlannelPair.route(pair.b));
        pair.b.host().apply(FlannelPair.flannelEntries(pair.a));
        CommandResult r = FlannelPair.ping(pair.a.host().netns(), pair.b.bridgeIp());
        assertThat(r.exit()).isEqualTo(1); // sent, no reply: a timeout, not "unreachable"
        assertThat(r.stdout()).contains("1 packets transmitted, 0 received");
        assertThat(vxlanPacketsOnUnderlay()).isZero(); // nolearning flannel.1 cannot resolve 172.17.2.0 by ARP
        assertThat(pair.a.host().read().neighbours()).noneMatch(n -> n.state() == Neighbour.State.PERMANENT);
    }

    @Test
    void withoutTheFdbEntryNothingLeaves() {
        pair.a.host().apply(FlannelPair.neighbour(pair.b), FlannelPair.route(pair.b));
        pair.b.host().apply(FlannelPair.flannelEntries(pair.a));
        CommandResult r = FlannelPair.ping(pair.a.host().netns(), pair.b.bridgeIp());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(vxlanPacketsOnUnderlay()).isZero();
    }

    @Test
    void withIpForwardOffTheReceiverStillAnswersItselfButNotItsPods() {
        pair.connect();
        pair.b.host().apply(new NetChange.SetSysctl(Host.IP_FORWARD, "0"));
        assertThat(pair.b.host().read().ipForward()).isFalse();
        assertThat(FlannelPair.ping(pair.a.host().netns(), pair.b.bridgeIp()).exit()).isZero();
        assertThat(FlannelPair.ping(pair.a.host().netns(), pair.b.podIp()).exit()).isEqualTo(1);
    }

    @Test
    void settingTheDeviceDownDeletesItsRoutesAndNeighboursAndUpDoesNotBringThemBack() {
        pair.connect();
        Route overlay = Route.onlink(pair.b.subnet(), pair.b.vtepIp(), "flannel.1");
        assertThat(pair.a.host().read().routes()).contains(overlay);

        pair.a.host().apply(new NetChange.SetLinkUp("flannel.1", false));
        Host down = pair.a.host().read();
        assertThat(down.routes()).noneMatch(r -> r.table().equals("main") && "flannel.1".equals(r.dev()));
        // the local-table route of the device's own address stays: 172.17.1.0 is still a local address
        assertThat(down.routes()).anyMatch(r -> r.table().equals("local") && "flannel.1".equals(r.dev()));
        assertThat(FlannelPair.ping(pair.a.host().netns(), pair.b.bridgeIp()).stderr()).contains("Network is unreachable");
        assertThatThrownBy(() -> pair.a.host().apply(new NetChange.ReplaceRoute(overlay)))
                .hasMessageEndingWith("Error: Nexthop device is not up.");

        pair.a.host().apply(new NetChange.SetLinkUp("flannel.1", true));
        Host h = pair.a.host().read();
        assertThat(h.routes()).doesNotContain(overlay);
        // admin down flushes even the PERMANENT neighbour entries of the device
        assertThat(h.neighbours()).noneMatch(n -> n.dev().equals("flannel.1"));
        // ...while the VXLAN device's FDB entry survives the down/up
        assertThat(h.fdb()).containsExactly(new dev.kubepath.model.FdbEntry(pair.b.vtep(), "flannel.1", pair.b.publicIp(), true));
        pair.a.host().apply(FlannelPair.flannelEntries(pair.b));
        assertThat(FlannelPair.ping(pair.a.host().netns(), pair.b.bridgeIp()).exit()).isZero();
    }

    @Test
    void vethPeersInOtherNamespacesReadBackInTheFormAddLinkTakes() {
        Host h = pair.a.host().read();
        assertThat(h.link("veth0").orElseThrow()).satisfies(l -> {
            assertThat(l.kind()).isEqualTo(new LinkKind.Veth(pair.a.pod().name() + "/eth0"));
            assertThat(l.master()).isEqualTo("docker0");
            assertThat(l.mtu()).isEqualTo(1450);
        });
        assertThat(h.link("eth0").orElseThrow().kind()).isEqualTo(new LinkKind.Veth(pair.underlay.netns().name() + "/p1"));
    }

    @Test
    void theLocalTableHoldsFlannelsSlash32AndTheBridgeAddress() {
        Host h = pair.a.host().read();
        assertThat(h.routes()).contains(
                new Route("local", Route.Type.LOCAL, dev.kubepath.net.Prefix.host(Ipv4.parse("172.17.1.0")), null, "flannel.1",
                        false, 0, Route.Scope.HOST, Ipv4.parse("172.17.1.0")));
        assertThat(h.routes()).noneMatch(r -> r.table().equals("main") && "flannel.1".equals(r.dev()));
    }
}
