package dev.kubepath.doctor;

import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Stage;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.ingest.BundleReader;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The doctor on the seed's own transcripts, bundled before and after the fix (bundles/seed-*). */
class SeedBundleDoctorTest {
    static final Path BEFORE = Path.of("bundles/seed-before");
    static final Path AFTER = Path.of("bundles/seed-after");

    static Report doctor(Path bundle) {
        BundleReader.Result r = BundleReader.read(bundle);
        // every file is the seed's transcript as printed; the seed shows no pod list after the fix, and that alone is
        // missing; 05's grep'd IPVS fragment after the fix is read, and named as a fragment that leaves the table unknown
        assertThat(r.problems()).extracting(Object::toString)
                .allMatch(p -> bundle.equals(AFTER) && (p.startsWith("cluster/pods.json: missing")
                        || p.startsWith("hosts/mcwk8s05/ipvs.txt:2: note: lines 2-4: a fragment of ipvsadm -Ln")));
        if (bundle.equals(AFTER)) {
            assertThat(r.snapshot().host("mcwk8s05").orElseThrow().knows(dev.kubepath.model.Facet.IPVS)).isFalse();
            assertThat(r.problems()).extracting(Object::toString)
                    .anyMatch(p -> p.contains("TCP 10.2.0.155:2024 rr -> 172.17.89.10:20000 Masq"));
        }
        return Doctor.examine(r.snapshot(), FileEvidence.of(bundle, r.snapshot()));
    }

    static Set<Code> codes(Report r) {
        return r.findings().stream().map(Finding::code).collect(Collectors.toSet());
    }

