package dev.kubepath.lab;

import dev.kubepath.cluster.KubeApiHttp;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.flannel.ManualClock;
import dev.kubepath.flannel.NetworkConfigs;
import dev.kubepath.flannel.etcd.EtcdProcess;
import dev.kubepath.flannel.etcd.EtcdV2Registry;
import dev.kubepath.flannel.kube.KubeNodes;
import dev.kubepath.flannel.kube.NodeCidrAllocator;
import dev.kubepath.flannel.registry.EmbeddedRegistry;
import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.host.linux.CommandResult;
import dev.kubepath.host.linux.Netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The control plane of {@link SimCluster} (our flannel agent, docker, kubelet, kube-proxy, the API server) driving
 * real network namespaces: real VXLAN, real bridges and veths, nftables for IPVS and the filter table, real HTTP
 * servers in the pods, and the subnet leases in a real etcd (v2 API, as the seed) or the embedded registry.
 * Closing it removes every namespace and process and stops etcd.
 */
public final class LabCluster implements AutoCloseable {
    /**
     * ETCD: a real etcd, v2 API (the seed's); ETCD_V3: its v3 key space; EMBEDDED: the in-process registry; KUBE:
     * flanneld --kube-subnet-mgr against the lab's API server, which is the control plane's own object, in process
     * (the lab serves no Kubernetes HTTP API): leases are its node annotations.
     */
    public enum RegistryKind { ETCD, ETCD_V3, EMBEDDED, KUBE;
        public static RegistryKind defaultKind() {
            return EtcdProcess.available() ? ETCD : EMBEDDED;
        }
    }

    private final LabMachines machines;
    private final SimCluster cluster;
    private final EtcdProcess etcd;
    private final KubeApiHttp kubeApi;

    private LabCluster(LabMachines machines, SimCluster cluster, EtcdProcess etcd, KubeApiHttp kubeApi) {
        this.machines = machines;
        this.cluster = cluster;
        this.etcd = etcd;
        this.kubeApi = kubeApi;
    }

    /** Builds the hosts of {@code spec} in namespaces (nothing booted yet: the scenario decides how to boot). */
    public static LabCluster create(SimCluster.Spec spec, RegistryKind registryKind) {
        Lab lab = new Lab();
        EtcdProcess etcd = null;
        SubnetRegistry registry = null;
        try {
            ManualClock clock = new ManualClock(spec.start());
            if (registryKind == RegistryKind.ETCD || registryKind == RegistryKind.ETCD_V3) {
                etcd = EtcdProcess.start();
                registry = registryKind == RegistryKind.ETCD ? new EtcdV2Registry(List.of(etcd.clientUrl()))
                        : new dev.kubepath.flannel.etcd.EtcdV3Registry(List.of(etcd.clientUrl()));
            } else if (registryKind == RegistryKind.KUBE) {
                var f = NetworkConfigs.parse(spec.flannelConfig());
                registry = new KubeNodes(new NodeCidrAllocator(f.network(), f.subnetLen()));
            } else {
                registry = new EmbeddedRegistry(clock);
            }
            LabMachines machines = new LabMachines(lab, NetworkConfigs.parse(spec.flannelConfig()).network(), spec.proxyMode());
            SimCluster cluster = new SimCluster(spec, clock, registry, machines);
            // CoreDNS's kubernetes plugin: the Services' names from the API server
            machines.dns().source(() -> dev.kubepath.cluster.ClusterDns.records(cluster.api().cluster(null, List.of())));
            KubeApiHttp kubeApi = null;
            if (registry instanceof KubeNodes) {
                // as flanneld reaches a real API server: every agent reads nodes and PATCHes its own over HTTP
                kubeApi = KubeApiHttp.serve(cluster);
                cluster.flannelClients(kubeApi::clientFor);
            }
            return new LabCluster(machines, cluster, etcd, kubeApi);
        } catch (IOException e) {
            lab.close();
            throw new UncheckedIOException("cannot start etcd for the lab", e);
        } catch (RuntimeException e) {
            if (registry != null) registry.close();
            if (etcd != null) etcd.close();
            lab.close();
            throw e;
        }
    }

    public SimCluster cluster() {
        return cluster;
    }

    public LabMachines machines() {
        return machines;
    }

    public Lab lab() {
        return machines.lab();
    }

    /** The API server flanneld --kube-subnet-mgr talks to (registry kube), on a loopback port. */
    public java.util.Optional<java.net.URI> kubeApiUrl() {
        return java.util.Optional.ofNullable(kubeApi).map(KubeApiHttp::url);
    }

    public LabHost host(String name) {
        return machines.host(name);
    }

    /** Runs {@code argv} inside the host's namespace, as an operator logged in there would. */
    public CommandResult exec(String host, List<String> argv) {
        machines.dns().refresh(); // a Service applied since the last change of pods resolves, as CoreDNS follows the API
        return machines.host(host).netns().exec(argv, null);
    }

    /** The command line of a namespace shell: nsenter --net=/run/netns/NS -- argv. */
    public List<String> command(String host, List<String> argv) {
        return new ArrayList<>(machines.host(host).netns().command(argv));
    }

    /** Rewrites the records the lab's CoreDNS pods serve, if the cluster's Services changed. */
    public void refreshDns() {
        machines.dns().refresh();
    }

    public Netns netns(String host) {
        return machines.host(host).netns();
    }

    @Override
    public void close() {
        try {
            cluster.registry().close();
        } catch (RuntimeException ignored) {
            // the registry may already be unreachable; the namespaces still go
        }
        if (kubeApi != null) kubeApi.close();
        if (etcd != null) etcd.close();
        machines.close();
    }
}
