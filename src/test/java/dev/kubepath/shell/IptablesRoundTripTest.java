package dev.kubepath.shell;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.ingest.IptablesListText;
import dev.kubepath.ingest.Parsed;
import dev.kubepath.model.Chain;
import dev.kubepath.model.Host;
import dev.kubepath.model.IpSet;
import dev.kubepath.model.Rule;
import dev.kubepath.net.Prefix;
import dev.kubepath.proxy.IpvsState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the shell's {@code iptables -t TABLE -L -n -v} prints on each host of the seed cluster (NodePort service
 * deployed; the master runs no kube-proxy, so its nat table is empty) reads back, through the bundle's iptables -L parser, into the rules the host's kernel holds: same chains,
 * same policies, and rule for rule the same matches and targets.
 */
class IptablesRoundTripTest {
    @ParameterizedTest
    @CsvSource({"mcwk8s03,filter", "mcwk8s05,nat", "mcwk8s05,filter", "mcwk8s06,nat", "mcwk8s06,filter"})
    void listingReadsBackIntoTheHostsRules(String hostName, String table) {
        SimCluster c = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")));
        SeedCluster.bootHealthy(c);
        SeedCluster.deploy(c, SeedCluster.NODE_PORT_BEFORE);
        SimShell shell = new SimShell(c, hostName);
        String command = "iptables -t " + table + " -L -n -v";
        String transcript = shell.prompt() + command + "\n" + shell.run(command);
        Host h = c.host(hostName);
        // the simulated host holds kube-proxy's rules but not the ipsets they match (the simulation does not install
        // them): the parser gets the sets kube-proxy's IPVS mode computes for the host, which the rules were made from
        List<IpSet> sets = IpvsState.compute(c.api().services(), c.api().endpoints(), IpvsState.nodePortAddresses(h),
                Prefix.parse("172.17.0.0/16")).ipsets();
        Parsed<List<Chain>> read = IptablesListText.parse("iptables.txt", transcript, sets);
        assertThat(read.problems()).as(transcript).isEmpty();
        List<Chain> held = h.chains().stream().filter(ch -> ch.table().equals(table)).toList();
        for (Chain want : held) {
            Chain got = read.value().stream().filter(ch -> ch.name().equals(want.name())).findFirst().orElseThrow(
                    () -> new AssertionError(want.name() + " missing from\n" + transcript));
            assertThat(got.policy()).as(want.name()).isEqualTo(want.policy());
            assertThat(got.rules().stream().map(IptablesRoundTripTest::meaning).toList()).as(want.name() + " in\n" + transcript)
                    .isEqualTo(want.rules().stream().map(IptablesRoundTripTest::meaning).toList());
        }
        assertThat(held.stream().mapToInt(ch -> ch.rules().size()).sum()).as("the host's %s rules", table).isGreaterThan(2);
    }

    /** What a rule does, apart from the text it was written as. */
    private static String meaning(Rule r) {
        return r.chain() + " " + r.match() + " " + r.target() + " " + r.comment();
    }
}
