package dev.kubepath.cluster;

import dev.kubepath.model.Pod;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import dev.kubepath.proxy.ProxyMode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The seed incident's cluster (seed README): mcwk8s03, the master (flanneld, docker, etcd; no kubelet, no
 * kube-proxy), and the nodes mcwk8s05 and mcwk8s06 (kube-proxy in IPVS mode), with the seed's addresses and MACs.
 * The replay pins what the seed shows but a random source would choose: subnets, the pod's addresses, the service's
 * ClusterIP and NodePorts.
 */
public final class SeedCluster {
    public static final String MASTER = "mcwk8s03", NODE05 = "mcwk8s05", NODE06 = "mcwk8s06";
    public static final String FLANNEL_CONFIG = "{\"Network\":\"172.17.0.0/16\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\"}}";
    public static final Ipv4 CLUSTER_IP = Ipv4.parse("10.2.0.155");
    public static final int NODE_PORT_BEFORE = 41527, NODE_PORT_AFTER = 33958;

    private SeedCluster() {}

    public static SimCluster.Spec spec(Instant start) {
        return spec(start, ProxyMode.IPVS);
    }

    public static SimCluster.Spec spec(Instant start, ProxyMode mode) {
        Ipv4 gw = Ipv4.parse("10.0.0.254");
        return new SimCluster.Spec("seed", 7, start, FLANNEL_CONFIG, ApiServer.Config.seedCluster(7), mode, List.of(
                new SimCluster.HostSpec(MASTER, Ipv4.parse("10.0.0.33"), 24, gw, false, false, true,
                        Mac.parse("00:16:3e:00:00:33"), Mac.parse("b2:83:33:7b:fd:37"), Mac.parse("02:42:e9:a4:51:4f")),
                new SimCluster.HostSpec(NODE05, Ipv4.parse("10.0.0.35"), 24, gw, true, true, false,
                        Mac.parse("00:16:3e:00:00:35"), Mac.parse("36:70:76:ea:39:b8"), Mac.parse("02:42:18:e1:e8:fc")),
                new SimCluster.HostSpec(NODE06, Ipv4.parse("10.0.0.36"), 24, gw, true, true, false,
                        Mac.parse("00:16:3e:00:00:36"), Mac.parse("2a:2c:21:3a:58:21"), Mac.parse("02:42:f0:fa:13:3e"))));
    }

    /** The seed's workload, exactly as in outputs/mcwdeploy.yaml (bundled as a resource). */
    public static List<HasMetadata> manifests() {
        return resource("mcwdeploy.yaml");
    }

    private static List<HasMetadata> resource(String name) {
        try (InputStream in = SeedCluster.class.getResourceAsStream("/seed/" + name)) {
            return Manifests.load(name, in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The cluster as it was before anything went wrong: every host holds a lease, routes agree. */
    public static void bootHealthy(SimCluster c) {
        c.pinNextSubnet(MASTER, Prefix.parse("172.17.59.0/24"));
        c.pinNextSubnet(NODE05, Prefix.parse("172.17.98.0/24"));
        c.pinNextSubnet(NODE06, Prefix.parse("172.17.61.0/24"));
        c.boot();
        c.api().apply(resource("nginx.yaml")); // the seed's other service, with a pod on mcwk8s06
        c.settle();
    }

    /** The seed as its operator found it: booted healthy, broken as {@link #breakLikeTheSeed} tells, the Deployment and NodePort applied. */
    public static SimCluster incident(SimCluster c) {
        bootHealthy(c);
        breakLikeTheSeed(c);
        deploy(c, NODE_PORT_BEFORE);
        return c;
    }

    /**
     * A reconstruction of how the seed's state arose (the notes do not say): 05's flanneld hangs; 03 and 06 are
     * down for a day, so every lease runs out its 24 h TTL (05's too: a hung flanneld renews nothing); they boot with
     * an empty /run and take new subnets; 05 neither sees their leases nor notices it lost its own.
     */
    public static void breakLikeTheSeed(SimCluster c) {
        c.faults().hangFlanneld(NODE05);
        c.faults().powerOff(MASTER);
        c.faults().powerOff(NODE06);
        c.advance(Duration.ofHours(25));
        c.pinNextSubnet(MASTER, Prefix.parse("172.17.83.0/24"));
        c.pinNextSubnet(NODE06, Prefix.parse("172.17.9.0/24"));
        c.faults().powerOn(MASTER);
        c.faults().powerOn(NODE06);
    }

    /** kubectl apply -f mcwdeploy.yaml with the seed's pod on 05 at .13, ClusterIP 10.2.0.155 and NodePort 41527. */
    public static List<String> deploy(SimCluster c, int nodePort) {
        List<HasMetadata> objs = manifests();
        Deployment d = (Deployment) objs.get(0);
        Service s = (Service) objs.get(1);
        s.getSpec().setClusterIP(CLUSTER_IP.toString());
        s.getSpec().getPorts().get(0).setNodePort(nodePort);
        List<String> out = c.api().apply(List.of(d));
        c.api().pinDeployment("default", d.getMetadata().getName(), NODE05);
        Pod pod = c.api().pods().stream().filter(p -> p.name().startsWith("mcwtest-deploy")).findFirst().orElseThrow();
        c.docker(NODE05).pinAddress(pod.key(), Ipv4.parse("172.17.98.13"));
        out = new java.util.ArrayList<>(out);
        out.addAll(c.api().apply(List.of(s)));
        c.settle();
        return out;
    }

    /** The service re-created (the seed's NodePort changed from 41527 to 33958). */
    public static void recreateService(SimCluster c) {
        c.api().deleteService("default", "mcwtest-svc");
        Service s = (Service) manifests().get(1);
        s.getSpec().setClusterIP(CLUSTER_IP.toString());
        s.getSpec().getPorts().get(0).setNodePort(NODE_PORT_AFTER);
        c.api().apply(List.of(s));
        c.settle();
    }

    /** Where the replay follows the seed's numbers on the fix: flanneld's new subnet and the re-created pod's address. */
    public static void pinTheFix(SimCluster c) {
        c.pinNextSubnet(NODE05, Prefix.parse("172.17.89.0/24"));
        Pod pod = c.api().pods().stream().filter(p -> p.name().startsWith("mcwtest-deploy")).findFirst().orElseThrow();
        c.docker(NODE05).pinAddress(pod.key(), Ipv4.parse("172.17.89.10"));
    }
}
