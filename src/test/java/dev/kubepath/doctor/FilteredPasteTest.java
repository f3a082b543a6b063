package dev.kubepath.doctor;

import dev.kubepath.dataplane.Cause;
import dev.kubepath.ingest.BundleReader;
import dev.kubepath.ingest.Command;
import dev.kubepath.ingest.SessionBundle;
import dev.kubepath.model.Facet;
import dev.kubepath.model.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A listing pasted through a filter is a fragment whatever its facet: the lines shown are read as observed facts, the
 * facet stays unknown (so no check concludes from what grep left out) and the filter is kept to be named.
 */
class FilteredPasteTest {
    @TempDir
    Path dir;

    private Host node2(String session) {
        BundleReader.Result r = SessionBundle.split("session.txt", session).read(dir);
        return r.snapshot().hosts().stream().filter(h -> h.name().equals("node2")).findFirst().orElseThrow();
    }

    @Test
    void addressesThroughGrepAreFactsOfAnUnknownListing() {
        // flannel#217's command: eth1 only; the NAT interface's 10.0.2.15 was grep'd away, not absent
        Host h = node2("""
                [root@node2 ~]# ip a | grep eth1
                3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP group default qlen 1000
                    inet 192.168.4.100/24 brd 192.168.4.255 scope global eth1
                """);
        assertThat(h.addresses()).extracting(a -> a.ip().toString()).containsExactly("192.168.4.100");
        assertThat(h.knows(Facet.ADDRESSES)).isFalse();
        assertThat(h.filteredBy(Facet.ADDRESSES)).contains("ip a | grep eth1");
    }

    @Test
    void routesThroughGrepLeaveTheRoutingTableUnknownAndTheTracerNamesTheFilter() {
        Host h = node2("""
                [root@node2 ~]# ip route | grep flannel
                10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink
                """);
        assertThat(h.routes()).hasSize(1);
        assertThat(h.knows(Facet.ROUTES)).isFalse();
        String why = new Cause.Unknown(h.name(), Facet.ROUTES, "routes", h.filteredBy(Facet.ROUTES).orElse(null)).text();
        assertThat(why).isEqualTo("routes of node2 are known only as `ip route | grep flannel` showed them");
    }

    @Test
    void aWholeListingBesideTheFilteredOneIsWhole() {
        Host h = node2("""
                [root@node2 ~]# ip route
                default via 10.0.2.2 dev eth0
                10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink
                [root@node2 ~]# ip route | grep flannel
                10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink
                """);
        assertThat(h.knows(Facet.ROUTES)).isTrue();
        assertThat(h.filteredBy(Facet.ROUTES)).isEmpty();
    }

    @Test
    void fdbNeighboursAndIptablesThroughFiltersAreEachUnknown() {
        Host h = node2("""
                [root@node2 ~]# bridge fdb show | grep 10.0.2
                8a:eb:23:bd:1b:4a dev flannel.1 dst 10.0.2.15 self permanent
                [root@node2 ~]# arp -an | grep flannel.1
                ? (10.244.1.0) at 8a:eb:23:bd:1b:4a [ether] PERM on flannel.1
                [root@node2 ~]# iptables-save | grep -v DOCKER
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD DROP [0:0]
                -A FORWARD -s 10.244.0.0/16 -j ACCEPT
                COMMIT
                """);
        assertThat(h.fdb()).hasSize(1);
        assertThat(h.neighbours()).hasSize(1);
        assertThat(h.chains()).isNotEmpty();
        for (Facet f : new Facet[] {Facet.FDB, Facet.NEIGHBOURS, Facet.IPTABLES}) assertThat(h.knows(f)).as(f.name()).isFalse();
        assertThat(h.filteredBy(Facet.FDB)).contains("bridge fdb show | grep 10.0.2");
        assertThat(h.filteredBy(Facet.NEIGHBOURS)).contains("arp -an | grep flannel.1");
        // a grep -v that removes noise is still a filter: a FORWARD rule it dropped is not absent
        assertThat(h.filteredBy(Facet.IPTABLES)).contains("iptables-save | grep -v DOCKER");
    }

    @Test
    void commandFilterIsAnyPipeIntoAFilterAndNothingElse() {
        assertThat(Command.parse("route -n | head").filter()).isEqualTo("head");
        assertThat(Command.parse("sudo ip route show | sort | tail -5").filter()).isEqualTo("tail -5");
        assertThat(Command.parse("kubectl get pods -o wide | awk '{print $1}'").filter()).startsWith("awk");
        assertThat(Command.parse("ip route show table all").filter()).isNull();
        assertThat(Command.parse("ip route | sort").filter()).isNull();
    }

    /** The seed's bundle with mcwk8s06's routes pasted without its flannel.1 route, through {@code grep -v flannel} the doctor then names the filter. */
    private Report seedWith06Routes(String command) throws java.io.IOException {
        Path bundle = dir.resolve(command.contains("|") ? "filtered" : "whole");
        try (var files = java.nio.file.Files.walk(SeedBundleDoctorTest.BEFORE)) {
            for (Path f : files.toList()) {
                Path to = bundle.resolve(SeedBundleDoctorTest.BEFORE.relativize(f).toString());
                if (java.nio.file.Files.isDirectory(f)) java.nio.file.Files.createDirectories(to);
                else java.nio.file.Files.copy(f, to);
            }
        }
        java.nio.file.Files.writeString(bundle.resolve("hosts/mcwk8s06/route.txt"), """
                [root@mcwk8s06 ~]# %s
                Kernel IP routing table
                Destination     Gateway         Genmask         Flags Metric Ref    Use Iface
                0.0.0.0         10.0.0.254      0.0.0.0         UG    100    0        0 eth0
                10.0.0.0        0.0.0.0         255.255.255.0   U     100    0        0 eth0
                172.17.9.0      0.0.0.0         255.255.255.0   U     0      0        0 docker0
                """.formatted(command));
        BundleReader.Result r = BundleReader.read(bundle);
        return Doctor.examine(r.snapshot(), FileEvidence.of(bundle, r.snapshot()));
    }

    private static boolean routeMissingOn06(Report r) {
        return r.findings().stream().anyMatch(f -> f.code() == Code.ROUTE_MISSING && f.hosts().contains("mcwk8s06"));
    }

    @Test
    void routesCutByGrepVMakeNoRouteMissingButAnUnknownNamingTheFilter() throws java.io.IOException {
        Report cut = seedWith06Routes("route -n | grep -v flannel");
        assertThat(routeMissingOn06(cut)).as("grep -v cut the table: a route it dropped is not absent").isFalse();
        assertThat(cut.findings().stream().filter(f -> f.code() == Code.INSUFFICIENT_INFO).map(Finding::summary).toList().toString())
                .contains("known only as `route -n | grep -v flannel` showed them");
    }
}
