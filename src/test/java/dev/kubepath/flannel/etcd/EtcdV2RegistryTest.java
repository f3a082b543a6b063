package dev.kubepath.flannel.etcd;

import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.flannel.registry.SubnetRegistryContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

class EtcdV2RegistryTest extends SubnetRegistryContract {
    private static EtcdProcess etcd;
    private static final AtomicInteger RUN = new AtomicInteger();

    @BeforeAll
    static void startEtcd() throws Exception {
        assumeTrue(EtcdProcess.available(), "etcd binary not installed at " + EtcdProcess.BINARY);
        etcd = EtcdProcess.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) etcd.close();
    }

    @Override
    protected SubnetRegistry newRegistry() {
        return new EtcdV2Registry(etcd.clientUrls(), "/test" + RUN.incrementAndGet() + "/network", Duration.ofSeconds(2));
    }

    @Override
    protected Duration shortTtl() {
        return Duration.ofSeconds(1);
    }

    @Override
    protected void letTimePass(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}
