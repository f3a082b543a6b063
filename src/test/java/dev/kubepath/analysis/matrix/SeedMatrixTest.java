package dev.kubepath.analysis.matrix;

import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.cluster.Snapshots;
import dev.kubepath.model.Snapshot;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The seed incident before and after the fix: the matrix against what the operator's curls printed (outputs/). */
class SeedMatrixTest {
    static final Snapshot BEFORE = Snapshots.load(Path.of("scenarios/seed-incident.yaml"));
    static final Snapshot AFTER = Snapshots.load(Path.of("scenarios/seed-incident-after.yaml"));

    static Map<String, Flow> cells(Snapshot s) {
        Map<String, Flow> out = new HashMap<>();
        ReachabilityMatrix.of(s).forEachFlow(f -> out.put(f.from() + " " + f.to().label(), f));
        return out;
    }

    @Test
    void beforeTheFixFromMcwk8s03() {
        Map<String, Flow> m = cells(BEFORE);
        // outputs/1-mcwk8s03-symptoms.txt
        assertThat(m.get("mcwk8s03 10.0.0.35:41527").verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(m.get("mcwk8s03 10.0.0.36:41527").verdict()).isEqualTo(Verdict.TIMEOUT);
        assertThat(m.get("mcwk8s03 10.0.0.33:41527").verdict()).isEqualTo(Verdict.REFUSED);
        assertThat(m.get("mcwk8s03 10.2.0.155:2024").verdict()).isEqualTo(Verdict.TIMEOUT);
        assertThat(m.get("mcwk8s03 172.17.98.0/24").verdict()).isEqualTo(Verdict.TIMEOUT);
    }

    /**
     * The bundle of the seed's outputs shows no eth0 (the operator typed {@code ifconfig docker}): each node's address
     * comes from a rule, as it does for the tracer, so its NodePort is a destination, as the operator's curls show.
     */
    @Test
    void theSeedsBundleHasTheNodePortsItsCurlsReached() {
        Map<String, Flow> m = cells(Snapshots.load(Path.of("bundles/seed-before")));
        // outputs/1-mcwk8s03-symptoms.txt
        assertThat(m.get("mcwk8s03 10.0.0.35:41527").verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(m.get("mcwk8s03 10.0.0.36:41527").verdict()).isEqualTo(Verdict.TIMEOUT);
        assertThat(m.get("mcwk8s03 10.0.0.33:41527").verdict()).isEqualTo(Verdict.REFUSED);
    }

    @Test
    void afterTheFix() {
        Map<String, Flow> m = cells(AFTER);
        // outputs/7-mcwk8s03-after-fix.txt
        assertThat(m.get("mcwk8s03 10.0.0.35:33958").verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(m.get("mcwk8s03 10.0.0.36:33958").verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(m.get("mcwk8s03 10.0.0.33:33958").verdict()).isEqualTo(Verdict.REFUSED);
        assertThat(m.get("mcwk8s03 10.2.0.155:2024").verdict()).isEqualTo(Verdict.TIMEOUT);
        assertThat(m.get("mcwk8s05 10.2.0.155:2024").verdict()).isEqualTo(Verdict.DELIVERED);
        // 05's pods are reachable from everywhere again
        for (String h : List.of("mcwk8s03", "mcwk8s05", "mcwk8s06")) assertThat(m.get(h + " 172.17.89.0/24").verdict()).isEqualTo(Verdict.DELIVERED);
    }

    @Test
    void everySeedFlowEqualsTheTracer() {
        for (Snapshot s : List.of(BEFORE, AFTER)) {
            DataPlane dp = new DataPlane(s);
            ReachabilityMatrix.of(s).forEachFlow(f -> {
                Trace t = dp.trace(f.from(), f.to().probe());
                assertThat(f.verdict()).as(f.from() + " -> " + f.to().label()).isEqualTo(t.verdict());
                assertThat(f.endpoints()).isEqualTo(MatrixEqualsTracerTest.coverage(t));
            });
        }
    }

    @Test
    void theDiffListsTheRepairedFlowsUnderMcwk8s05() {
        SnapshotDiff.Result r = SnapshotDiff.diff(BEFORE, AFTER);
        assertThat(r.groups()).hasSize(1);
        SnapshotDiff.Group g = r.groups().get(0);
        assertThat(g.hosts()).containsExactly("mcwk8s05");
        // what the fix was, in the operator's words: flanneld's new lease, docker restarted on it, the pod re-created
        assertThat(g.story()).containsExactly(
                "flanneld on mcwk8s05 took lease 172.17.89.0/24; it held none before (its flannel.1 had 172.17.98.0)",
                "the pods' bridge on mcwk8s05 moved from 172.17.98.1/24 to 172.17.89.1/24: docker restarted on the new subnet.env",
                "1 pod on mcwk8s05 re-created with new addresses");
        assertThat(g.changes()).extracting(SnapshotDiff.Change::what)
                .contains("+ lease 172.17.89.0/24 PublicIP 10.0.0.35 VtepMAC 36:70:76:ea:39:b8",
                        "+ route 172.17.89.0/24 via 172.17.89.0 dev flannel.1 onlink");
        assertThat(g.flows()).allMatch(SnapshotDiff.FlowChange::repaired);
        assertThat(g.flows()).extracting(f -> f.from() + " " + f.destination()).containsExactlyInAnyOrder(
                "mcwk8s03 pods on mcwk8s05",
                "mcwk8s06 pods on mcwk8s05",
                "mcwk8s05 pods on mcwk8s03",
                "mcwk8s05 pods on mcwk8s06",
                "mcwk8s06 ClusterIP default/mcwtest-svc:2024",
                "mcwk8s03 NodePort default/mcwtest-svc:2024 on mcwk8s06",
                "mcwk8s05 NodePort default/mcwtest-svc:2024 on mcwk8s06",
                "mcwk8s06 NodePort default/mcwtest-svc:2024 on mcwk8s06");
        // the flows that worked before still work, and 03's own NodePort still refuses: nothing else changed
        assertThat(r.flows()).noneMatch(SnapshotDiff.FlowChange::broken);
    }

    @Test
    void aLinkThatAppearsIsSaidInIproute2WordsNotAsAJavaRecord() {
        // the seed's bundles: mcwk8s05's flannel.1 is only in outputs/5 (ifconfig flannel.1, after the fix)
        SnapshotDiff.Result r = SnapshotDiff.diff(Snapshots.load(Path.of("bundles/seed-before")), Snapshots.load(Path.of("bundles/seed-after")));
        List<String> links = r.groups().stream().flatMap(g -> g.changes().stream()).map(SnapshotDiff.Change::what)
                .filter(w -> w.contains("link ")).toList();
        assertThat(links).contains("+ link flannel.1 vxlan id 1 nolearning mtu 1450 link/ether 36:70:76:ea:39:b8 up");
        assertThat(SnapshotDiff.text(r)).doesNotContain("Link[", "Vxlan[");
    }
}
