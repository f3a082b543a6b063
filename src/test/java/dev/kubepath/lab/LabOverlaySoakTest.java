package dev.kubepath.lab;

import dev.kubepath.cluster.SimCluster;
import dev.kubepath.host.linux.CommandResult;
import dev.kubepath.model.IfAddress;
import dev.kubepath.net.Ipv4;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The overlay soak (issue #15): 10,000 pings between two agents' namespaces across VXLAN, none lost, while the
 * agents renew their leases (simulated hours go by) and a third host's lease comes and goes, so every agent
 * reconciles its routes, neighbours and FDB entries under the traffic.
 */
class LabOverlaySoakTest {
    static final int PINGS = 10_000;

    @Test
    void tenThousandPingsAcrossTheOverlayLoseNone() throws Exception {
        RootOnly.assume();
        try (LabCluster lab = LabCluster.create(ScaleScenario.spec(3), LabCluster.RegistryKind.EMBEDDED)) {
            SimCluster c = lab.cluster();
            c.boot();
            Ipv4 target = lab.host("node02").readKernel().addresses().stream().filter(a -> a.dev().equals("flannel.1"))
                    .map(IfAddress::ip).findFirst().orElseThrow();
            // flood mode: the next echo as soon as the previous answer is in (or 10 ms pass), so loss shows as a count
            CompletableFuture<CommandResult> ping = CompletableFuture.supplyAsync(() -> lab.exec("node01",
                    List.of("ping", "-q", "-f", "-c", String.valueOf(PINGS), "-w", "60", target.toString())));
            var third = c.registry().getLeases().leases().stream().filter(l -> l.publicIp().equals(c.hostSpec("node03").ip())).findFirst().orElseThrow();
            while (!ping.isDone()) {
                c.advance(Duration.ofHours(1)); // renewals, and the others' watch events
                c.faults().hangFlanneld("node03");
                c.faults().deleteLease(third.subnet());
                c.registry().createLease(third, Duration.ofHours(24));
                c.settle();
                Thread.sleep(20);
            }
            CommandResult r = ping.get();
            Matcher m = Pattern.compile("(\\d+) packets transmitted, (\\d+) received").matcher(r.stdout());
            assertThat(m.find()).as(r.stdout() + r.stderr()).isTrue();
            assertThat(Integer.parseInt(m.group(1))).isEqualTo(PINGS);
            assertThat(Integer.parseInt(m.group(2))).as(r.stdout()).isEqualTo(PINGS);
        }
    }
}
