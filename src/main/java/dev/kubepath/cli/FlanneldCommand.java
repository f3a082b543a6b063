package dev.kubepath.cli;

import dev.kubepath.ingest.InputException;
import dev.kubepath.flannel.Flanneld;
import dev.kubepath.flannel.Registries;
import dev.kubepath.flannel.kube.KubeApiClient;
import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.host.linux.LinuxHost;
import dev.kubepath.host.linux.Netns;
import dev.kubepath.host.linux.ProcessRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "flanneld", description = {
        "kubepath's flannel-compatible overlay agent, programming one network namespace.",
        "Same etcd keys and values, same VXLAN device, routes, neighbours and FDB entries as flannel. Runs until interrupted."})
final class FlanneldCommand implements Callable<Integer> {
    @Option(names = "--netns", required = true, paramLabel = "NAME",
            description = "the network namespace to program (kubepath never programs the root namespace)")
    String netns;

    @Option(names = "--etcd-endpoints", defaultValue = "embedded", paramLabel = "REGISTRY",
            description = "etcd-v2:URL[,URL] (flannel's etcd v2 API, as the seed cluster), etcd-v3:URL[,URL], or embedded (default)")
    String registry;

    @Option(names = "--kube-subnet-mgr", description = "use the Kubernetes API instead of etcd: the subnet is this node's spec.podCIDR, the lease its annotations")
    boolean kubeSubnetMgr;

    @Option(names = "--kube-api-url", paramLabel = "URL", description = "the API server (with --kube-subnet-mgr), e.g. the URL `lab status` prints")
    URI kubeApiUrl;

    @Option(names = "--node-name", paramLabel = "NAME", description = "this node's name (with --kube-subnet-mgr; default: $NODE_NAME, as flannel reads it)")
    String nodeName;

    @Option(names = "--net-config-path", defaultValue = "/etc/kube-flannel/net-conf.json", paramLabel = "FILE",
            description = "net-conf.json as the kube-flannel DaemonSet mounts it; when absent, read from the kube-flannel-cfg ConfigMap (default: ${DEFAULT-VALUE})")
    Path netConfPath;

    @Option(names = "--etcd-prefix", defaultValue = Registries.DEFAULT_PREFIX, paramLabel = "PREFIX", description = "default: ${DEFAULT-VALUE}")
    String prefix;

    @Option(names = "--iface", defaultValue = "eth0", paramLabel = "DEV", description = "the underlay device (default: ${DEFAULT-VALUE})")
    String iface;

    @Option(names = "--subnet-file", defaultValue = "/run/flannel/subnet.env", paramLabel = "FILE", description = "default: ${DEFAULT-VALUE}")
    Path subnetFile;

    @Option(names = "--subnet-lease-renew-margin", defaultValue = "60", paramLabel = "MINUTES", description = "default: ${DEFAULT-VALUE}")
    int renewMargin;

    @Option(names = "--ip-masq", description = "write FLANNEL_IPMASQ=true")
    boolean ipMasq;

    @Option(names = "--reclaim", description = "when our lease vanishes, take the same subnet back if free (flannel exits instead)")
    boolean reclaim;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(Path.of("/run/netns", netns))) {
            throw new InputException("no network namespace '" + netns + "' (ip netns list shows the ones there are)");
        }
        PrintWriter err = spec.commandLine().getErr();
        Flanneld f = new Flanneld(registry, prefix, iface, subnetFile, Duration.ofMinutes(renewMargin), ipMasq, reclaim, System.nanoTime());
        LinuxHost host = new LinuxHost(netns, new Netns(netns, ProcessRunner.withDefaultTimeout()));
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown);
        Runtime.getRuntime().addShutdownHook(hook);
        SubnetRegistry registry = kubeSubnetMgr ? kubeClient() : Registries.open(this.registry, prefix);
        try (Flanneld.Running running = f.start(host, registry, line -> {
            err.println(line);
            err.flush();
        })) {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // already exiting
            }
        }
        return 0;
    }

    private SubnetRegistry kubeClient() {
        if (kubeApiUrl == null) throw new InputException("--kube-subnet-mgr needs --kube-api-url URL (kubepath has no kubeconfig or in-cluster configuration)");
        String node = nodeName != null ? nodeName : System.getenv("NODE_NAME");
        if (node == null || node.isBlank()) throw new InputException("--kube-subnet-mgr needs the node's name: --node-name NAME or NODE_NAME in the environment");
        return new KubeApiClient(kubeApiUrl, node, netConfPath);
    }
}
