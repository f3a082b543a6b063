package dev.kubepath.flannel.etcd;

import dev.kubepath.flannel.registry.SubnetRegistry;

import java.time.Duration;

class EtcdV2RegistryTest extends EtcdRegistryContract {
    @Override
    protected SubnetRegistry newRegistry() {
        return new EtcdV2Registry(etcd.clientUrls(), freshPrefix(), Duration.ofSeconds(2));
    }
}
