package dev.kubepath.lab;

import dev.kubepath.cluster.FlannelCni;
import dev.kubepath.cluster.KubeObjects;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.flannel.kube.KubeNodes;
import dev.kubepath.flannel.registry.LeaseJson;
import dev.kubepath.host.linux.CommandResult;
import dev.kubepath.model.Daemon;
import dev.kubepath.model.Host;
import dev.kubepath.model.Lease;
import dev.kubepath.proxy.IptablesSave;
import dev.kubepath.proxy.Ipvsadm;
import dev.kubepath.shell.SimShell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A bundle (docs/bundle-format.md) from a running lab, made the way an operator makes one from a real cluster:
 * {@code collect.sh} runs inside every host's namespace for the kernel's own state, and the lab's control plane
 * answers what a node would ask systemd, ipvsadm, iptables-save, kubectl and etcdctl for (the lab has no systemd,
 * and its service rules live in nftables, read back as the virtual servers and chains they realise).
 */
public final class LabCollect {
    private LabCollect() {}

    public static void collect(LabCluster lab, Path collectScript, Path out) {
        SimCluster c = lab.cluster();
        try {
            for (String host : c.hostNames()) {
                CommandResult r = lab.exec(host, List.of("sh", collectScript.toAbsolutePath().toString(), "--host", host, out.toAbsolutePath().toString()));
                if (!r.ok()) throw new IllegalStateException("collect.sh in " + host + " failed: " + r.stderr().strip());
                Path dir = out.resolve("hosts").resolve(host);
                Host kernel = lab.host(host).readKernel();
                StringBuilder units = new StringBuilder();
                for (Daemon d : Daemon.values()) units.append(d.unit()).append(' ').append(c.unit(host, d).word()).append('\n');
                Files.writeString(dir.resolve("units.txt"), units);
                Files.writeString(dir.resolve("ipvs.txt"), Ipvsadm.listNumeric(kernel.virtualServers()));
                List<String> kubelet = c.podEvents().journal(host);
                if (!kubelet.isEmpty()) Files.writeString(dir.resolve("kubelet.log"), String.join("\n", kubelet) + "\n");
                // the lab's rules live in nftables (table ip kubepath-filter and the proxy's), which iptables-save in the
                // namespace does not show: where iptables is installed, collect.sh's iptables.txt would say "no rules"
                Files.writeString(dir.resolve("iptables.txt"), IptablesSave.render(kernel.chains()));
            }
            Path cluster = Files.createDirectories(out.resolve("cluster"));
            SimShell shell = new SimShell(c, c.hostNames().getFirst());
            Files.writeString(cluster.resolve("nodes.txt"), shell.run("kubectl get nodes -o wide"));
            Files.writeString(cluster.resolve("pods.txt"), shell.run("kubectl get pods -o wide"));
            Files.writeString(cluster.resolve("services.txt"), shell.run("kubectl get svc"));
            Files.writeString(cluster.resolve("endpointslices.json"), shell.run("kubectl get endpointslices -A -o json"));
            if (!c.podEvents().all().isEmpty()) Files.writeString(cluster.resolve("events.txt"), shell.run("kubectl get events -A"));
            if (c.registry() instanceof KubeNodes kube) { // --kube-subnet-mgr: leases are node annotations, no etcd
                Files.writeString(cluster.resolve("nodes.json"), KubeObjects.nodesJson(c.api(), kube));
                Files.writeString(cluster.resolve("kube-flannel-cfg.json"),
                        KubeObjects.flannelConfigMapJson(kube.getConfig().orElseThrow(), FlannelCni.CNI_CONF));
                return;
            }
            c.registry().getConfig().ifPresent(json -> write(cluster.resolve("flannel-config.json"), json + "\n"));
            StringBuilder leases = new StringBuilder();
            for (Lease l : c.registry().getLeases().leases()) {
                leases.append("/coreos.com/network/subnets/").append(l.subnet().keyForm()).append('\n').append(LeaseJson.render(l)).append('\n');
            }
            Files.writeString(cluster.resolve("leases.txt"), leases);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path p, String text) {
        try {
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
