package dev.kubepath.flannel.subnet;

import dev.kubepath.flannel.ManualClock;
import dev.kubepath.flannel.NetworkConfigs;
import dev.kubepath.flannel.registry.EmbeddedRegistry;
import dev.kubepath.model.FlannelConfig;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubnetManagerTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2023-03-01T10:00:00Z"));
    private final EmbeddedRegistry registry = new EmbeddedRegistry(clock);
    private final FlannelConfig config = NetworkConfigs.parse("{\"Network\":\"172.17.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");

    private SubnetManager manager(EmbeddedRegistry r, FlannelConfig c, String ip, long seed) {
        return new SubnetManager(r, c, Ipv4.parse(ip), Mac.parse("02:00:00:00:00:01"), clock,
                new SplittableRandom(seed), SubnetManager.Options.FLANNEL, m -> { });
    }

    private SubnetManager manager(String ip, long seed) {
        return manager(registry, config, ip, seed);
    }

    @Test
    void sameSeedSameChoices() {
        List<Prefix> first = new ArrayList<>();
        for (int i = 0; i < 5; i++) first.add(manager("10.0.0." + (10 + i), 42 + i).acquire(Optional.empty()).subnet());
        EmbeddedRegistry other = new EmbeddedRegistry(clock);
        List<Prefix> second = new ArrayList<>();
        for (int i = 0; i < 5; i++) second.add(manager(other, config, "10.0.0." + (10 + i), 42 + i).acquire(Optional.empty()).subnet());
        assertThat(second).isEqualTo(first);
        // flannel picks among the first 100 free subnets and never the network's first subnet
        assertThat(first).allSatisfy(p -> assertThat(p.network().unsigned() - Ipv4.parse("172.17.0.0").unsigned()).isBetween(256L, 105L * 256));
    }

    @Test
    void reusesTheLeaseOfItsPublicIpThenPreviousSubnetEnv() {
        Lease mine = manager("10.0.0.35", 1).acquire(Optional.empty());
        assertThat(manager("10.0.0.35", 2).acquire(Optional.empty()).subnet()).isEqualTo(mine.subnet());
        SubnetEnv env = SubnetEnv.parse("FLANNEL_NETWORK=172.17.0.0/16\nFLANNEL_SUBNET=172.17.89.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=false\n", "subnet.env");
        assertThat(manager("10.0.0.36", 3).acquire(Optional.of(env)).subnet()).isEqualTo(Prefix.parse("172.17.89.0/24"));
        // taken by now: falls back to a random free one
        assertThat(manager("10.0.0.37", 3).acquire(Optional.of(env)).subnet()).isNotEqualTo(Prefix.parse("172.17.89.0/24"));
    }

    @Test
    void outOfSubnetsWhenFull() {
        FlannelConfig tiny = NetworkConfigs.parse("{\"Network\":\"10.0.0.0/28\",\"Backend\":{\"Type\":\"vxlan\"}}");
        for (int i = 0; i < 3; i++) manager(registry, tiny, "10.1.0." + i, i).acquire(Optional.empty());
        assertThatThrownBy(() -> manager(registry, tiny, "10.1.0.9", 9).acquire(Optional.empty()))
                .isInstanceOf(OutOfSubnetsException.class).hasMessage("out of subnets");
    }

    @Test
    void subnetEnvRendersAndParsesAndNamesBadLines() {
        SubnetEnv env = new SubnetEnv(Prefix.parse("172.17.0.0/16"), Prefix.parse("172.17.89.0/24"), 1450, true);
        assertThat(env.render()).isEqualTo("FLANNEL_NETWORK=172.17.0.0/16\nFLANNEL_SUBNET=172.17.89.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n");
        assertThat(SubnetEnv.parse(env.render(), "x")).isEqualTo(env);
        assertThatThrownBy(() -> SubnetEnv.parse("FLANNEL_NETWORK=172.17.0.0/16\nFLANNEL_SUBNET=172.17.89.1/24\nFLANNEL_MTU=big\n", "/run/flannel/subnet.env"))
                .hasMessage("/run/flannel/subnet.env:3: 'big' is not a valid FLANNEL_MTU (expected a number)");
        // flanneld writes true or false (Go's %v of a bool); anything else is named, never read as false
        assertThatThrownBy(() -> SubnetEnv.parse(env.render().replace("FLANNEL_IPMASQ=true", "FLANNEL_IPMASQ=yes"), "/run/flannel/subnet.env"))
                .hasMessage("/run/flannel/subnet.env:4: FLANNEL_IPMASQ 'yes' is not true or false");
        assertThat(SubnetEnv.parse(env.render().replace("FLANNEL_IPMASQ=true\n", ""), "x").ipMasq()).isFalse();
        assertThatThrownBy(() -> SubnetEnv.parse("FLANNEL_NETWORK=172.17.0.0/16\nFLANNEL_MTU=1450\n", "x"))
                .hasMessage("x: FLANNEL_SUBNET missing (expected a line FLANNEL_SUBNET=...)");
        assertThatThrownBy(() -> SubnetEnv.parse("garbage\n", "/run/flannel/subnet.env")).hasMessageStartingWith("/run/flannel/subnet.env:1: expected NAME=value");
    }

    @Test
    void expiredLeaseOfAnotherHostIsFreeAgain() {
        Lease a = manager("10.0.0.35", 1).acquire(Optional.empty());
        clock.advance(Duration.ofHours(25));
        SubnetEnv env = new SubnetEnv(config.network(), a.subnet(), 1450, false);
        assertThat(manager("10.0.0.36", 5).acquire(Optional.of(env)).subnet()).isEqualTo(a.subnet());
    }

    @Test
    void subnetEnvFileRoundTrips(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        SubnetEnvFile file = new SubnetEnvFile(dir.resolve("run/flannel/subnet.env"));
        assertThat(file.read()).isEmpty();
        SubnetEnv env = new SubnetEnv(Prefix.parse("172.17.0.0/16"), Prefix.parse("172.17.89.0/24"), 1450, false);
        file.accept(env);
        assertThat(file.read()).contains(env);
    }
}
