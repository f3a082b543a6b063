package dev.kubepath.flannel;

import dev.kubepath.Prerequisites;
import dev.kubepath.flannel.etcd.EtcdProcess;
import dev.kubepath.flannel.etcd.EtcdV2Registry;
import dev.kubepath.host.SimulatedHost;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FlanneldTest {
    @Test
    void flagsStartAnAgentThatKeepsTheSubnetOfItsSubnetFile(@TempDir Path dir) throws Exception {
        Prerequisites.etcd();
        Path env = dir.resolve("subnet.env");
        Files.writeString(env, "FLANNEL_NETWORK=172.17.0.0/16\nFLANNEL_SUBNET=172.17.89.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=false\n");
        try (EtcdProcess etcd = EtcdProcess.start(); EtcdV2Registry admin = new EtcdV2Registry(etcd.clientUrls())) {
            admin.setConfig(SeedCluster.CONFIG);
            admin.createLease(new Lease(Prefix.parse("172.17.9.0/24"), Ipv4.parse("10.0.0.36"), "vxlan", SeedCluster.MAC06, null), Duration.ofHours(1));
            SimulatedHost h05 = SeedCluster.host05();
            Flanneld flags = new Flanneld("etcd-v2:" + etcd.clientUrl(), "/coreos.com/network", "eth0", env,
                    Duration.ofMinutes(60), false, false, 7);
            try (var running = flags.start(h05, msg -> { })) {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!SeedCluster.rows(h05.read()).contains(new SeedCluster.RouteRow("172.17.9.0/24", "172.17.9.0", "flannel.1"))) {
                    assertThat(System.nanoTime()).as("route to 172.17.9.0/24 on time").isLessThan(deadline);
                    Thread.sleep(20);
                }
                assertThat(admin.getLease(Prefix.parse("172.17.89.0/24"))).map(Lease::publicIp).contains(Ipv4.parse("10.0.0.35"));
                assertThat(Files.readString(env)).contains("FLANNEL_SUBNET=172.17.89.1/24");
                assertThat(running.agent().state()).isEqualTo(OverlayAgent.State.RUNNING);
            }
        }
    }
}
