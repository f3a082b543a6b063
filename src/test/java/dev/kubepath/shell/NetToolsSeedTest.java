package dev.kubepath.shell;

import dev.kubepath.ingest.SnapshotFile;
import dev.kubepath.model.Snapshot;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** route -n and ifconfig of the seed scenario against the seed's own outputs. */
class NetToolsSeedTest {
    private final Snapshot before = SnapshotFile.read(Path.of("scenarios/seed-incident.yaml"));
    private final SeedTranscript routes = SeedTranscript.read("9-route-n-before-and-after.txt");

    private String seedRoutes(String host) {
        return routes.find(host, "route -n").stream().filter(e -> e.heading().contains("before")).findFirst().orElseThrow().output();
    }

    @Test
    void routeNOfEveryHostBeforeTheFixIsTheSeeds() {
        for (String host : new String[] {"mcwk8s03", "mcwk8s05", "mcwk8s06"}) {
            assertThat(NetTools.routeN(before.host(host).orElseThrow())).as(host).isEqualTo(seedRoutes(host));
        }
    }

    @Test
    void ifconfigDockerOnEachHostIsTheSeedsButForCounters() {
        String[][] cases = {
                {"mcwk8s03", "3-mcwk8s03-ifconfig-docker0.txt"},
                {"mcwk8s05", "3-mcwk8s05-ifconfig-docker0-and-ping.txt"},
                {"mcwk8s06", "3-mcwk8s06-ifconfig-docker0-and-ping.txt"}};
        for (String[] c : cases) {
            String seed = SeedTranscript.read(c[1]).find(c[0], "ifconfig docker").get(0).output();
            var host = before.host(c[0]).orElseThrow();
            assertThat(SeedTranscript.withoutCounters(NetTools.ifconfig(host, "docker")))
                    .as(c[0]).isEqualTo(SeedTranscript.withoutCounters(seed));
        }
    }

    @Test
    void linkLocalAddressesFollowTheMac() {
        assertThat(NetTools.linkLocal(dev.kubepath.net.Mac.parse("36:70:76:ea:39:b8"))).isEqualTo("fe80::3470:76ff:feea:39b8");
        assertThat(NetTools.linkLocal(dev.kubepath.net.Mac.parse("02:42:18:e1:e8:fc"))).isEqualTo("fe80::42:18ff:fee1:e8fc");
    }
}
