package dev.kubepath.doctor;

import dev.kubepath.dataplane.Basis;
import dev.kubepath.dataplane.Cause;
import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Inference;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Stage;
import dev.kubepath.dataplane.Step;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.ingest.BundleReader;
import dev.kubepath.net.Ipv4;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host-gw cluster whose routing tables were pasted as {@code route} without {@code -n}: each pod subnet goes
 * through the node that holds it, printed by its name ({@code 172.17.89.0  mcwk8s05  255.255.255.0  UG ... eth0}).
 * The seed cluster after its fix, its leases made host-gw ones and its flannel.1 routes the routes flanneld's host-gw
 * backend writes, as route prints them. The nodes file (kubectl get nodes -o wide) gives each node's InternalIP.
 */
class GatewayByNameTest {
    /** mcwk8s06's table as route prints it for host-gw: the other nodes' subnets through them, by name. */
    static final String ROUTE_06 = """
            [root@mcwk8s06 ~]# route
            Kernel IP routing table
            Destination     Gateway         Genmask         Flags Metric Ref    Use Iface
            default         gateway         0.0.0.0         UG    100    0        0 eth0
            10.0.0.0        0.0.0.0         255.255.255.0   U     100    0        0 eth0
            172.17.9.0      0.0.0.0         255.255.255.0   U     0      0        0 docker0
            172.17.83.0     mcwk8s03        255.255.255.0   UG    0      0        0 eth0
            172.17.89.0     %s        255.255.255.0   UG    0      0        0 eth0
            """;

    private static Path hostGwBundle(Path dir, String gatewayOf05) throws Exception {
        Path b = dir.resolve("host-gw");
        PodBridgeTest.copy(Path.of("bundles/seed-after"), b);
        Path leases = b.resolve("cluster/leases.txt");
        Files.writeString(leases, Files.readString(leases).replaceAll("\"BackendType\":\"vxlan\",\"BackendData\":\\{\"VtepMAC\":\"[0-9a-f:]+\"}",
                "\"BackendType\":\"host-gw\""));
        Files.writeString(b.resolve("hosts/mcwk8s06/route.txt"), ROUTE_06.formatted(gatewayOf05));
        return b;
    }

    @Test
    void aPodSubnetRoutedThroughANodeByNameIsTracedThroughItsInternalIpByTheNamedRule(@TempDir Path dir) throws Exception {
        BundleReader.Result read = BundleReader.read(hostGwBundle(dir, "mcwk8s05"));
        assertThat(read.problems()).noneMatch(p -> p.file().endsWith("route.txt"));
        DataPlane dp = new DataPlane(read.snapshot());
        assertThat(dp.inference().facts()).anySatisfy(f -> {
            assertThat(f.rule()).isEqualTo(Inference.Rule.GATEWAY_BY_NODE_NAME);
            assertThat(f.host()).isEqualTo("mcwk8s06");
            assertThat(f.fact()).isEqualTo("gateway mcwk8s05 is 10.0.0.35");
        });

        // docker0 of mcwk8s05 holds 172.17.89.1: the ping crosses eth0 to 10.0.0.35, the node named mcwk8s05
        Trace t = dp.trace("mcwk8s06", new Probe.Ping(Ipv4.parse("172.17.89.1")));
        assertThat(t.verdict()).as(t.reason()).isEqualTo(Verdict.DELIVERED);
        Step route = t.steps().stream().filter(s -> s.host().equals("mcwk8s06") && s.stage() == Stage.ROUTE).findFirst().orElseThrow();
        assertThat(route.basis()).isEqualTo(Basis.INFERRED);
        assertThat(route.detail()).contains("via 10.0.0.35 (mcwk8s05, inferred)");
        assertThat(String.join(" ", route.facts())).contains("GATEWAY_BY_NODE_NAME").contains("node mcwk8s05 InternalIP 10.0.0.35");
        assertThat(t.steps()).anySatisfy(s -> assertThat(s.host()).isEqualTo("mcwk8s05"));

        // the doctor: the routes exist, so no host misses one, and nothing about 06's gateways is unknown
        Report r = Doctor.examine(dir.resolve("host-gw"), read.snapshot());
        String text = ReportText.human(r);
        assertThat(r.findings()).as(text).noneMatch(f -> f.code() == Code.ROUTE_MISSING || f.code() == Code.ROUTE_STALE);
        assertThat(r.findings(Code.INSUFFICIENT_INFO)).as(text).noneMatch(f -> f.summary().contains("gateway"));
    }

    @Test
    void aGatewayNameNoNodeHasLeavesTheFlowUnknownNeverOkNorDropped(@TempDir Path dir) throws Exception {
        BundleReader.Result read = BundleReader.read(hostGwBundle(dir, "router.lan"));
        DataPlane dp = new DataPlane(read.snapshot());
        assertThat(dp.inference().facts()).noneMatch(f -> f.rule() == Inference.Rule.GATEWAY_BY_NODE_NAME && f.fact().contains("router.lan"));

        Trace t = dp.trace("mcwk8s06", new Probe.Ping(Ipv4.parse("172.17.89.1")));
        assertThat(t.verdict()).as(t.reason()).isEqualTo(Verdict.INSUFFICIENT_INFO);
        assertThat(t.cause()).isInstanceOfSatisfying(Cause.UnknownGateway.class, c -> {
            assertThat(c.host()).isEqualTo("mcwk8s06");
            assertThat(c.route().gatewayName()).isEqualTo("router.lan");
        });
        assertThat(t.reason()).contains("router.lan").contains("not in the snapshot");

        // the route is there (no ROUTE_MISSING); the doctor's unknown is said as such, never as a failure
        Report r = Doctor.examine(dir.resolve("host-gw"), read.snapshot());
        String text = ReportText.human(r);
        assertThat(r.findings()).as(text).noneMatch(f -> f.code() == Code.ROUTE_MISSING || f.code() == Code.ROUTE_STALE);
        assertThat(r.findings()).as(text).noneMatch(f -> f.hosts().contains("mcwk8s06") && f.severity() == Severity.CRITICAL);
    }
}
