package dev.kubepath.cli;

import dev.kubepath.ingest.InputException;
import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.flannel.ManualClock;
import dev.kubepath.flannel.etcd.EtcdV2Registry;
import dev.kubepath.flannel.etcd.EtcdV3Registry;
import dev.kubepath.flannel.registry.SubnetRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "demo", description = "Replay an incident end to end (the seed's by default): how it arose, the symptoms, the evidence, the fix, the check.")
final class DemoCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", defaultValue = "seed", paramLabel = "NAME", description = "the incident (default: seed; --list names them)")
    String name;

    @Option(names = "--list", description = "name the incidents, one a line")
    boolean list;

    @Option(names = "--json", description = "print only the outcome table as JSON")
    boolean json;

    @Option(names = "--etcd-endpoints", paramLabel = "URL", description = "replay against this real etcd instead of the embedded registry")
    String etcd;

    @Option(names = "--etcd-api", paramLabel = "v2|v3", defaultValue = "v2", description = "the etcd API flannel uses (default: ${DEFAULT-VALUE}, as the seed cluster did)")
    String etcdApi;

    @Spec
    CommandSpec spec;

    private PrintWriter out;
    private SimCluster cluster;
    private DemoTranscript t;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (list) {
            IncidentDemo.INCIDENTS.forEach((n, what) -> out.printf(java.util.Locale.ROOT, "%-18s %s%n", n, what));
            out.flush();
            return 0;
        }
        if (!name.equals("seed")) {
            if (!IncidentDemo.INCIDENTS.containsKey(name)) throw new InputException("no incident '" + name + "' (kubepath demo --list names them)");
            if (etcd != null) throw new InputException("--etcd-endpoints replays the seed incident only");
            var outcomes = IncidentDemo.replay(name, out, json);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("scenario", name);
                m.put("registry", "embedded");
                m.put("outcomes", outcomes);
                out.println(Json.write(m));
            }
            out.flush();
            return 0;
        }
        cluster = etcd == null ? SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z"))) : onEtcd();
        t = new DemoTranscript(out, json, cluster, SeedCluster.MASTER);
        try {
            replay();
        } finally {
            cluster.registry().close();
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scenario", "seed-incident");
            m.put("registry", etcd == null ? "embedded" : "etcd " + etcdApi + " at " + etcd);
            m.put("outcomes", t.outcomes());
            out.println(Json.write(m));
        }
        out.flush();
        return 0;
    }

    private SimCluster onEtcd() {
        List<URI> endpoints = List.of(Inputs.argument("--etcd-endpoints", () -> URI.create(etcd)));
        SubnetRegistry registry = switch (etcdApi) {
            case "v2" -> new EtcdV2Registry(endpoints);
            case "v3" -> new EtcdV3Registry(endpoints);
            default -> throw new InputException("--etcd-api '" + etcdApi + "': expected v2 or v3");
        };
        // A real etcd keeps its own clock for TTLs: the simulated clock starts at the real time.
        Instant now = Instant.now();
        return new SimCluster(SeedCluster.spec(now), new ManualClock(now), registry);
    }

    /** The seed incident told in the order the operator lived it, one step a method. */
    private void replay() {
        introduce();
        breakLikeTheSeed();
        showSymptoms();
        gatherEvidence();
        applyTheFix();
        verify();
        explainTheOverlay();
    }

    private void introduce() {
        t.section("kubepath demo: the seed incident",
                "Three CentOS 7 hosts on 10.0.0.0/24: mcwk8s03 (master: flanneld, docker, etcd; no kubelet, no kube-proxy), "
                + "mcwk8s05 and mcwk8s06 (nodes, kube-proxy in IPVS mode). Flannel VXLAN over 172.17.0.0/16, one /24 per host, "
                + "leases in etcd (" + (etcd == null ? "embedded registry" : etcd) + "). Everything below runs in kubepath's simulated kernels.");
        SeedCluster.bootHealthy(cluster);
        t.note("booted; leases: " + t.leases());
    }

    private void breakLikeTheSeed() {
        t.section("1. How it arose (a reconstruction: the notes do not say)",
                "mcwk8s05's flanneld hangs. mcwk8s03 and mcwk8s06 are down for a day; every lease runs out its 24 h TTL, 05's too, "
                + "since a hung flanneld renews nothing. 03 and 06 boot with an empty /run and take new subnets; 05 never notices.");
        cluster.onLog(line -> t.narrate("   " + line));
        SeedCluster.breakLikeTheSeed(cluster);
        cluster.onLog(line -> { });
        t.note("leases now: " + t.leases());
        SeedCluster.deploy(cluster, SeedCluster.NODE_PORT_BEFORE);
        t.note("kubectl apply -f mcwdeploy.yaml: deployment mcwtest-deploy (pod on mcwk8s05) and service mcwtest-svc (NodePort "
                + SeedCluster.NODE_PORT_BEFORE + ")");
    }

    private void showSymptoms() {
        t.phase("before");
        t.section("2. Symptoms (seed outputs/1): the NodePort answers on one node only", null);
        t.on(SeedCluster.MASTER);
        t.cmd("kubectl get svc");
        t.curl("curl -I 10.2.0.155", "10.2.0.155:80");
        t.curl("curl -I 10.0.0.33:41527", "10.0.0.33:41527");
        t.curl("curl -I 10.0.0.36:41527", "10.0.0.36:41527");
        t.curl("curl -I 10.0.0.35:41527", "10.0.0.35:41527");
    }

    private void gatherEvidence() {
        t.section("3. Evidence (seed outputs/2, 3, 4, 9)", null);
        t.cmd("kubectl get pod -o wide|grep mcwtest");
        t.cmd("kubectl get nodes -o wide");
        t.cmd("ifconfig docker");
        t.on(SeedCluster.NODE05);
        t.cmd("ifconfig docker");
        t.ping("ping -c 1 172.17.83.1", "172.17.83.1");
        t.ping("ping -c 1 172.17.9.1", "172.17.9.1");
        t.on(SeedCluster.NODE06);
        t.cmd("ifconfig docker");
        t.ping("ping -c 1 172.17.83.1", "172.17.83.1");
        t.on(SeedCluster.MASTER);
        t.cmd("etcdctl ls /coreos.com/network/subnets");
        for (String h : List.of(SeedCluster.MASTER, SeedCluster.NODE06, SeedCluster.NODE05)) {
            t.on(h);
            t.cmd("route -n");
        }
        t.narrate("etcd holds no lease for 172.17.98.0/24 (05's docker0): nobody routes to 05's pods; 05 still routes to "
                + "172.17.59.0/24 and 172.17.61.0/24, which no lease holds, and not to 03's or 06's subnets.");
        t.traceStory(SeedCluster.MASTER, "10.0.0.36:41527");
    }

    private void applyTheFix() {
        t.section("4. The fix on mcwk8s05 (seed outputs/5): restart flanneld, then docker", null);
        SeedCluster.pinTheFix(cluster);
        t.on(SeedCluster.NODE05);
        t.cmd("systemctl restart flanneld.service");
        t.narrate("(flannel would take 172.17.98.0/24 back from /run/flannel/subnet.env when it is free; the seed's flanneld "
                + "took a new subnet, 172.17.89.0/24, and the replay follows the seed)");
        t.cmd("ifconfig flannel.1");
        t.cmd("ifconfig docker");
        t.narrate("docker0 still has 172.17.98.1: docker reads subnet.env only when it starts.");
        t.cmd("systemctl restart docker");
        t.cmd("ifconfig docker");
        t.cmd("kubectl get pod -o wide|grep mcwtest");
        SeedCluster.recreateService(cluster);
        t.note("service mcwtest-svc re-created: NodePort " + SeedCluster.NODE_PORT_AFTER + " (seed outputs/7)");
    }

    private void verify() {
        t.phase("after");
        t.section("5. Verification (seed outputs/6, 7, 9, 10)", null);
        t.on(SeedCluster.MASTER);
        t.cmd("etcdctl ls /coreos.com/network/subnets");
        t.cmd("etcdctl get /coreos.com/network/subnets/172.17.89.0-24");
        t.cmd("kubectl get svc");
        t.curl("curl -I 10.2.0.155:2024", "10.2.0.155:2024");
        t.curl("curl -I 10.0.0.33:33958", "10.0.0.33:33958");
        t.curl("curl -I 10.0.0.35:33958", "10.0.0.35:33958");
        t.curl("curl -I 10.0.0.36:33958", "10.0.0.36:33958");
        for (String h : List.of(SeedCluster.MASTER, SeedCluster.NODE06, SeedCluster.NODE05)) {
            t.on(h);
            t.cmd("route -n");
        }
        t.on(SeedCluster.MASTER);
        t.cmd("ipvsadm -Ln");
        t.cmd("systemctl status kube-proxy");
        t.on(SeedCluster.NODE05);
        t.cmd("ipvsadm -Ln|grep -C 1 10.2.0.155");
        t.curl("curl -I 10.2.0.155:2024", "10.2.0.155:2024");
        t.on(SeedCluster.NODE05);
        t.ping("ping -c 1 172.17.83.1", "172.17.83.1");
        t.on(SeedCluster.NODE06);
        t.ping("ping -c 1 172.17.83.1", "172.17.83.1");
    }

    private void explainTheOverlay() {
        t.section("How pods talk across hosts", null);
        t.narrate("""
                Each host owns one /24 of the flannel network, leased in etcd with its PublicIP and VTEP MAC. flanneld turns every \
                OTHER host's lease into three kernel entries on flannel.1: a route 'subnet via subnet.0 dev flannel.1 onlink', a \
                permanent neighbour 'subnet.0 -> VtepMAC', and an FDB entry 'VtepMAC -> PublicIP'. A packet for a pod on another \
                host follows that route, is wrapped in UDP 8472 to the owner's PublicIP, unwrapped by its flannel.1, and delivered \
                by its docker0. kube-proxy turns ClusterIP:port and NodeIP:nodePort into a pod IP:port (IPVS NAT, masquerading \
                the source) on every host where it runs: the master runs none, so its ClusterIP traffic follows the default route \
                out and its NodePort refuses. When a lease vanishes, nobody routes to that host's pods; after flanneld takes a new \
                lease, docker must restart too, or docker0 keeps the old subnet.""");
    }
}
