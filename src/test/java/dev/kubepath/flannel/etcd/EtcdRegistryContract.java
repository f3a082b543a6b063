package dev.kubepath.flannel.etcd;

import dev.kubepath.Prerequisites;
import dev.kubepath.flannel.registry.SubnetRegistryContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The registry contract against a real etcd, started once for the class; each registry gets a key space of its own. */
abstract class EtcdRegistryContract extends SubnetRegistryContract {
    static EtcdProcess etcd;
    private static final AtomicInteger RUN = new AtomicInteger();

    @BeforeAll
    static void startEtcd() throws Exception {
        Prerequisites.etcd();
        etcd = EtcdProcess.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) etcd.close();
    }

    /** A fresh key prefix for the next registry. */
    static String freshPrefix() {
        return "/test" + RUN.incrementAndGet() + "/network";
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
