package dev.kubepath.doctor;

import dev.kubepath.cluster.Synthetic;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lease listing a LEASE_MISSING finding cites: in a small cluster every held subnet, so the reader sees the
 * missing one is not there; in a big one the count and the first few, not a thousand subnets on one line.
 */
class LeaseListingEvidenceTest {
    private static final Pattern SUBNET = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+");

    private static String listing(int nodes) {
        Report r = Doctor.examine(Synthetic.build(new Synthetic.Spec(nodes, 1, 1, 1, 5, new Synthetic.Faults(1, 0, 0, 0, 0))));
        Finding lost = r.findings().stream().filter(f -> f.code() == Code.LEASE_MISSING).findFirst().orElseThrow();
        return lost.evidence().stream().map(Evidence::text).filter(t -> t.contains("leases held:")).findFirst().orElseThrow();
    }

    @Test
    void aSmallClusterListsEveryHeldLease() {
        String line = listing(4);
        assertThat(SUBNET.matcher(line.substring(line.indexOf("leases held:"))).results().count()).isEqualTo(3);
    }

    @Test
    void aBigClusterGivesTheCountAndTheFirstFew() {
        String line = listing(60);
        String held = line.substring(line.indexOf("leases held:"));
        assertThat(held).startsWith("leases held: 59 (").endsWith(" and 51 more)");
        assertThat(SUBNET.matcher(held).results().count()).isEqualTo(8);
    }
}
