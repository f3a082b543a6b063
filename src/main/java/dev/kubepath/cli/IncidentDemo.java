package dev.kubepath.cli;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.ClusterRun;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.host.NetChange;
import dev.kubepath.ingest.InputException;
import dev.kubepath.model.Pod;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The incidents of today's cluster shapes, replayed like the seed's ({@link DemoCommand}): the cluster file's own
 * timeline makes the fault, then the symptoms, the evidence, the fix and the verification in the operator's shell.
 */
final class IncidentDemo {
    /** Every incident {@code kubepath demo NAME} replays, with one line saying what it is. */
    static final Map<String, String> INCIDENTS = new LinkedHashMap<>();

    static {
        INCIDENTS.put("seed", "flanneld on etcd v2, docker0, IPVS (2019): a NodePort answers on one node only, after mcwk8s05 lost its lease");
        INCIDENTS.put("k3s-like", "kube subnet manager, containerd on cni0, iptables mode: a node's new podCIDR leaves new pods in ContainerCreating");
        INCIDENTS.put("kubeadm-nftables", "kube-proxy nftables mode, EndpointSlices: a worker's FORWARD policy DROP cuts its pods off");
    }

    private final ClusterRun run;
    private final SimCluster cluster;
    private final DemoTranscript t;

    private IncidentDemo(String name, PrintWriter out, boolean json) {
        Path file = Path.of(System.getenv().getOrDefault("KUBEPATH_HOME", "."), "scenarios", name + ".yaml");
        this.run = ClusterRun.simulated(ClusterFile.load(file), e -> { });
        this.cluster = run.cluster();
        this.t = new DemoTranscript(out, json, cluster, cluster.hostNames().getFirst());
    }

    /** Replays incident {@code name} (not the seed's); returns its outcome table. */
    static List<Map<String, Object>> replay(String name, PrintWriter out, boolean json) {
        IncidentDemo d = new IncidentDemo(name, out, json);
        switch (name) {
            case "k3s-like" -> d.k3sLike();
            case "kubeadm-nftables" -> d.kubeadmNftables();
            default -> throw new InputException("no incident '" + name + "' (kubepath demo --list names them)");
        }
        return d.t.outcomes();
    }

    private void k3sLike() {
        t.section("kubepath demo k3s-like: a new podCIDR and the old cni0",
                "scenarios/k3s-like.yaml: a k3s server and two agents on 192.168.30.0/24. flanneld runs with the Kubernetes subnet "
                + "manager: each node's subnet is its spec.podCIDR from the controller manager (--cluster-cidr 10.42.0.0/16), the lease "
                + "its flannel.alpha.coreos.com annotations. containerd runs pods through flannel's CNI plugin on cni0; kube-proxy in "
                + "iptables mode. Everything below runs in kubepath's simulated kernels.");
        run.boot();
        t.note("booted; leases (node annotations): " + t.leases());
        t.section("1. How it arose", "agent2's Node object is deleted and registered again (kubectl delete node, or the agent "
                + "re-registering after a rename): the controller manager gives it the next free podCIDR. flanneld follows the node "
                + "and rewrites subnet.env; cni0 keeps the old gateway address, since the bridge plugin only checks it.");
        cluster.onLog(line -> t.narrate("   " + line));
        run.runAll();
        cluster.onLog(line -> { });
        cluster.advance(Duration.ofMinutes(5)); // the kubelet keeps retrying the sandbox
        Pod old = webPodOn("agent2");
        t.phase("before");
        t.section("2. Symptoms: the new pod never starts; the old one answers only on its own node", null);
        t.on("server");
        t.cmd("kubectl get pods -o wide");
        t.cmd("kubectl describe pod probe");
        t.curl("curl -I " + old.ip() + ":80", old.ip() + ":80");
        t.narrate("The other nodes now route agent2's new podCIDR, not the old one its running pod still has.");
        t.on("agent2");
        t.curl("curl -I " + old.ip() + ":80", old.ip() + ":80");
        t.section("3. Evidence on agent2: subnet.env and cni0 disagree", null);
        t.on("agent2");
        t.cmd("cat /run/flannel/subnet.env");
        t.cmd("ifconfig cni0");
        t.narrate("FLANNEL_SUBNET is the node's new podCIDR; cni0 still holds the old subnet's .1. The bridge plugin refuses to "
                + "add a second address, so every new sandbox on agent2 fails with the error kubectl describe showed.");
        t.section("4. The fix on agent2: delete cni0 so the plugin creates it on the new subnet",
                "ip link set cni0 down && ip link delete cni0 (applied to agent2's simulated kernel); the kubelet's next try "
                + "creates cni0 with the new gateway. Pods started before keep their old addresses and should be deleted so "
                + "their controllers start them on the new subnet.");
        cluster.network("agent2").apply(List.of(new NetChange.DeleteLink("cni0")));
        cluster.advance(Duration.ofSeconds(10));
        t.phase("after");
        t.section("5. Verification", null);
        t.on("server");
        t.cmd("kubectl get pods -o wide");
        Pod probe = cluster.api().pod("default", "probe").orElseThrow();
        if (probe.ip() != null) t.curl("curl -I " + probe.ip() + ":80", probe.ip() + ":80");
        t.on("agent2");
        t.cmd("ifconfig cni0");
    }

    private void kubeadmNftables() {
        t.section("kubepath demo kubeadm-nftables: a worker's FORWARD chain drops pod traffic",
                "scenarios/kubeadm-nftables.yaml: a control-plane node and two workers on 192.168.30.0/24, flannel VXLAN over "
                + "10.244.0.0/16, kube-proxy in nftables mode (table ip kube-proxy) reading EndpointSlices. Everything below runs "
                + "in kubepath's simulated kernels.");
        run.boot();
        t.note("booted; leases: " + t.leases());
        t.section("1. How it arose", "At 2h a host firewall reset on worker2 sets the FORWARD policy to DROP and removes "
                + "flannel's accept rules for the pod network: routed pod traffic through worker2 is dropped.");
        cluster.onLog(line -> t.narrate("   " + line));
        run.runAll();
        cluster.onLog(line -> { });
        Pod cut = webPodOn("worker2"); // the web pods serve on 8080 (kubeadm-nftables-web.yaml)
        Pod fine = webPodOn("worker1");
        t.phase("before");
        t.section("2. Symptoms: worker2's pod does not answer from other nodes; worker1's does", null);
        t.on("cp1");
        t.curl("curl -I " + cut.ip() + ":8080", cut.ip() + ":8080");
        t.curl("curl -I " + fine.ip() + ":8080", fine.ip() + ":8080");
        t.section("3. Evidence on worker2", null);
        t.on("worker2");
        t.cmd("iptables -S FORWARD");
        t.traceStory("cp1", cut.ip() + ":8080");
        t.section("4. The fix on worker2: restart flanneld, which adds its FORWARD accept rules for 10.244.0.0/16 again", null);
        t.cmd("systemctl restart flanneld");
        t.cmd("iptables -S FORWARD");
        t.phase("after");
        t.section("5. Verification", null);
        t.on("cp1");
        t.curl("curl -I " + cut.ip() + ":8080", cut.ip() + ":8080");
        t.curl("curl -I " + fine.ip() + ":8080", fine.ip() + ":8080");
    }

    private Pod webPodOn(String node) {
        return cluster.api().podsOn(node).stream().filter(p -> p.name().startsWith("web-") && p.ip() != null).findFirst()
                .orElseThrow(() -> new IllegalStateException("no web pod with an address on " + node));
    }
}
