package dev.kubepath.proxy;

import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ipvsadm -ln --stats} against a public capture of a live cluster's (kube-router#160, SOURCE.md beside it):
 * IPVS cannot be loaded on this kernel, so no capture script can run ipvsadm here. The services, destinations and
 * counters are read from the capture's rows and printed again; every column must fall where ipvsadm put it.
 */
class IpvsadmStatsGoldenTest {
    static final Path FILE = Path.of("src/test/resources/shell/ipvsadm/stats-kube-router-160.txt");

    @Test
    void theStatsListingIsLaidOutAsIpvsadmPrintsIt() throws IOException {
        String real = Files.readString(FILE);
        Map<Object, Ipvsadm.Counters> counters = new HashMap<>();
        List<VirtualServer> services = new ArrayList<>();
        String[] service = null;
        List<VirtualServer.RealServer> reals = new ArrayList<>();
        for (String line : real.lines().skip(3).toList()) {
            String[] f = line.strip().split(" +");
            if (!line.startsWith("  ->")) {
                if (service != null) services.add(server(service, reals, counters));
                service = f;
                reals = new ArrayList<>();
            } else {
                var r = new VirtualServer.RealServer(SocketAddress.parse(f[1]), "Masq", 1, 0, 0);
                reals.add(r);
                counters.put(r, counts(f, 2));
            }
        }
        services.add(server(service, reals, counters));
        assertThat(services).hasSize(3);
        assertThat(Ipvsadm.listStats(services, false, counters::get)).isEqualTo(real);
    }

    private static VirtualServer server(String[] f, List<VirtualServer.RealServer> reals, Map<Object, Ipvsadm.Counters> counters) {
        VirtualServer v = new VirtualServer(Protocol.parse(f[0]), SocketAddress.parse(f[1]), "rr", reals);
        counters.put(v, counts(f, 2));
        return v;
    }

    private static Ipvsadm.Counters counts(String[] f, int at) {
        return new Ipvsadm.Counters(Long.parseLong(f[at]), Long.parseLong(f[at + 1]), Long.parseLong(f[at + 2]),
                Long.parseLong(f[at + 3]), Long.parseLong(f[at + 4]));
    }

    /** print_largenum: nine columns up to 99,999,999; past that, eight digits and a unit. */
    @Test
    void largeCountersTakeAUnitAsIpvsadmsPrintLargenum() {
        assertThat(Ipvsadm.largeNumber(99_999_999)).isEqualTo(" 99999999");
        assertThat(Ipvsadm.largeNumber(123_456_789)).isEqualTo("  123456K");
        assertThat(Ipvsadm.largeNumber(12_345_678_901L)).isEqualTo("   12345M");
    }
}
