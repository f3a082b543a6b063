package dev.kubepath.flannel;

import dev.kubepath.Prerequisites;
import dev.kubepath.flannel.etcd.EtcdProcess;
import dev.kubepath.flannel.etcd.EtcdV2Registry;
import dev.kubepath.flannel.subnet.SubnetEnv;
import dev.kubepath.host.SimulatedHost;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three agents join a real etcd (v2 API) with the seed's addresses, pinned subnets and VTEP MACs; the real
 * {@code etcdctl} (ETCDCTL_API=2) then prints exactly the seed's transcript lines.
 */
class SeedEtcdctlTest {
    private static final Path ETCDCTL = Prerequisites.onPath("etcdctl");

    /** A command of the transcript and the lines it printed. */
    record Exchange(List<String> args, List<String> output) {}

    static List<Exchange> transcript(String resource) throws IOException {
        List<Exchange> out = new ArrayList<>();
        try (InputStream in = SeedEtcdctlTest.class.getResourceAsStream(resource)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> current = null;
            for (String line : text.split("\n")) {
                int at = line.indexOf("]# etcdctl ");
                if (line.startsWith("[root@") && at > 0) {
                    current = new ArrayList<>();
                    out.add(new Exchange(List.of(line.substring(at + 11).trim().split("\\s+")), current));
                } else if (current != null && !line.isBlank()) {
                    current.add(line);
                }
            }
        }
        return out;
    }

    static List<String> etcdctl(String url, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ETCDCTL.toString(), "--endpoints", url));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "2");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("etcdctl %s: %s", args, out).isZero();
        return out.lines().toList();
    }

    private static OverlayAgent join(EtcdV2Registry registry, SimulatedHost host, String subnet) {
        SubnetEnv pinned = new SubnetEnv(Prefix.parse("172.17.0.0/16"), Prefix.parse(subnet), 1450, false);
        return new OverlayAgent(registry, host, OverlayAgent.Settings.flannel("eth0"), Clock.systemUTC(), new Random(1),
                Optional.of(pinned), env -> { }, msg -> { });
    }

    private static void check(String url, String resource) throws Exception {
        for (Exchange x : transcript(resource)) {
            List<String> got = etcdctl(url, x.args());
            if (x.args().getFirst().equals("ls")) {
                // etcd v2 lists a directory in no fixed order (the two seed listings differ): same lines, any order
                assertThat(got).as("etcdctl %s", x.args()).containsExactlyInAnyOrderElementsOf(x.output());
            } else {
                assertThat(got).as("etcdctl %s", x.args()).containsExactlyElementsOf(x.output());
            }
        }
    }

    @Test
    void realEtcdHoldsTheSeedsKeysAndValuesByteForByte() throws Exception {
        Prerequisites.etcd();
        Prerequisites.tool("etcdctl");
        try (EtcdProcess etcd = EtcdProcess.start();
             EtcdV2Registry registry = new EtcdV2Registry(etcd.clientUrls())) {
            registry.setConfig(SeedCluster.CONFIG);
            String url = etcd.clientUrl().toString();
            try (OverlayAgent a06 = join(registry, SeedCluster.host06(), "172.17.9.0/24");
                 OverlayAgent a03 = join(registry, SeedCluster.host03(), "172.17.83.0/24")) {
                a06.step();
                a03.step();
                assertThat(transcript("/seed/4-mcwk8s03-etcdctl-before.txt")).hasSize(3);
                check(url, "/seed/4-mcwk8s03-etcdctl-before.txt");
                try (OverlayAgent a05 = join(registry, SeedCluster.host05(), "172.17.89.0/24")) {
                    a05.step();
                    assertThat(transcript("/seed/6-mcwk8s03-etcdctl-after.txt")).hasSize(2);
                    check(url, "/seed/6-mcwk8s03-etcdctl-after.txt");
                }
            }
        }
    }
}
