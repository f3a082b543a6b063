package dev.kubepath.flannel.etcd;

import dev.kubepath.Prerequisites;
import dev.kubepath.flannel.registry.SubnetRegistry;

import java.time.Duration;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

class EtcdV3RegistryTest extends EtcdRegistryContract {
    @Override
    protected SubnetRegistry newRegistry() {
        return new EtcdV3Registry(etcd.clientUrls(), freshPrefix(), Duration.ofSeconds(3), 1);
    }

    @org.junit.jupiter.api.Test
    void valuesAreWrittenInFlannelV3Form() throws Exception {
        java.nio.file.Path etcdctl = Prerequisites.tool("etcdctl");
        try (var r = new EtcdV3Registry(etcd.clientUrls())) {
            r.createLease(new dev.kubepath.model.Lease(dev.kubepath.net.Prefix.parse("172.17.9.0/24"), dev.kubepath.net.Ipv4.parse("10.0.0.36"),
                    "vxlan", dev.kubepath.net.Mac.parse("2a:2c:21:3a:58:21"), null), Duration.ofHours(1));
        }
        ProcessBuilder pb = new ProcessBuilder(etcdctl.toString(), "--endpoints", etcd.clientUrl().toString(), "get",
                "/coreos.com/network/subnets/172.17.9.0-24", "--print-value-only").redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        org.assertj.core.api.Assertions.assertThat(out).isEqualTo(
                "{\"PublicIP\":\"10.0.0.36\",\"PublicIPv6\":null,\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"2a:2c:21:3a:58:21\"}}");
    }
}
