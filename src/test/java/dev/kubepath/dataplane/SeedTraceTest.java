package dev.kubepath.dataplane;

import dev.kubepath.ingest.SnapshotFile;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The five observations of the seed incident (seed README, "What happened") on the bundled scenario. */
class SeedTraceTest {
    private final DataPlane dp = new DataPlane(SnapshotFile.read(Path.of("scenarios/seed-incident.yaml")));

    private Trace curl(String from, String to) {
        return dp.trace(from, new Probe.Curl(SocketAddress.parse(to)));
    }

    @Test
    void nodePortOnThePodsNodeAnswers200() {
        Trace t = curl("mcwk8s03", "10.0.0.35:41527");
        assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(t.response()).isEqualTo("HTTP/1.0 200 OK");
        assertThat(t.steps()).anySatisfy(s -> assertThat(s.stage()).isEqualTo(Stage.IPVS));
        assertThat(t.last().host()).isEqualTo("mcwk8s03");
        assertThat(t.last().stage()).isEqualTo(Stage.REPLY);
    }

    @Test
    void nodePortOnTheOtherNodeTimesOutAtMcwk8s06ForWantOfARouteTo05sSubnet() {
        Trace t = curl("mcwk8s03", "10.0.0.36:41527");
        assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
        assertThat(t.last().host()).isEqualTo("mcwk8s06");
        assertThat(t.last().stage()).isEqualTo(Stage.DROP);
        assertThat(t.reason()).contains("no route to 172.17.98.0/24").contains("mcwk8s06")
                .contains("default route via 10.0.0.254 leaves the cluster");
    }

    @Test
    void nodePortOnTheMasterIsRefused() {
        Trace t = curl("mcwk8s03", "10.0.0.33:41527");
        assertThat(t.verdict()).isEqualTo(Verdict.REFUSED);
        assertThat(t.last().host()).isEqualTo("mcwk8s03");
    }

    @Test
    void clusterIpFromTheMasterFollowsTheDefaultRouteAndTimesOut() {
        Trace t = curl("mcwk8s03", "10.2.0.155:2024");
        assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
        assertThat(t.steps()).filteredOn(s -> s.stage() == Stage.ROUTE)
                .singleElement().satisfies(s -> assertThat(s.decidedBy()).startsWith("default via 10.0.0.254 dev eth0"));
        assertThat(t.reason()).contains("ClusterIP of default/mcwtest-svc");
    }

    @Test
    void mcwk8s05CannotPingTheOtherBridgesBecauseItsRoutesAreStale() {
        Trace t = dp.trace("mcwk8s05", new Probe.Ping(Ipv4.parse("172.17.83.1")));
        assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
        assertThat(t.last().host()).isEqualTo("mcwk8s05");
        assertThat(t.reason()).contains("no route to 172.17.83.0/24");
    }

    @Test
    void mcwk8s06ReachesTheMastersBridgeThroughTheOverlay() {
        Trace t = dp.trace("mcwk8s06", new Probe.Ping(Ipv4.parse("172.17.83.1")));
        assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(t.steps()).extracting(Step::stage).contains(Stage.NEIGHBOUR, Stage.FDB, Stage.ENCAP, Stage.DECAP);
        assertThat(t.steps()).filteredOn(s -> s.stage() == Stage.ENCAP).first()
                .satisfies(s -> assertThat(s.detail()).contains("10.0.0.36 -> 10.0.0.33 UDP 8472"));
    }

    @Test
    void clusterIpOnANodeWithKubeProxyAnswers() {
        Trace t = curl("mcwk8s05", "10.2.0.155:2024");
        assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
    }

    @Test
    void clusterIpOnAPortWithoutVirtualServerIsRefused() {
        Trace t = curl("mcwk8s05", "10.2.0.155:80");
        assertThat(t.verdict()).isEqualTo(Verdict.REFUSED);
    }
}
