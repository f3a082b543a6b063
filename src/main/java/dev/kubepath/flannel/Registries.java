package dev.kubepath.flannel;

import dev.kubepath.flannel.etcd.EtcdV2Registry;
import dev.kubepath.flannel.etcd.EtcdV3Registry;
import dev.kubepath.flannel.registry.EmbeddedRegistry;
import dev.kubepath.flannel.registry.SubnetRegistry;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Opens a registry from a command-line spec: {@code embedded}, {@code etcd-v2:URL[,URL...]} or
 * {@code etcd-v3:URL[,URL...]}, with flannel's {@code --etcd-prefix} (default {@code /coreos.com/network}).
 */
public final class Registries {
    public static final String DEFAULT_PREFIX = "/coreos.com/network";

    private Registries() {
    }

    public static SubnetRegistry open(String spec, String prefix) {
        if (spec.equals("embedded")) return new EmbeddedRegistry();
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        if (colon < 0 || colon == spec.length() - 1) {
            throw new IllegalArgumentException("registry '" + spec + "': expected embedded, etcd-v2:URL[,URL...] or etcd-v3:URL[,URL...]");
        }
        List<URI> urls = Arrays.stream(spec.substring(colon + 1).split(",")).map(String::trim).map(URI::create).toList();
        return switch (kind) {
            case "etcd-v2" -> new EtcdV2Registry(urls, prefix, Duration.ofSeconds(2));
            case "etcd-v3" -> new EtcdV3Registry(urls, prefix, EtcdV3Registry.DEFAULT_TIMEOUT, 1);
            default -> throw new IllegalArgumentException("registry '" + spec + "': unknown kind '" + kind
                    + "' (expected embedded, etcd-v2 or etcd-v3)");
        };
    }
}
