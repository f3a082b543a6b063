package dev.kubepath.flannel;

import dev.kubepath.flannel.registry.EmbeddedRegistry;
import dev.kubepath.host.SimulatedHost;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A caller that steps an agent itself (the lab's convergence bench) waits on {@link OverlayAgent#awaitSignal}: it
 * returns as soon as a watch event is queued, and times out while none is, so the caller neither misses an event
 * nor wakes for nothing.
 */
class OverlayAgentSignalTest {
    @Test
    void awaitSignalReturnsWhenALeaseEventIsQueuedAndTimesOutOtherwise() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2023-03-01T10:00:00Z"));
        EmbeddedRegistry registry = new EmbeddedRegistry(clock);
        registry.setConfig(SeedCluster.CONFIG);
        SimulatedHost h03 = SeedCluster.host03();
        OverlayAgent a03 = new OverlayAgent(registry, h03, OverlayAgent.Settings.flannel("eth0"), clock, new Random(5),
                Optional.empty(), env -> { }, line -> { });
        a03.step();
        a03.step();
        assertThat(a03.awaitSignal(30)).as("nothing queued after the agent took in its start").isFalse();

        Prefix peer = Prefix.parse("172.17.9.0/24");
        registry.createLease(new Lease(peer, Ipv4.parse("10.0.0.36"), "vxlan", SeedCluster.MAC06, null), Duration.ofHours(24));
        assertThat(a03.awaitSignal(5_000)).as("the peer's new lease is queued").isTrue();
        assertThat(h03.read().routes()).as("not taken in before the agent steps").noneMatch(r -> r.dst().equals(peer));
        a03.step();
        assertThat(h03.read().routes()).anyMatch(r -> r.dst().equals(peer));
        assertThat(a03.awaitSignal(30)).as("the event was taken in").isFalse();
    }
}
