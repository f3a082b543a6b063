package dev.kubepath.flannel;

import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.flannel.subnet.SubnetEnvFile;
import dev.kubepath.flannel.subnet.SubnetManager;
import dev.kubepath.host.HostNetwork;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * What a {@code kubepath flanneld} command runs: flanneld's flags mapped onto an {@link OverlayAgent} in
 * background mode. The caller supplies the {@link HostNetwork} (a lab namespace or a simulated host).
 *
 * @param registry     {@code embedded}, {@code etcd-v2:URL[,URL]} or {@code etcd-v3:URL[,URL]} (flanneld's
 *                     {@code --etcd-endpoints}; the seed used v2)
 * @param prefix       {@code --etcd-prefix}
 * @param iface        {@code --iface}: the underlay device
 * @param subnetFile   {@code --subnet-file}
 * @param renewMargin  {@code --subnet-lease-renew-margin}
 * @param ipMasq       {@code --ip-masq}
 * @param reclaim      our opt-in: take the same subnet back when the lease vanishes instead of exiting
 * @param seed         seeds subnet choice and VTEP MAC so a run can be replayed
 */
public record Flanneld(String registry, String prefix, String iface, Path subnetFile, Duration renewMargin,
                       boolean ipMasq, boolean reclaim, long seed) {
    public static Flanneld defaults(String registry, String iface) {
        return new Flanneld(registry, Registries.DEFAULT_PREFIX, iface, Path.of("/run/flannel/subnet.env"),
                Duration.ofMinutes(60), false, false, System.nanoTime());
    }

    /** A started agent with its registry; close the returned handle to stop both. */
    public record Running(OverlayAgent agent, SubnetRegistry registry) implements AutoCloseable {
        @Override
        public void close() {
            agent.close();
            registry.close();
        }
    }

    public Running start(HostNetwork host, Consumer<String> log) {
        return start(host, Registries.open(registry, prefix), log);
    }

    /** Runs on a registry the caller opened (with --kube-subnet-mgr: a client of the API server); closing stops both. */
    public Running start(HostNetwork host, SubnetRegistry r, Consumer<String> log) {
        SubnetEnvFile file = new SubnetEnvFile(subnetFile);
        var settings = new OverlayAgent.Settings(iface,
                new SubnetManager.Options(Duration.ofHours(24), renewMargin, reclaim), ipMasq,
                Duration.ofMillis(100), Duration.ofSeconds(10));
        OverlayAgent agent = new OverlayAgent(r, host, settings, Clock.systemUTC(), new SplittableRandom(seed),
                file.read(), file, log);
        agent.startBackground();
        return new Running(agent, r);
    }
}
