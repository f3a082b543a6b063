package dev.kubepath.doctor;

import dev.kubepath.analysis.matrix.ReachabilityMatrix;
import dev.kubepath.cluster.Synthetic;
import dev.kubepath.model.Host;
import dev.kubepath.model.HostBuilder;
import dev.kubepath.model.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The doctor by the matrix's classes (one traced flow per class of failing flows, counted for all of them) against
 * the doctor that traces every flow: on random faulty clusters small enough for both, the same findings (code,
 * severity, summary, hosts, subnets, services, evidence, fix), the same number of flows each breaks, the same verdict.
 */
class ClassDoctorEqualsFlowDoctorTest {

    /**
     * What a finding says, less the flows it names: a class is named by one of its flows where the reference names
     * each, so an unreachable endpoint's "kubepath trace --from A --to B" names an example flow, and hosts are a set.
     * An unreachable endpoint's hosts are the senders of the flows put down to it: by classes, the senders of the
     * flows traced for its classes, which the reference's hold (checked apart).
     */
    record Said(Code code, Severity severity, String summary, List<String> hosts, List<String> subnets, List<String> services,
                List<Evidence> evidence, List<String> fix, long broken) {
        static Said of(Finding f) {
            List<String> fix = f.fix().stream().map(x -> x.replaceAll("--from \\S+ --to \\S+", "--from A --to B")).toList();
            List<String> hosts = f.code() == Code.ENDPOINT_UNREACHABLE ? List.of() : f.hosts().stream().sorted().toList();
            return new Said(f.code(), f.severity(), f.summary(), hosts, f.subnets(), f.services(), f.evidence(), fix, f.broken());
        }
    }

    /** Routes to other hosts' subnets lost on single hosts: per-host faults, not per signature. */
    static Snapshot dropRoutes(Snapshot s, SplittableRandom r) {
        List<Host> hosts = new ArrayList<>(s.hosts());
        for (int k = 0; k < 3; k++) {
            int i = r.nextInt(hosts.size());
            HostBuilder b = hosts.get(i).toBuilder();
            if (b.routes.size() > 3) b.routes.remove(3 + r.nextInt(b.routes.size() - 3));
            hosts.set(i, b.build());
        }
        return new Snapshot(s.name(), hosts, s.cluster());
    }

    @Test
    void findingsImpactsAndVerdictsOfThirtyRandomFaultyClustersMatchTheFlowByFlowDoctor() {
        SplittableRandom r = new SplittableRandom(1914);
        Set<Code> seen = EnumSet.noneOf(Code.class);
        long brokenFlows = 0, classes = 0;
        for (int c = 0; c < 30; c++) {
            int nodes = 4 + r.nextInt(9);
            Synthetic.Faults faults = new Synthetic.Faults(r.nextInt(3), r.nextInt(3), r.nextInt(2), r.nextInt(3), r.nextInt(2));
            Synthetic.Spec spec = new Synthetic.Spec(nodes, 1 + r.nextInt(3), 1 + r.nextInt(4), 1 + r.nextInt(3), r.nextLong(), faults);
            Snapshot s = c % 3 == 2 ? dropRoutes(Synthetic.build(spec), r) : Synthetic.build(spec);
            Report flowByFlow = new Doctor(s, EvidenceSource.NONE, Long.MAX_VALUE).run();
            Report byClass = new Doctor(s, EvidenceSource.NONE, 0, ReachabilityMatrix.Progress.NONE).run();
            assertThat(flowByFlow.flowByFlow()).isTrue();
            assertThat(byClass.flowByFlow()).as("cluster %d: classes, not flows", c).isFalse();
            assertThat(byClass.findings().stream().map(Said::of).toList()).as("cluster %d %s", c, spec)
                    .isEqualTo(flowByFlow.findings().stream().map(Said::of).toList());
            for (Finding f : byClass.findings(Code.ENDPOINT_UNREACHABLE)) {
                Finding ref = flowByFlow.findings(Code.ENDPOINT_UNREACHABLE).stream().filter(x -> x.summary().equals(f.summary())).findFirst().orElseThrow();
                assertThat(ref.hosts()).as("cluster %d: senders to an unreachable endpoint", c).containsAll(f.hosts());
            }
            assertThat(byClass.verdict()).as("cluster %d", c).isEqualTo(flowByFlow.verdict());
            assertThat(byClass.totalFlows()).isEqualTo(flowByFlow.totalFlows());
            assertThat(byClass.failing()).as("cluster %d: failing flows", c).isEqualTo(flowByFlow.failing());
            flowByFlow.findings().forEach(f -> seen.add(f.code()));
            brokenFlows += flowByFlow.failing();
            classes += byClass.symptoms().size();
        }
        // the faults give findings of the kinds they cause; classes are fewer than the flows they stand for, even with
        // every host a finding names set apart in clusters this small
        assertThat(seen).contains(Code.LEASE_MISSING, Code.ROUTE_MISSING, Code.ROUTE_STALE, Code.FORWARD_DROP, Code.VTEP_MISMATCH, Code.NO_SERVICE_PROXY);
        assertThat(classes).isLessThan(brokenFlows);
    }

    /**
     * A lease deleted from the registry leaves every other host routing to its subnet: one finding names them all. They stay one class of
     * hosts, so the classes traced do not grow with the cluster (set apart one by one, 1,000 such hosts took minutes).
     */
    @Test
    void hostsNamedByTheSameFindingsStayOneClassAsTheClusterGrows() {
        List<Integer> classes = new ArrayList<>();
        for (int nodes : List.of(12, 36)) {
            // one host's FORWARD chain drops pod traffic (flows fail), and the lease of the second host is deleted from
            // the registry with every host's overlay state left as it was
            Snapshot healthy = Synthetic.build(new Synthetic.Spec(nodes, 2, 3, 2, 7, new Synthetic.Faults(0, 0, 0, 1, 0)));
            var c = healthy.cluster();
            List<dev.kubepath.model.Lease> leases = new ArrayList<>(c.leases());
            leases.remove(1);
            Snapshot s = new Snapshot(healthy.name(), healthy.hosts(), new dev.kubepath.model.Cluster(c.nodes(), c.pods(), c.services(),
                    c.endpoints(), c.flannel(), leases, c.serviceCidr()));
            Report byClass = new Doctor(s, EvidenceSource.NONE, 0, ReachabilityMatrix.Progress.NONE).run();
            assertThat(byClass.findings().stream().mapToInt(f -> f.hosts().size()).max().orElse(0))
                    .as("%d nodes: one finding names most hosts", nodes).isGreaterThanOrEqualTo(nodes - 2);
            assertThat(byClass.failing()).as("%d nodes: flows fail", nodes).isPositive();
            classes.add(byClass.symptoms().size());
        }
        assertThat(classes.get(1)).as("classes traced at 12 and 36 nodes: %s", classes).isEqualTo(classes.get(0));
    }
}