    @Test
    void everyLineOfBothBundlesIsALineTheSeedsOutputsPrint() throws java.io.IOException {
        Set<String> printed = new java.util.HashSet<>();
        try (var files = java.nio.file.Files.list(SeedOutputsBundleTest.OUTPUTS)) {
            for (Path f : files.toList()) printed.addAll(java.nio.file.Files.readAllLines(f));
        }
        for (Path bundle : List.of(BEFORE, AFTER)) {
            try (var files = java.nio.file.Files.walk(bundle)) {
                for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                    assertThat(java.nio.file.Files.readAllLines(f)).as(f.toString()).isNotEmpty().allMatch(printed::contains);
                }
            }
        }
    }

    @Test
    void beforeTheFixTheDoctorFindsTheSeedsRootCauseAndItsFix() {
        Report r = doctor(BEFORE);
        assertThat(r.verdict()).isEqualTo("critical");

        Finding lease = r.findings(Code.LEASE_MISSING).get(0);
        assertThat(r.findings().get(0)).as("most severe first").isEqualTo(lease);
        assertThat(lease.hosts()).containsExactly("mcwk8s05");
        assertThat(lease.subnets()).containsExactly("172.17.98.0/24");
        assertThat(lease.evidence()).anySatisfy(e -> {
            assertThat(e.file()).isEqualTo("hosts/mcwk8s05/addr.txt");
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.text()).startsWith("inet 172.17.98.1 ");
        });
        assertThat(lease.fix()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(lease.fix().get(0)).startsWith("on mcwk8s05: systemctl restart flanneld");
        assertThat(lease.fix().get(1)).startsWith("on mcwk8s05: systemctl restart docker");
        // the operator's symptom: the NodePort on 06 times out, and this is why
        assertThat(lease.brokenFlows()).contains("mcwk8s03 -> 10.0.0.36:41527 (default/mcwtest-svc): timeout");
        // outputs/1: the NodePort on 05 answered 200. The seed shows neither 05's IPVS rules nor the pod's sockets, so
        // kube-proxy's rules and the pod's server are assumptions, said with the result
        Symptom on05 = symptom(r, "mcwk8s03", "10.0.0.35:41527");
        assertThat(on05.result()).isEqualTo("ok");
        assertThat(on05.basis()).isEqualTo(dev.kubepath.dataplane.Basis.ASSUMED);
        assertThat(on05.resultWithBasis()).contains("assuming kube-proxy on mcwk8s05 sends default/mcwtest-svc to 172.17.98.13:")
                .contains("mcwtest-deploy-6465665557-g9zjd listens on");

        Finding stale = r.findings(Code.ROUTE_STALE).get(0);
        assertThat(stale.hosts()).containsExactly("mcwk8s05");
        assertThat(stale.subnets()).containsExactly("172.17.59.0/24", "172.17.61.0/24");
        assertThat(stale.evidence()).anySatisfy(e -> {
            assertThat(e.file()).isEqualTo("hosts/mcwk8s05/route.txt");
            assertThat(e.line()).isEqualTo(7);
            assertThat(e.text()).startsWith("172.17.59.0     172.17.59.0");
        });

        Finding missing = r.findings(Code.ROUTE_MISSING).get(0);
        assertThat(missing.hosts()).containsExactly("mcwk8s05");
        assertThat(missing.subnets()).containsExactlyInAnyOrder("172.17.9.0/24", "172.17.83.0/24");
        assertThat(missing.brokenFlows()).contains("mcwk8s05 -> ping 172.17.9.1: timeout", "mcwk8s05 -> ping 172.17.83.1: timeout");

        assertThat(r.findings(Code.NO_SERVICE_PROXY)).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly("mcwk8s03");
            assertThat(f.evidence()).anySatisfy(e -> assertThat(e.text()).isEqualTo("Unit kube-proxy.service could not be found."));
        });
        assertThat(r.findings(Code.NODEPORT_ON_NON_NODE)).singleElement().satisfies(f -> assertThat(f.hosts()).containsExactly("mcwk8s03"));
        // 03's docker0 is empty (no RUNNING flag, no pod): it reports the bridge default 1500, which dockerd --mtu
        // does not change until a container joins it; a finding whose fix changes nothing is not made
        assertThat(r.findings(Code.MTU_MISMATCH)).isEmpty();
        assertThat(codes(r)).containsOnly(Code.LEASE_MISSING, Code.ROUTE_STALE, Code.ROUTE_MISSING, Code.NO_SERVICE_PROXY,
                Code.NODEPORT_ON_NON_NODE, Code.INSUFFICIENT_INFO);
    }

    @Test
    void theSymptomTableShowsWhatTheOperatorSawFromTheMaster() {
        Report r = doctor(BEFORE);
        // outputs/1: ClusterIP timed out, 10.0.0.33:41527 refused, 10.0.0.36:41527 timed out
        assertThat(symptom(r, "mcwk8s03", "10.2.0.155:2024")).satisfies(s -> {
            assertThat(s.result()).isEqualTo("timeout");
            assertThat(s.code()).isEqualTo("NO_SERVICE_PROXY");
        });
        assertThat(symptom(r, "mcwk8s03", "10.0.0.33:41527")).satisfies(s -> {
            assertThat(s.result()).isEqualTo("refused");
            assertThat(s.code()).isEqualTo("NODEPORT_ON_NON_NODE");
        });
        assertThat(symptom(r, "mcwk8s03", "10.0.0.36:41527")).satisfies(s -> {
            assertThat(s.result()).isEqualTo("timeout");
            assertThat(s.code()).isEqualTo("LEASE_MISSING");
        });
        // outputs/3: 06 reaches 03's docker0
        assertThat(symptom(r, "mcwk8s06", "ping 172.17.83.1").result()).isEqualTo("ok");
        assertThat(ReportText.human(r).lines().findFirst().orElseThrow()).startsWith("CRITICAL: seed-before: 2 critical");
    }

    @Test
    void afterTheFixOnlyTheMastersOwnFindingsRemain() {
        Report r = doctor(AFTER);
        assertThat(r.verdict()).isEqualTo("warning");
        assertThat(r.findings()).filteredOn(f -> f.code() != Code.INSUFFICIENT_INFO).extracting(Finding::code)
                .containsExactly(Code.NO_SERVICE_PROXY, Code.NODEPORT_ON_NON_NODE);
        assertThat(r.findings()).noneMatch(f -> f.severity() == Severity.CRITICAL);
        // outputs/7: 05's and 06's NodePorts answered; no flow the seed shows working is counted failing
        for (String from : List.of("mcwk8s03", "mcwk8s05", "mcwk8s06")) {
            for (String to : List.of("10.0.0.35:33958", "10.0.0.36:33958")) assertThat(symptom(r, from, to).failed()).as(from + " -> " + to).isFalse();
        }
        assertThat(r.findings()).filteredOn(f -> f.code() != Code.INSUFFICIENT_INFO).allSatisfy(f -> assertThat(f.hosts()).containsExactly("mcwk8s03"));
        // the seed shows neither 05's and 06's IPVS rules nor the pod after the fix: their NodePorts are unknown, and the
        // finding that says so counts them as unknown, not as failing
        assertThat(r.findings(Code.INSUFFICIENT_INFO)).singleElement().satisfies(f -> {
            assertThat(f.brokenFlows()).contains("mcwk8s03 -> 10.0.0.36:33958 (default/mcwtest-svc): unknown");
            assertThat(f.impact()).contains(" flows unknown: ").doesNotContain("fail");
        });
        // outputs/7: from the master the ClusterIP still times out and its own NodePort is refused
        assertThat(symptom(r, "mcwk8s03", "10.2.0.155:2024").code()).isEqualTo("NO_SERVICE_PROXY");
        assertThat(symptom(r, "mcwk8s03", "10.0.0.33:33958").result()).isEqualTo("refused");
        assertThat(r.symptoms()).filteredOn(s -> s.service() == null).allSatisfy(s -> assertThat(s.result()).isEqualTo("ok"));
    }

    @Test
    void theNodePortThroughMcwk8s06EndsInTheDropOn06ForWantOfARouteTo05sSubnet() {
        Trace t = new DataPlane(BundleReader.read(BEFORE).snapshot())
                .trace("mcwk8s03", new Probe.Curl(SocketAddress.parse("10.0.0.36:41527")));
        assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
        assertThat(t.last().host()).isEqualTo("mcwk8s06");
        assertThat(t.last().stage()).isEqualTo(Stage.DROP);
        assertThat(t.last().detail()).contains("no route to 172.17.98.0/24");
    }

    static Symptom symptom(Report r, String from, String to) {
        List<Symptom> s = r.symptoms().stream().filter(x -> x.from().equals(from) && x.to().equals(to)).toList();
        assertThat(s).hasSize(1);
        return s.get(0);
    }
}
