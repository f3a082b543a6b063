package dev.kubepath.cluster;

import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.model.Node;
import dev.kubepath.model.Service;
import dev.kubepath.model.Snapshot;
import dev.kubepath.net.SocketAddress;
import dev.kubepath.proxy.ProxyMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential test of kube-proxy's three modes: random clusters (2-4 hosts, 1-4 deployments pinned to random
 * nodes, ClusterIP and NodePort services with 0 to 3 endpoints, sometimes a host with FORWARD DROP or a stopped
 * flanneld) are run once per mode, and every flow - each host to each service port's ClusterIP and to each
 * node's address at each NodePort - gets the same verdict in IPVS, iptables and nftables mode, but for the one
 * real difference under FORWARD DROP (nftables mode has no KUBE-FORWARD accept). Every host has a
 * default route, as real nodes do: without one, a host's own connection to a ClusterIP fails in iptables mode
 * (no route for the REJECT to answer) where IPVS answers from kube-ipvs0.
 * Every other deployment serves UDP behind a UDP service, and every cluster has cluster DNS (kube-dns, UDP and TCP
 * 53) and a UDP NodePort service without endpoints: UDP flows are compared as TCP ones are.
 * Replay one seed with -Dkubepath.seed=N.
 */
class ProxyModesRandomAgreeTest {
    @TempDir
    Path dir;

    @Test
    void theThreeModesAgreeOnEveryServiceFlowOfRandomClusters() throws IOException {
        long base = Long.getLong("kubepath.seed", System.nanoTime());
        int clusters = System.getProperty("kubepath.seed") != null ? 1 : 4;
        int flows = 0;
        java.util.Set<Verdict> seen = java.util.EnumSet.noneOf(Verdict.class), seenUdp = java.util.EnumSet.noneOf(Verdict.class);
        for (int i = 0; i < clusters; i++) {
            long seed = base + i;
            Map<ProxyMode, Map<String, Verdict>> byMode = new EnumMap<>(ProxyMode.class);
            for (ProxyMode mode : ProxyMode.values()) byMode.put(mode, verdicts(seed, mode));
            Map<String, Verdict> ipvs = byMode.get(ProxyMode.IPVS);
            assertThat(byMode.get(ProxyMode.IPTABLES)).as("iptables vs ipvs, seed " + seed).isEqualTo(ipvs);
            Map<String, Verdict> nft = byMode.get(ProxyMode.NFTABLES);
            if (forwardDrop(seed)) {
                // the one real difference: iptables and IPVS mode accept marked service traffic in KUBE-FORWARD,
                // nftables mode writes no such accept, so a FORWARD policy DROP drops what the others let through
                assertThat(nft.keySet()).isEqualTo(ipvs.keySet());
                nft.forEach((flow, v) -> {
                    if (v != ipvs.get(flow)) assertThat(v + " vs " + ipvs.get(flow)).as(flow + ", seed " + seed).isEqualTo("TIMEOUT vs DELIVERED");
                });
            } else {
                assertThat(nft).as("nftables vs ipvs, seed " + seed).isEqualTo(ipvs);
            }
            flows += ipvs.size();
            seen.addAll(ipvs.values());
            ipvs.forEach((flow, v) -> { if (flow.endsWith("/UDP")) seenUdp.add(v); });
        }
        assertThat(flows).as("flows compared").isGreaterThan(clusters * 4);
        if (clusters > 1) assertThat(seen).as("verdicts met over the clusters").contains(Verdict.DELIVERED, Verdict.REFUSED);
        // a DNS query answered by CoreDNS, and an ICMP port unreachable from the UDP service without endpoints
        assertThat(seenUdp).as("UDP verdicts").contains(Verdict.DELIVERED, Verdict.REFUSED);
    }

    /** Whether the cluster of this seed gets FORWARD DROP (the draws of {@link #verdicts} up to the fault). */
    private static boolean forwardDrop(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int hosts = 2 + r.nextInt(3);
        int deployments = 1 + r.nextInt(4);
        for (int k = 0; k < deployments; k++) {
            r.nextInt(hosts);
            r.nextInt(4);
            r.nextBoolean();
        }
        return r.nextInt(4) == 1;
    }

