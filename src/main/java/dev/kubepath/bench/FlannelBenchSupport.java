package dev.kubepath.bench;

import dev.kubepath.host.SimulatedHost;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.util.Arrays;
import java.util.Locale;

/** Shared pieces of the flannel benchmarks: a bare simulated node and percentiles. */
final class FlannelBenchSupport {
    /** Big enough for thousands of /24 leases. */
    static final String CONFIG = "{\"Network\":\"10.128.0.0/9\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\"}}";

    private FlannelBenchSupport() {
    }

    static Ipv4 nodeIp(int i) {
        return Ipv4.parse("10.0.0.0").plus(1 + i);
    }

    /** A node with eth0 on 10.0.0.0/16 and nothing else. */
    static SimulatedHost node(int i) {
        Ipv4 ip = nodeIp(i);
        var b = Host.builder("node" + i);
        b.link(new Link("eth0", new LinkKind.Ethernet(), 1500, new Mac(0x525400000000L + i), true, null));
        b.address(new IfAddress("eth0", ip, 16));
        b.route(Route.direct(Prefix.parse("10.0.0.0/16"), "eth0", 100));
        return new SimulatedHost(b.build());
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    static long[] sorted(long[] values) {
        long[] c = values.clone();
        Arrays.sort(c);
        return c;
    }
}
