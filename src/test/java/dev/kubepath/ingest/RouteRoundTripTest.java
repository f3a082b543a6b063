package dev.kubepath.ingest;

import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Route.describe() prints ip-route form; the parser must read every such line back to the same route. */
class RouteRoundTripTest {
    @Test
    void describedRoutesParseBackUnchanged() {
        Random rnd = new Random(42);
        String[] devs = {"eth0", "flannel.1", "docker0", "cni0", "kube-ipvs0"};
        for (int i = 0; i < 5000; i++) {
            Prefix dst = rnd.nextInt(10) == 0 ? Prefix.DEFAULT : Prefix.of(new Ipv4(rnd.nextInt()), 1 + rnd.nextInt(32));
            String dev = devs[rnd.nextInt(devs.length)];
            int metric = rnd.nextBoolean() ? 0 : rnd.nextInt(1000);
            Ipv4 src = rnd.nextBoolean() ? null : new Ipv4(rnd.nextInt());
            String table = rnd.nextInt(5) == 0 ? "local" : Route.MAIN;
            Route r = switch (rnd.nextInt(4)) {
                case 0 -> new Route(table, Route.Type.UNICAST, dst, null, dev, false, metric, Route.Scope.LINK, src);
                case 1 -> new Route(table, Route.Type.UNICAST, dst, new Ipv4(rnd.nextInt()), dev, rnd.nextBoolean(), metric, Route.Scope.UNIVERSE, src);
                case 2 -> new Route(table, Route.Type.LOCAL, dst, null, dev, false, metric, Route.Scope.HOST, src);
                default -> new Route(table, Route.Type.BLACKHOLE, dst, null, null, false, metric, Route.Scope.UNIVERSE, null);
            };
            assertThat(IpRouteText.parseLine(r.describe())).as(r.describe()).isEqualTo(r);
        }
    }
}
