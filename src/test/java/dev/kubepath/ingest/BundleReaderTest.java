package dev.kubepath.ingest;

import dev.kubepath.model.Daemon;
import dev.kubepath.model.Facet;
import dev.kubepath.model.Host;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

class BundleReaderTest {
    @TempDir
    Path dir;

    private void write(String rel, String text) throws IOException {
        Path f = dir.resolve("incident").resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    /** The incident before the fix, as an operator would bundle the seed's own transcripts. */
    private Path seedBundle() throws IOException {
        write("cluster/nodes.txt", Golden.section("seed/2-mcwk8s03-pod-and-nodes.txt", "kubectl get nodes", 0));
        write("cluster/pods.txt", Golden.section("seed/2-mcwk8s03-pod-and-nodes.txt", "kubectl get pod", 0));
        write("cluster/services.txt", Golden.section("seed/1-mcwk8s03-symptoms.txt", "kubectl get svc", 0));
        write("cluster/leases.txt", Golden.read("seed/4-mcwk8s03-etcdctl-before.txt"));
        write("hosts/mcwk8s03/addr.txt", Golden.read("seed/3-mcwk8s03-ifconfig-docker0.txt"));
        write("hosts/mcwk8s03/route.txt", Golden.section("seed/9-route-n-before-and-after.txt", "mcwk8s03", 0));
        write("hosts/mcwk8s03/ipvs.txt", Golden.section("seed/10-ipvs.txt", "ipvsadm -Ln", 0));
        write("hosts/mcwk8s03/units.txt", Golden.section("seed/10-ipvs.txt", "systemctl status", 0));
        write("hosts/mcwk8s05/addr.txt", Golden.section("seed/3-mcwk8s05-ifconfig-docker0-and-ping.txt", "ifconfig", 0));
        write("hosts/mcwk8s05/route.txt", Golden.section("seed/9-route-n-before-and-after.txt", "mcwk8s05", 0));
        write("hosts/mcwk8s05/ipvs.txt", "");
        // a host directory named by the node's InternalIP
        write("hosts/10.0.0.36/addr.txt", Golden.section("seed/3-mcwk8s06-ifconfig-docker0-and-ping.txt", "ifconfig", 0));
        write("hosts/10.0.0.36/route.txt", Golden.section("seed/9-route-n-before-and-after.txt", "mcwk8s06", 0));
        return dir.resolve("incident");
    }

    @Test
    void seedBundleReadsIntoASnapshotWithOnlyTheFacetsItHolds() throws IOException {
        BundleReader.Result r = BundleReader.read(seedBundle());
        assertThat(r.problems()).isEmpty();
        var snap = r.snapshot();
        assertThat(snap.name()).isEqualTo("incident");
        assertThat(snap.cluster().nodes()).hasSize(2);
        assertThat(snap.cluster().pods()).singleElement().satisfies(p -> assertThat(p.ip()).isEqualTo(Ipv4.parse("172.17.98.13")));
        assertThat(snap.cluster().leases()).hasSize(2);
        assertThat(snap.cluster().services()).hasSize(3);
        assertThat(snap.hosts()).extracting(Host::name).containsExactlyInAnyOrder("mcwk8s03", "mcwk8s05", "mcwk8s06");

        Host master = snap.host("mcwk8s03").orElseThrow();
        assertThat(master.known()).isEqualTo(EnumSet.of(Facet.LINKS, Facet.ADDRESSES, Facet.ROUTES, Facet.IPVS, Facet.DAEMONS));
        assertThat(master.virtualServers()).isEmpty();
        assertThat(master.daemon(Daemon.KUBE_PROXY)).isEqualTo(Daemon.State.NOT_FOUND);
        assertThat(master.primaryAddress("docker0")).contains(Ipv4.parse("172.17.83.1"));

        Host node05 = snap.host("mcwk8s05").orElseThrow();
        assertThat(node05.knows(Facet.IPVS)).as("empty ipvs.txt is known and empty").isTrue();
        assertThat(node05.knows(Facet.NEIGHBOURS)).isFalse();
        assertThat(node05.knows(Facet.DAEMONS)).isFalse();
        assertThat(node05.routes()).filteredOn(Route::onlink).extracting(x -> x.dst().toString())
                .containsExactly("172.17.59.0/24", "172.17.61.0/24");
        assertThat(snap.host("mcwk8s06").orElseThrow().routes()).hasSize(4);

        String summary = BundleSummary.render(r);
        assertThat(summary).contains("bundle incident: 2 nodes, 1 pods, 3 services, 0 endpoints, leases 2, flannel config unknown")
                .contains("host mcwk8s03: 1 links, 1 addresses, 4 routes, 0 virtual servers, units kube-proxy=not-found; unknown: neighbours, fdb, iptables, sysctls")
                .contains("no problems");
    }

    @Test
    void repeatedCommandInOneFileKeepsTheLastOutputAndSaysSo() throws IOException {
        Path b = seedBundle();
        Files.writeString(b.resolve("hosts/mcwk8s05/addr.txt"), Golden.read("seed/5-mcwk8s05-restart-flanneld-then-docker.txt"));
        BundleReader.Result r = BundleReader.read(b);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("hosts/mcwk8s05/addr.txt");
            assertThat(p.line()).isEqualTo(12);
            assertThat(p.message()).contains("ifconfig docker");
        });
        assertThat(r.snapshot().host("mcwk8s05").orElseThrow().primaryAddress("docker0")).contains(Ipv4.parse("172.17.89.1"));
    }

    @Test
    void missingPartsAreProblemsNotCrashes() throws IOException {
        assertThat(BundleReader.read(dir.resolve("nope")).problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("does not exist"));
        Files.createDirectories(dir.resolve("empty"));
        BundleReader.Result r = BundleReader.read(dir.resolve("empty"));
        assertThat(r.problems()).extracting(ParseProblem::file).containsExactly("cluster", "hosts");
        assertThat(r.snapshot().hosts()).isEmpty();
        assertThat(r.snapshot().cluster().leases()).isNull();

        Path b = seedBundle();
        Files.delete(b.resolve("hosts/mcwk8s05/route.txt"));
        Files.walk(b.resolve("hosts/10.0.0.36")).sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        Files.delete(b.resolve("cluster/leases.txt"));
        BundleReader.Result partial = BundleReader.read(b);
        assertThat(partial.problems()).extracting(ParseProblem::file)
                .containsExactlyInAnyOrder("cluster/leases.txt", "hosts/mcwk8s05/route.txt", "hosts/mcwk8s06");
        assertThat(partial.problems()).filteredOn(p -> p.file().equals("hosts/mcwk8s06")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("no directory for node mcwk8s06 (or 10.0.0.36)"));
        assertThat(partial.snapshot().host("mcwk8s05").orElseThrow().knows(Facet.ROUTES)).isFalse();
        assertThat(partial.snapshot().cluster().leases()).as("unknown, not empty").isNull();
    }

    @Test
    void aMisspeltFileIsReportedRatherThanSilentlyIgnored() throws IOException {
        Path b = seedBundle();
        Files.writeString(b.resolve("hosts/mcwk8s05/routes.txt"), "");
        assertThat(BundleReader.read(b).problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("hosts/mcwk8s05/routes.txt");
            assertThat(p.message()).contains("not a bundle file");
        });
    }

    @Test
    void realCaptureAsAHostDirectory() throws IOException {
        write("cluster/nodes.txt", "");
        write("cluster/pods.txt", "");
        write("cluster/services.txt", "");
        write("cluster/leases.txt", "");
        write("hosts/lab/addr.txt", Golden.read("real/ip-j-addr.json"));
        write("hosts/lab/link.txt", Golden.read("real/ip-d-link.txt"));
        write("hosts/lab/route.txt", Golden.read("real/ip-route-table-all.txt"));
        write("hosts/lab/neigh.txt", Golden.read("real/ip-neigh.txt"));
        write("hosts/lab/fdb.txt", Golden.read("real/bridge-j-fdb.json"));
        BundleReader.Result r = BundleReader.read(dir.resolve("incident"));
        assertThat(r.problems()).isEmpty();
        Host lab = r.snapshot().host("lab").orElseThrow();
        assertThat(lab.link("flannel.1").orElseThrow().isVxlan()).isTrue();
        assertThat(lab.known()).containsExactlyInAnyOrder(Facet.LINKS, Facet.ADDRESSES, Facet.ROUTES, Facet.NEIGHBOURS, Facet.FDB);
        assertThat(r.snapshot().cluster().leases()).isEmpty();
    }
}
