package dev.kubepath.flannel;

import dev.kubepath.model.Lease;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An agent's leases come out in subnet order, as a TreeMap keeps them (the order of the routes it programs), through
 * thousands of leases added, renewed and removed in random order.
 */
class LeaseTableTest {
    @Test
    void keepsTheLeasesAsASortedMapWould() {
        long seed = Long.getLong("kubepath.seed", System.nanoTime());
        Random random = new Random(seed);
        LeaseTable table = new LeaseTable();
        TreeMap<Prefix, Lease> expected = new TreeMap<>();
        for (int step = 0; step < 20_000; step++) {
            int n = random.nextInt(4_000);
            Prefix subnet = Prefix.parse("10." + (128 + n / 256) + "." + (n % 256) + ".0/24");
            if (random.nextInt(4) == 0) {
                table.remove(subnet);
                expected.remove(subnet);
            } else {
                Lease l = new Lease(subnet, Ipv4.parse("192.168.0." + (n % 250 + 1)), "vxlan", null, Instant.ofEpochSecond(step));
                assertThat(table.put(l)).as("seed %d", seed).isEqualTo(expected.put(subnet, l));
            }
            if (step % 997 == 0 || step == 19_999) {
                assertThat(new ArrayList<>(table.values())).as("seed %d", seed).containsExactlyElementsOf(expected.values());
                assertThat(table.size()).isEqualTo(expected.size());
                assertThat(table.containsKey(subnet)).isEqualTo(expected.containsKey(subnet));
            }
        }
        table.clear();
        assertThat(table.values()).isEmpty();
    }
}
