package dev.kubepath.flannel.registry;

import dev.kubepath.flannel.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedRegistryTest extends SubnetRegistryContract {
    private ManualClock clock;
    private EmbeddedRegistry embedded;

    @Override
    protected SubnetRegistry newRegistry() {
        clock = new ManualClock(Instant.now());
        embedded = new EmbeddedRegistry(clock);
        return embedded;
    }

    @Override
    protected Duration shortTtl() {
        return Duration.ofSeconds(5);
    }

    @Override
    protected void letTimePass(Duration d) {
        clock.advance(d);
        embedded.expireDue();
    }

    @Test
    void unreachableRegistrySaysSo() {
        embedded.setReachable(false);
        assertThatThrownBy(() -> embedded.getLeases()).isInstanceOf(RegistryUnavailableException.class);
    }
}
