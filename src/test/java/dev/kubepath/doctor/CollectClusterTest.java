package dev.kubepath.doctor;

import dev.kubepath.Prerequisites;
import dev.kubepath.flannel.etcd.EtcdProcess;
import dev.kubepath.ingest.BundleReader;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** collect.sh --cluster against a real etcd holding the seed's two leases, through etcdctl's v2 and v3 forms. */
class CollectClusterTest {
    static final String KEY_06 = "/coreos.com/network/subnets/172.17.9.0-24";
    static final String VALUE_06 = "{\"PublicIP\":\"10.0.0.36\",\"BackendType\":\"vxlan\",\"BackendData\":{\"VtepMAC\":\"2a:2c:21:3a:58:21\"}}";
    static final String KEY_03 = "/coreos.com/network/subnets/172.17.83.0-24";
    static final String VALUE_03 = "{\"PublicIP\":\"10.0.0.33\",\"BackendType\":\"vxlan\",\"BackendData\":{\"VtepMAC\":\"b2:83:33:7b:fd:37\"}}";

    @TempDir
    Path dir;

    static String run(List<String> cmd, String api) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (api != null) pb.environment().put("ETCDCTL_API", api);
        pb.environment().put("KUBECONFIG", "/nonexistent/kubeconfig"); // kubectl must not reach any real cluster
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(cmd + ": " + out).isZero();
        return out;
    }

    @Test
    void leasesCollectedWithEitherApiReadBackAsTheSeedsLeases() throws Exception {
        Prerequisites.etcd();
        Prerequisites.tool("etcdctl");
        try (EtcdProcess etcd = EtcdProcess.start()) {
            String url = etcd.clientUrl().toString();
            // v2 and v3 keep separate key spaces: the same leases are written into both
            run(List.of("etcdctl", "--endpoints", url, "set", KEY_06, VALUE_06), "2");
            run(List.of("etcdctl", "--endpoints", url, "set", KEY_03, VALUE_03), "2");
            run(List.of("etcdctl", "--endpoints", url, "put", KEY_06, VALUE_06), "3");
            run(List.of("etcdctl", "--endpoints", url, "put", KEY_03, VALUE_03), "3");
            for (String api : List.of("2", "3")) {
                Path out = dir.resolve("v" + api);
                List<String> cmd = new ArrayList<>(List.of("sh", Path.of("collect.sh").toAbsolutePath().toString(), "--cluster",
                        "--etcd-api", api, "--etcd-endpoints", url, out.toString()));
                run(cmd, null);
                String leases = Files.readString(out.resolve("cluster/leases.txt"));
                assertThat(leases).contains(VALUE_06).contains(VALUE_03);
                List<Lease> read = BundleReader.read(out).snapshot().cluster().leases();
                assertThat(read).as("api v" + api + ":\n" + leases).containsExactlyInAnyOrder(
                        new Lease(Prefix.parse("172.17.9.0/24"), Ipv4.parse("10.0.0.36"), "vxlan", Mac.parse("2a:2c:21:3a:58:21"), null),
                        new Lease(Prefix.parse("172.17.83.0/24"), Ipv4.parse("10.0.0.33"), "vxlan", Mac.parse("b2:83:33:7b:fd:37"), null));
            }
        }
    }
}
