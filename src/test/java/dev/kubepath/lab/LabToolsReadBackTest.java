package dev.kubepath.lab;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.ingest.BundleReader;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real tools' text output in the lab's namespaces (collect.sh: {@code ip addr}, {@code ip -d link},
 * {@code ip route show table all}, {@code ip neigh}, {@code bridge fdb show}, {@code nft list ruleset}) reads back
 * into the facts the lab programmed, as the lab itself reads them from the kernel ({@code ip -j}, {@code nft -j}).
 */
class LabToolsReadBackTest {
    private static LabCluster lab;

    @TempDir
    static Path dir;

    @BeforeAll
    static void up() {
        lab = SeedLab.healthy();
    }

    @AfterAll
    static void down() {
        if (lab != null) lab.close();
    }

    private static Set<String> addresses(List<IfAddress> a) {
        return a.stream().map(IfAddress::toString).collect(Collectors.toSet());
    }

    /**
     * A link as both read it. Not compared: a veth's peer (the text shows {@code eth0@if3}, an index in another
     * namespace; the lab knows the peer's name) and up/down: the lab's kernel reader takes a bridge without ports
     * (no carrier, {@code NO-CARRIER ... UP}, state DOWN) for up, the text reader for down, as docs/bundle-format.md
     * says (up = administratively up and carrier); the lab's reader is to read {@code ip -j link} with the ingest
     * parser, which will settle it.
     */
    private static Set<String> links(List<Link> l) {
        // kube-ipvs0 is a dummy device, which the lab realises as a bridge (this kernel has no dummy links) and
        // reports as the dummy it stands for; its ip -d link shows the bridge
        return l.stream().map(x -> x.name() + " " + (x.kind() instanceof dev.kubepath.model.LinkKind.Veth ? "Veth"
                        : x.name().equals("kube-ipvs0") ? "Dummy" : x.kind())
                + " mtu " + x.mtu() + " " + x.mac()).collect(Collectors.toSet());
    }

    private static Set<String> routes(List<Route> r) {
        return r.stream().filter(x -> Route.MAIN.equals(x.table())).map(Route::describe).collect(Collectors.toSet());
    }

    @Test
    void ipBridgeAndNftTextOfEachHostReadBackIntoWhatTheLabProgrammed() {
        LabCollect.collect(lab, Path.of("collect.sh"), dir);
        BundleReader.Result r = BundleReader.read(dir);
        for (String name : List.of(SeedCluster.MASTER, SeedCluster.NODE05, SeedCluster.NODE06)) {
            Host want = lab.cluster().host(name);
            Host got = r.snapshot().host(name).orElseThrow();
            assertThat(addresses(got.addresses())).as(name + " ip addr").isEqualTo(addresses(want.addresses()));
            assertThat(links(got.links())).as(name + " ip -d link").isEqualTo(links(want.links()));
            assertThat(routes(got.routes())).as(name + " ip route").isEqualTo(routes(want.routes()));
            assertThat(got.neighbours()).as(name + " ip neigh").containsExactlyInAnyOrderElementsOf(want.neighbours());
            // the lab's reader keeps the VXLAN devices' entries; bridge fdb show also lists the kernel's own multicast
            // and local entries of eth0 and docker0, which the text reader keeps
            assertThat(got.fdb().stream().filter(e -> e.dev().startsWith("flannel.")).toList()).as(name + " bridge fdb")
                    .containsExactlyInAnyOrderElementsOf(want.fdb());
        }
        // nft.txt is read (its rules counted) and adds nothing where ipvs.txt and iptables.txt already say it
        assertThat(r.nftables()).containsKeys(SeedCluster.NODE05, SeedCluster.NODE06);
        assertThat(r.problems()).noneMatch(p -> p.file().endsWith("nft.txt"));
    }
}
