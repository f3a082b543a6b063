package dev.kubepath.ingest;

import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteParsersTest {
    private static final String SEED = "seed/9-route-n-before-and-after.txt";

    @Test
    void aRouteLineSeenOnAnotherHostReadsTheSameAndLinesBeyondLatin1AreNotTakenForEachOther() {
        // host after host a bundle repeats the flannel routes: read again, they are the same routes; lines that differ
        // only in characters beyond Latin-1 (which the in-place reader sees as '?') keep their own device names
        String host1 = "default via 10.0.0.1 dev eth0\n10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink\n10.8.0.0/16 dev wg€\n";
        String host2 = "default via 10.0.0.1 dev eth0\n10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink\n10.8.0.0/16 dev wg™\n";
        List<Route> a = IpRouteText.parse("host1/route.txt", Transcript.text(host1.getBytes(java.nio.charset.StandardCharsets.UTF_8))).value();
        List<Route> b = IpRouteText.parse("host2/route.txt", Transcript.text(host2.getBytes(java.nio.charset.StandardCharsets.UTF_8))).value();
        assertThat(b.subList(0, 2)).isEqualTo(a.subList(0, 2));
        assertThat(a).extracting(Route::dev).containsExactly("eth0", "flannel.1", "wg€");
        assertThat(b).extracting(Route::dev).containsExactly("eth0", "flannel.1", "wg™");
    }

    @Test
    void routeNOfMcwk8s05BeforeTheFixShowsRoutesToVanishedSubnetsAsOnlink() {
        String text = Golden.section(SEED, "mcwk8s05", 0);
        assertThat(RouteFile.detect(text)).isEqualTo(RouteFile.Format.ROUTE_N);
        Parsed<List<Route>> p = RouteFile.parse("route.txt", text);
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).extracting(Route::describe).containsExactly(
                "default via 10.0.0.254 dev eth0 metric 100",
                "10.0.0.0/24 dev eth0 scope link metric 100",
                "172.17.59.0/24 via 172.17.59.0 dev flannel.1 onlink",
                "172.17.61.0/24 via 172.17.61.0 dev flannel.1 onlink",
                "172.17.98.0/24 dev docker0 scope link");
    }

    @Test
    void wholeSeedRouteFileReadsEveryRowAndSkipsHeadersAndComments() {
        Parsed<List<Route>> p = RouteNText.parse("9.txt", Golden.read(SEED));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).hasSize(28);
    }

    @Test
    void routeNGatewayThatIsNotTheNetworkIsAPlainGatewayRoute() {
        Route r = RouteNText.parseLine("10.9.0.0        10.0.0.1        255.255.0.0     UG    5      0        0 eth0");
        assertThat(r).isEqualTo(Route.via(Prefix.parse("10.9.0.0/16"), Ipv4.parse("10.0.0.1"), "eth0", 5));
    }

    @Test
    void routeNDamagedRowsAreReportedWithTheirLine() {
        String text = "Kernel IP routing table\nDestination Gateway Genmask Flags Metric Ref Use Iface\n"
                + "0.0.0.0 10.0.0.254 0.0.0.0 UG 100 0 0 eth0\n10.0.0.0 0.0.0.0 255.255.0.255 U 0 0 0 eth0\n"
                + "10.1.0.0 0.0.0.0 255.255.255.0 U 0 0 0\n";
        Parsed<List<Route>> p = RouteNText.parse("r.txt", text);
        assertThat(p.value()).hasSize(1);
        assertThat(p.problems()).extracting(ParseProblem::line).containsExactly(4, 5);
        assertThat(p.problems().get(0).message()).contains("contiguous netmask");
        assertThat(p.problems().get(1).message()).contains("expected 8");
    }

    @Test
    void realIpRouteMainTable() {
        Parsed<List<Route>> p = IpRouteText.parse("ip-route.txt", Golden.read("real/ip-route.txt"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).contains(
                Route.onlink(Prefix.parse("172.17.9.0/24"), Ipv4.parse("172.17.9.0"), "flannel.1"),
                Route.via(Prefix.DEFAULT, Ipv4.parse("10.0.0.254"), "eth0", 100),
                new Route("main", Route.Type.UNICAST, Prefix.parse("10.9.0.0/16"), Ipv4.parse("10.0.0.1"), "eth0", false, 5,
                        Route.Scope.UNIVERSE, Ipv4.parse("10.0.0.35")),
                new Route("main", Route.Type.UNICAST, Prefix.parse("172.17.89.0/24"), null, "docker0", false, 0,
                        Route.Scope.LINK, Ipv4.parse("172.17.89.1")));
        assertThat(p.value()).hasSize(6);
    }

    @Test
    void realTableAllHasLocalAndBroadcastRoutesAndSkipsIpv6() {
        Parsed<List<Route>> p = RouteFile.parse("all.txt", Golden.read("real/ip-route-table-all.txt"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).contains(new Route("local", Route.Type.LOCAL, Prefix.parse("172.17.89.0/32"), null, "flannel.1",
                false, 0, Route.Scope.HOST, Ipv4.parse("172.17.89.0")));
        assertThat(p.value()).filteredOn(r -> r.type() == Route.Type.BROADCAST).hasSize(3);
        assertThat(p.value()).hasSize(14);
    }

    @Test
    void realJsonRoutesEqualTheTextRoutesTheKernelPrinted() {
        assertThat(RouteFile.detect(Golden.read("real/ip-j-route.json"))).isEqualTo(RouteFile.Format.IP_JSON);
        Parsed<List<Route>> json = RouteFile.parse("j", Golden.read("real/ip-j-route-table-all.json"));
        Parsed<List<Route>> text = RouteFile.parse("t", Golden.read("real/ip-route-table-all.txt"));
        assertThat(json.problems()).isEmpty();
        assertThat(json.value()).containsExactlyElementsOf(text.value());
        assertThat(RouteFile.parse("j", Golden.read("real/ip-j-route.json")).value())
                .containsExactlyElementsOf(RouteFile.parse("t", Golden.read("real/ip-route.txt")).value());
    }

    @Test
    void parseLineNamesTheWordItCouldNotRead() {
        assertThatThrownBy(() -> IpRouteText.parseLine("10.0.0.0/24 dev eth0 frobnicate"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'frobnicate'");
        assertThatThrownBy(() -> IpRouteText.parseLine("10.0.0.0/33 dev eth0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> IpRouteText.parseLine("10.0.0.0/24 via"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'via' without a value");
    }

    @Test
    void blackholeAndUnreachableRoutesHaveTheirType() {
        assertThat(IpRouteText.parseLine("blackhole 10.244.1.0/24 proto bird").type()).isEqualTo(Route.Type.BLACKHOLE);
        assertThat(IpRouteText.parseLine("unreachable 10.3.0.0/16 metric 7").metric()).isEqualTo(7);
    }
}
