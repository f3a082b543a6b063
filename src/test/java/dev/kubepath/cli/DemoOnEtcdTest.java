package dev.kubepath.cli;

import dev.kubepath.Prerequisites;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubepath.flannel.etcd.EtcdProcess;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** `kubepath demo --etcd-endpoints URL` against a real etcd, read back with the real etcdctl (v2 API, as the seed). */
class DemoOnEtcdTest {
    static String etcdctl(String url, String... args) throws Exception {
        return etcdctlApi("2", url, args);
    }

    static String etcdctlApi(String api, String url, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("etcdctl", "--endpoints", url));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", api);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    static String seedLine(String file, String startsWith) throws Exception {
        return Files.readAllLines(Path.of("src/test/resources/seed", file)).stream().filter(l -> l.startsWith(startsWith)).findFirst().orElseThrow();
    }

    @Test
    void theReplayLeavesTheSeedsLeasesInARealEtcd() throws Exception {
        Prerequisites.etcd();
        try (EtcdProcess etcd = EtcdProcess.start()) {
            String url = etcd.clientUrl().toString();
            Cli r = Cli.run("demo", "--json", "--etcd-endpoints", url);
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode outcomes = new ObjectMapper().readTree(r.out()).get("outcomes");
            assertThat(outcomes.toString()).contains("\"phase\":\"after\",\"from\":\"mcwk8s03\",\"to\":\"10.0.0.36:33958\",\"kind\":\"curl\",\"verdict\":\"DELIVERED\"");

            assertThat(etcdctl(url, "ls", "/coreos.com/network/subnets").lines().sorted().toList()).containsExactly(
                    "/coreos.com/network/subnets/172.17.83.0-24",
                    "/coreos.com/network/subnets/172.17.89.0-24",
                    "/coreos.com/network/subnets/172.17.9.0-24");
            assertThat(etcdctl(url, "get", "/coreos.com/network/subnets/172.17.9.0-24").strip())
                    .isEqualTo(seedLine("4-mcwk8s03-etcdctl-before.txt", "{\"PublicIP\":\"10.0.0.36\""));
            assertThat(etcdctl(url, "get", "/coreos.com/network/subnets/172.17.83.0-24").strip())
                    .isEqualTo(seedLine("4-mcwk8s03-etcdctl-before.txt", "{\"PublicIP\":\"10.0.0.33\""));
            assertThat(etcdctl(url, "get", "/coreos.com/network/subnets/172.17.89.0-24").strip())
                    .isEqualTo(seedLine("6-mcwk8s03-etcdctl-after.txt", "{\"PublicIP\":\"10.0.0.35\""));
        }
    }

    @Test
    void theReplayWorksOnTheV3KeySpaceToo() throws Exception {
        Prerequisites.etcd();
        try (EtcdProcess etcd = EtcdProcess.start()) {
            String url = etcd.clientUrl().toString();
            Cli r = Cli.run("demo", "--json", "--etcd-endpoints", url, "--etcd-api", "v3");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("\"phase\" : \"after\",\n    \"from\" : \"mcwk8s03\",\n    \"to\" : \"10.0.0.36:33958\",\n    \"kind\" : \"curl\",\n    \"verdict\" : \"DELIVERED\"");
            assertThat(etcdctlApi("3", url, "get", "--prefix", "--keys-only", "/coreos.com/network/subnets").lines().filter(l -> !l.isBlank()).sorted().toList())
                    .containsExactly("/coreos.com/network/subnets/172.17.83.0-24", "/coreos.com/network/subnets/172.17.89.0-24",
                            "/coreos.com/network/subnets/172.17.9.0-24");
            assertThat(etcdctlApi("2", url, "ls", "/coreos.com/network/subnets")).as("the v2 key space is separate").doesNotContain("172.17.89.0-24");
        }
    }
}
