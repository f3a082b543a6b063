package dev.kubepath.doctor;

import dev.kubepath.ingest.BundleReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node whose pods are on cni0 (containerd with flannel's CNI plugin) with docker's default docker0 idle beside it
 * (172.17.0.1/16, no carrier, no traffic): docker0 is not the pod bridge and gets no finding. The fixed seed cluster
 * with mcwk8s06's pod bridge named cni0 and that idle docker0 added, as ifconfig prints them.
 */
class PodBridgeTest {
    static final String IDLE_DOCKER0 = """
            [root@mcwk8s06 ~]# ifconfig docker0
            docker0: flags=4099<UP,BROADCAST,MULTICAST>  mtu 1500
                    inet 172.17.0.1  netmask 255.255.0.0  broadcast 172.17.255.255
                    ether 02:42:7d:1e:55:0a  txqueuelen 0  (Ethernet)
                    RX packets 0  bytes 0 (0.0 B)
                    RX errors 0  dropped 0  overruns 0  frame 0
                    TX packets 0  bytes 0 (0.0 B)
                    TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0

            """;

    @Test
    void anIdleDocker0BesideCni0GetsNoBridgeFinding(@TempDir Path dir) throws Exception {
        Path b = dir.resolve("cni0-node");
        copy(Path.of("bundles/seed-after"), b);
        Path addr = b.resolve("hosts/mcwk8s06/addr.txt");
        Files.writeString(addr, Files.readString(addr).replace("ifconfig docker", "ifconfig cni0").replace("docker0:", "cni0:") + IDLE_DOCKER0);
        Path route = b.resolve("hosts/mcwk8s06/route.txt");
        Files.writeString(route, Files.readString(route).replace(" docker0", " cni0"));

        BundleReader.Result read = BundleReader.read(b);
        Report r = Doctor.examine(b, read.snapshot());
        String text = ReportText.human(r);
        Set<Code> bridgeCodes = Set.of(Code.LEASE_MISSING, Code.BRIDGE_SUBNET_MISMATCH, Code.MTU_MISMATCH, Code.ROUTE_MISSING);
        assertThat(r.findings()).as(text).noneMatch(f -> bridgeCodes.contains(f.code()) && f.hosts().contains("mcwk8s06"));
        assertThat(r.findings()).as(text).noneMatch(f -> f.severity() == Severity.CRITICAL);
        // the ping goes to the pod bridge's address, cni0's, not to the idle docker0
        assertThat(r.symptoms()).as(text).anySatisfy(s -> assertThat(s.to()).isEqualTo("ping 172.17.9.1"));
        assertThat(r.symptoms()).noneMatch(s -> s.to().equals("ping 172.17.0.1"));
    }

    static void copy(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }
}
