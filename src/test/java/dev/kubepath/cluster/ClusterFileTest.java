package dev.kubepath.cluster;

import dev.kubepath.ingest.InputException;
import dev.kubepath.model.Daemon;
import dev.kubepath.model.Host;
import dev.kubepath.model.Snapshot;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterFileTest {
    static final Path SEED = Path.of("scenarios/seed-cluster.yaml");
    static final Path TWO_MODES = Path.of("src/test/resources/cluster-files/two-modes.yaml");
    static final Path SHOP = Path.of("src/test/resources/cluster-files/shop.yaml");

    @Test
    void theSeedFileRunsToTheSameClusterAsTheBuiltInReplay() {
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(SEED), e -> { });
        run.boot();
        run.runAll();
        Snapshot fromFile = run.cluster().snapshot();

        SimCluster builtIn = SimCluster.embedded(SeedCluster.spec(ClusterFile.DEFAULT_START));
        SeedCluster.bootHealthy(builtIn);
        SeedCluster.breakLikeTheSeed(builtIn);
        SeedCluster.deploy(builtIn, SeedCluster.NODE_PORT_BEFORE);
        Snapshot replay = builtIn.snapshot();

        assertThat(fromFile.cluster()).isEqualTo(replay.cluster());
        assertThat(fromFile.hosts()).isEqualTo(replay.hosts());
        // what the seed shows: etcd holds 03's and 06's leases only, and 05's pod sits on the subnet nobody holds
        assertThat(fromFile.cluster().leases()).extracting(l -> l.subnet().toString()).containsExactlyInAnyOrder("172.17.83.0/24", "172.17.9.0/24");
        assertThat(fromFile.cluster().pods()).anySatisfy(p -> assertThat(p.ip().toString()).isEqualTo("172.17.98.13"));
    }

    @Test
    void eventsCarryTheTimeAndTheHost() {
        List<ClusterRun.Event> events = new ArrayList<>();
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(SEED), events::add);
        run.boot();
        run.runAll();
        assertThat(events).contains(new ClusterRun.Event(Duration.ZERO, "mcwk8s05", "fault hang-flanneld mcwk8s05"));
        assertThat(events).anySatisfy(e -> {
            assertThat(e.at()).isEqualTo(Duration.ofHours(25));
            assertThat(e.host()).isEqualTo("mcwk8s03");
            assertThat(e.what()).isEqualTo("booted");
        });
        assertThat(events).extracting(ClusterRun.Event::at).isSorted();
    }

    @Test
    void kubeProxyIsChosenPerHostAndTheTimelineRuns() {
        ClusterFile f = ClusterFile.load(TWO_MODES);
        assertThat(f.registry()).isEqualTo(ClusterFile.Registry.ETCD_V3);
        ClusterRun run = ClusterRun.simulated(f, e -> { });
        run.boot();
        SimCluster c = run.cluster();
        Host web1 = c.host("web1"), web2 = c.host("web2"), batch = c.host("batch");
        assertThat(web1.virtualServers()).isNotEmpty();
        assertThat(web2.virtualServers()).isEmpty();
        assertThat(web2.chain("nat", "KUBE-SERVICES")).isPresent();
        assertThat(batch.virtualServers()).isEmpty();
        assertThat(batch.chain("nat", "KUBE-SERVICES")).isEmpty();
        assertThat(c.unit("master", Daemon.KUBELET)).isEqualTo(Daemon.State.NOT_FOUND);
        assertThat(c.unit("batch", Daemon.KUBE_PROXY)).isEqualTo(Daemon.State.NOT_FOUND);
        // the VXLAN device follows the file's VNI and port, leases stay within SubnetMin..SubnetMax
        assertThat(web1.link("flannel.4096")).isPresent();
        assertThat(c.registry().getLeases().leases()).allSatisfy(l ->
                assertThat(l.subnet().network().bits()).isBetween(Prefix.parse("10.244.10.0/24").network().bits(), Prefix.parse("10.244.50.0/24").network().bits()));

        Prefix before = c.subnetEnv("web2").orElseThrow().subnet();
        run.runUntil(Duration.ofHours(29));
        // web2's hung flanneld renewed nothing: its lease ran out after 24 h
        assertThat(c.registry().getLeases().leases()).noneMatch(l -> l.subnet().equals(before));
        run.runAll();
        assertThat(c.registry().getLeases().leases()).anyMatch(l -> l.publicIp().equals(c.hostSpec("web2").ip()));
        assertThat(c.unit("web2", Daemon.FLANNELD)).isEqualTo(Daemon.State.ACTIVE);
    }

    @Test
    void aServiceSelectingNothingIsAWarningNamingTheLine() {
        ClusterFile f = ClusterFile.load(TWO_MODES);
        assertThat(f.warnings()).singleElement().asString()
                .startsWith(TWO_MODES + ":28: Service orphan (in web.yaml) selects no pod");
    }

    @Test
    void badFilesNameTheFileAndLine(@TempDir Path dir) throws Exception {
        Files.copy(TWO_MODES.resolveSibling("web.yaml"), dir.resolve("web.yaml"));
        String good = Files.readString(TWO_MODES);
        assertBad(dir, good.replace("fault hang-flanneld web2", "fault hang-flanneld web9"), 31, "unknown host 'web9'");
        assertBad(dir, good.replace("fault hang-flanneld web2", "fault hang-flannel web2"), 31, "unknown fault 'hang-flannel'");
        assertBad(dir, good.replace("fault hang-flanneld web2", "fault ip-forward web2 maybe"), 31, "expected fault ip-forward HOST on|off");
        assertBad(dir, good.replace("fault hang-flanneld web2", "fault vtep-mac web2"), 31, "expected fault vtep-mac HOST MAC");
        assertBad(dir, good.replace("fault hang-flanneld web2", "fault underlay-drop web9 web2"), 31, "unknown host 'web9'");
        assertBad(dir, good.replace("fault hang-flanneld web2", "fault underlay-mtu web2 big"), 31, "expected fault underlay-mtu HOST a number from 68 to 65535");
        assertBad(dir, good.replace("fault hang-flanneld web2", "fault public-ip web2 10.0.0"), 31, "10.0.0");
        assertBad(dir, good.replace("fault hang-flanneld web2", "fault rp-filter web2 3"), 31, "expected fault rp-filter HOST a number from 0 to 2");
        assertBad(dir, good.replace("    address: 192.168.10.23/24\n", "    address: 192.168.10.23/24\n    subnet: 10.244.12.0/24\n")
                .replace("    address: 192.168.10.22/24\n", "    address: 192.168.10.22/24\n    subnet: 10.244.12.0/24\n"), 26, "overlaps web2's 10.244.12.0/24");
        assertBad(dir, good.replace("serviceCidr: 10.96.0.0/16", "serviceCidr: 10.244.0.0/12"), 6, "overlaps flannel's Network");
        assertBad(dir, good.replace("kind: Cluster", "kind: Cluster\nruntime: cri-o"), 4, "unknown runtime 'cri-o' (expected docker or containerd)");
        assertBad(dir, good.replace("\"Type\":\"vxlan\",\"VNI\":4096,\"Port\":4789", "\"Type\":\"udp\""), 9, "'udp' is not simulated");
        assertBad(dir, good.replace("at: 30h", "at: 1h"), 32, "comes before the previous entry's time");
        assertBad(dir, good.replace("on web2: systemctl restart docker", "on web2: systemctl reload docker"), 35, "is not 'on HOST: systemctl");
        Files.writeString(dir.resolve("web.yaml"), Files.readString(dir.resolve("web.yaml")).replace("type: NodePort", "type: NodePort\n  externalTrafficPolicy: Local"));
        assertBad(dir, good, 28, "externalTrafficPolicy: Local is not simulated");
    }

    @Test
    void aNamespaceWrittenAfterItsDeploymentIsThereForItAndTheTimelineGoesOnPastWhatIsNotThere() {
        List<ClusterRun.Event> events = new ArrayList<>();
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(SHOP), events::add);
        run.boot();
        // shop-app.yaml has the Deployment before its Namespace: the pods run in namespace shop
        assertThat(run.cluster().api().pods()).filteredOn(p -> p.namespace().equals("shop")).hasSize(4)
                .allSatisfy(p -> assertThat(p.ip()).isNotNull());
        run.runAll();
        List<String> what = events.stream().map(ClusterRun.Event::what).toList();
        assertThat(what).containsSubsequence("namespace/shop created", "deployment.apps/api created");
        // kubectl delete's lines, then at 27h what etcdctl and kubectl answer for what is not there
        assertThat(what).containsSubsequence("kubectl delete -f shop-cache.yaml", "deployment.apps \"cache\" deleted", "service \"cache\" deleted",
                "no lease for 10.210.4.0/26 in the registry: nothing deleted",
                "kubectl delete -f shop-cache.yaml", "Error from server (NotFound): deployments.apps \"cache\" not found in namespace default");
        assertThat(run.cluster().registry().getLeases().leases()).hasSize(5);
    }

    @Test
    void whatAUserGetsWrongIsOneLineWithFileAndLine(@TempDir Path dir) throws Exception {
        for (String f : List.of("shop-app.yaml", "shop-cache.yaml")) Files.copy(SHOP.resolveSibling(f), dir.resolve(f));
        String good = Files.readString(SHOP);
        // the Deployment's namespace is nowhere
        Files.writeString(dir.resolve("no-ns.yaml"), Files.readString(dir.resolve("shop-app.yaml")).replaceAll("(?s)---\napiVersion: v1\nkind: Namespace\n.*?---\n", "---\n"));
        assertBad(dir, good.replace("  - shop-app.yaml", "  - no-ns.yaml"), 37, "Deployment api (in no-ns.yaml): namespaces \"shop\" not found");
        // SubnetMin above SubnetMax: no lease to take
        assertBad(dir, good.replace("\"SubnetMin\":\"10.210.4.0\"", "\"SubnetMin\":\"10.210.8.0\""), 14, "holds 0 subnet(s) of /26 for 5 hosts");
        assertBad(dir, good.replace("\"SubnetMax\":\"10.210.7.192\"", "\"SubnetMax\":\"10.210.4.192\""), 14, "holds 4 subnet(s) of /26 for 5 hosts");
        assertBad(dir, good.replace("fault underlay-drop n1 n3", "fault underlay-drop n3 n3"), 40, "names n3 twice");
        // an etcd registry with no host running etcd: the format has no etcd outside the cluster
        assertBad(dir, good.replace("    roles: [etcd, master]", "    roles: [master]"), 13, "registry etcd-v3 but no host has the etcd role");
        // the one-line form of an 'on HOST:' command is a YAML mapping in a mapping: say what to do
        assertBad(dir, good.replace("    do: fault underlay-drop n1 n3", "    do: on n2: systemctl restart flanneld"), 40, "(a value holding ': ' must be quoted)");
    }

    private static void assertBad(Path dir, String text, int line, String what) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, text);
        assertThatThrownBy(() -> ClusterFile.load(f)).isInstanceOf(InputException.class)
                .satisfies(e -> assertThat(((InputException) e).oneLine()).startsWith(f + ":" + line + ": ").contains(what));
    }
}
