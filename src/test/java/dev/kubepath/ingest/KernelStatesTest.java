package dev.kubepath.ingest;

import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Neighbour;
import dev.kubepath.net.Ipv4;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Neighbour NUD states and FDB entry states as a real kernel prints them (real/states/capture.sh), read by the one
 * parser that bundles and the lab both go through.
 */
class KernelStatesTest {
    @Test
    void staticAndPermanentFdbEntriesNeverAgeDynamicOnesDo() {
        // The VXLAN driver and the bridge both exempt NUD_PERMANENT ("permanent") and NUD_NOARP ("static") entries
        // from ageing; an entry with neither ages out, so only it is not permanent in the model.
        for (String file : List.of("real/states/bridge-fdb.txt", "real/states/bridge-j-fdb.json")) {
            Parsed<List<FdbEntry>> p = BridgeFdbText.parse(file, Golden.read(file));
            assertThat(p.problems()).as(file).isEmpty();
            Map<String, Boolean> byDst = p.value().stream().filter(e -> "flannel.1".equals(e.dev()))
                    .collect(Collectors.toMap(e -> e.dst().toString(), FdbEntry::permanent));
            assertThat(byDst).as(file).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "10.0.0.36", true,    // added 'permanent', printed 'permanent'
                    "10.0.0.33", true,    // added 'static', printed 'static'
                    "10.0.0.34", false)); // added 'dynamic', printed with no state
        }
    }

    @Test
    void everyNeighbourStateTheKernelPrintsIsRead() {
        for (String file : List.of("real/states/ip-neigh.txt", "real/states/ip-j-neigh.json")) {
            Parsed<List<Neighbour>> p = IpNeighText.parse(file, Golden.read(file));
            assertThat(p.problems()).as(file).isEmpty();
            Map<Ipv4, Neighbour> byIp = p.value().stream().collect(Collectors.toMap(Neighbour::ip, Function.identity()));
            assertThat(byIp).as(file + ": the IPv6 multicast entries are skipped").hasSize(8);
            assertThat(byIp.get(Ipv4.parse("10.0.0.101")).state()).isEqualTo(Neighbour.State.PERMANENT);
            assertThat(byIp.get(Ipv4.parse("10.0.0.102")).state()).isEqualTo(Neighbour.State.NOARP);
            assertThat(byIp.get(Ipv4.parse("10.0.0.103")).state()).isEqualTo(Neighbour.State.REACHABLE);
            assertThat(byIp.get(Ipv4.parse("10.0.0.104")).state()).isEqualTo(Neighbour.State.STALE);
            // DELAY and PROBE still forward with the cached MAC while the kernel re-confirms it: STALE in the model
            assertThat(byIp.get(Ipv4.parse("10.0.0.105")).state()).isEqualTo(Neighbour.State.STALE);
            assertThat(byIp.get(Ipv4.parse("10.0.0.106")).state()).isEqualTo(Neighbour.State.STALE);
            assertThat(byIp.get(Ipv4.parse("10.0.0.120")).state()).isEqualTo(Neighbour.State.INCOMPLETE);
            assertThat(byIp.get(Ipv4.parse("10.0.0.120")).mac()).isNull();
            assertThat(byIp.get(Ipv4.parse("10.0.0.121")).state()).isEqualTo(Neighbour.State.FAILED);
        }
    }
}