    private Map<String, Verdict> verdicts(long seed, ProxyMode mode) throws IOException {
        Path d = Files.createDirectories(dir.resolve(seed + "-" + mode));
        SplittableRandom r = new SplittableRandom(seed);
        int hosts = 2 + r.nextInt(3);
        StringBuilder file = new StringBuilder(String.format(Locale.ROOT, """
                kind: Cluster
                name: random-%d
                seed: %d
                serviceCidr: 10.96.0.0/16
                flannel:
                  registry: embedded
                  config: '{"Network":"10.244.0.0/16","SubnetLen":24,"Backend":{"Type":"vxlan"}}'
                kubeProxy: %s
                hosts:
                  master:
                    address: 192.168.10.10/24
                    gateway: 192.168.10.1
                    roles: [etcd, master, node]
                """, Math.abs(seed % 1000), Math.abs(seed % 1000), mode.name().toLowerCase(Locale.ROOT)));
        for (int h = 1; h < hosts; h++) file.append(String.format(Locale.ROOT, "  node%d:\n    address: 192.168.10.%d/24\n    gateway: 192.168.10.1\n", h, 20 + h));
        file.append("manifests:\n  - apps.yaml\n");
        StringBuilder apps = new StringBuilder();
        int deployments = 1 + r.nextInt(4);
        for (int k = 0; k < deployments; k++) {
            int node = r.nextInt(hosts);
            int replicas = r.nextInt(4);
            apps.append(String.format(Locale.ROOT, """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: app%d}
                    spec:
                      replicas: %d
                      selector:
                        matchLabels: {app: app%d}
                      template:
                        metadata:
                          labels: {app: app%d}
                        spec:
                          nodeName: %s
                          containers:
                          - name: app
                            image: python:3
                            ports:
                            - {containerPort: %d, protocol: %s}
                    ---
                    apiVersion: v1
                    kind: Service
                    metadata: {name: svc%d}
                    spec:
                      type: %s
                      ports:
                      - port: 80
                        targetPort: %d
                        protocol: %s
                      selector: {app: app%d}
                    ---
                    """, k, replicas, k, k, node == 0 ? "master" : "node" + node, 8080 + k, k % 2 == 1 ? "UDP" : "TCP", k,
                    r.nextBoolean() ? "NodePort" : "ClusterIP", 8080 + k, k % 2 == 1 ? "UDP" : "TCP", k));
        }
        // and always a NodePort service without endpoints: rejected, in each mode its own way
        apps.append("apiVersion: v1\nkind: Service\nmetadata: {name: empty}\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n  selector: {app: none}\n");
        apps.append("---\napiVersion: v1\nkind: Service\nmetadata: {name: empty-udp}\nspec:\n  type: NodePort\n  ports:\n  - {port: 53, protocol: UDP}\n  selector: {app: none}\n");
        int fault = r.nextInt(4);
        if (fault > 0) {
            String victim = "node" + (1 + r.nextInt(hosts - 1));
            file.append("timeline:\n  - at: 1h\n    do:\n      - ").append(switch (fault) {
                case 1 -> "fault forward-drop " + victim;
                case 2 -> "on " + victim + ": systemctl stop flanneld";
                default -> "fault ip-forward " + victim + " off";
            }).append("\n  - at: 2h\n    do:\n      - on master: systemctl restart kube-proxy\n");
        }
        Files.writeString(d.resolve("apps.yaml"), apps);
        ClusterRun run = ClusterRun.simulated(ClusterFile.parse("random.yaml", file.toString(), d), e -> {});
        run.boot();
        run.runAll();
        Snapshot s = run.cluster().snapshot();
        DataPlane dp = new DataPlane(s);
        Map<String, Verdict> out = new LinkedHashMap<>();
        for (Node from : s.cluster().nodes()) {
            for (Service svc : s.cluster().services()) {
                if (svc.clusterIp() == null || svc.name().equals("kubernetes")) continue;
                for (Service.Port p : svc.ports()) {
                    SocketAddress vip = new SocketAddress(svc.clusterIp(), p.port());
                    out.put(from.name() + " -> " + svc.name() + " " + vip + "/" + p.protocol(), dp.trace(from.name(), probe(vip, p.protocol())).verdict());
                    if (p.nodePort() == 0) continue;
                    for (Node to : s.cluster().nodes()) {
                        SocketAddress np = new SocketAddress(to.internalIp(), p.nodePort());
                        out.put(from.name() + " -> " + svc.name() + " nodeport " + to.name() + "/" + p.protocol(), dp.trace(from.name(), probe(np, p.protocol())).verdict());
                    }
                }
            }
        }
        assertThat(out.keySet()).as("kube-dns over UDP and TCP").anyMatch(k -> k.contains("kube-dns") && k.endsWith("/UDP"))
                .anyMatch(k -> k.contains("kube-dns") && k.endsWith("/TCP"));
        return out;
    }

    private static Probe probe(SocketAddress to, dev.kubepath.net.Protocol protocol) {
        return protocol == dev.kubepath.net.Protocol.UDP ? new Probe.Udp(to) : new Probe.Curl(to);
    }
}
