package dev.kubepath.lab;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.doctor.Code;
import dev.kubepath.doctor.Doctor;
import dev.kubepath.doctor.Finding;
import dev.kubepath.doctor.Report;
import dev.kubepath.doctor.ReportText;
import dev.kubepath.doctor.Severity;
import dev.kubepath.ingest.BundleReader;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bundles collected from the real lab (collect.sh in every host namespace) under each fault: the doctor names the
 * fault's code and no critical finding that the faults present do not explain; the healthy lab has no critical
 * finding but the master's missing kube-proxy. ip_forward is restored after its test; the later faults accumulate.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabBundleDoctorTest {
    static final Prefix SUBNET_05 = Prefix.parse("172.17.98.0/24");
    private static LabCluster lab;

    @BeforeAll
    static void up() {
        lab = SeedLab.healthy();
    }

    @AfterAll
    static void down() {
        if (lab != null) lab.close();
    }

    private static Report collectAndExamine(Path dir) {
        LabCollect.collect(lab, Path.of("collect.sh"), dir);
        BundleReader.Result bundle = BundleReader.read(dir);
        // kube-proxy's ipset matches in iptables.txt are reported (the lab writes no ipset.txt, so the sets' members
        // are unknown); every other file must read cleanly
        assertThat(bundle.problems()).as("the lab's bundle reads").allSatisfy(p -> assertThat(p.message()).contains("--match-set KUBE-")
                .contains("members are unknown"));
        return Doctor.examine(dir, bundle.snapshot());
    }

    private static void onlyCritical(Report r, Code... explained) {
        assertThat(r.findings()).filteredOn(f -> f.severity() == Severity.CRITICAL).extracting(Finding::code)
                .as(ReportText.human(r)).isSubsetOf(Set.of(explained));
    }

    private static SimCluster c() {
        return lab.cluster();
    }

    @Test
    @Order(1)
    void theHealthyLabHasNoCriticalFinding(@TempDir Path dir) {
        Report r = collectAndExamine(dir);
        assertThat(r.findings()).as(ReportText.human(r)).noneMatch(f -> f.severity() == Severity.CRITICAL && f.code() != Code.NO_SERVICE_PROXY);
        assertThat(r.findings(Code.NO_SERVICE_PROXY)).as("only the master, which runs no kube-proxy")
                .allSatisfy(f -> assertThat(f.hosts()).containsExactly(SeedCluster.MASTER));
    }

    @Test
    @Order(2)
    void ipForwardOff(@TempDir Path dir) {
        c().faults().setIpForward(SeedCluster.NODE05, false);
        Report r = collectAndExamine(dir);
        assertThat(r.findings(Code.IP_FORWARD_OFF)).singleElement().satisfies(f -> assertThat(f.hosts()).containsExactly(SeedCluster.NODE05));
        onlyCritical(r, Code.IP_FORWARD_OFF, Code.NO_SERVICE_PROXY);
        c().faults().setIpForward(SeedCluster.NODE05, true);
    }

    @Test
    @Order(5)
    void aLostLease(@TempDir Path dir) {
        c().faults().deleteLease(SUBNET_05);
        Report r = collectAndExamine(dir);
        assertThat(r.findings(Code.LEASE_MISSING)).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly(SeedCluster.NODE05);
            assertThat(f.subnets()).contains("172.17.98.0/24");
        });
        onlyCritical(r, Code.LEASE_MISSING, Code.ROUTE_MISSING, Code.VTEP_MISMATCH, Code.FORWARD_DROP, Code.NO_SERVICE_PROXY);
    }

    @Test
    @Order(3)
    void aWrongVtepMac(@TempDir Path dir) {
        c().faults().corruptVtepMac(SeedCluster.NODE05, Mac.parse("de:ad:be:ef:00:05"));
        Report r = collectAndExamine(dir);
        assertThat(r.findings(Code.VTEP_MISMATCH)).isNotEmpty().anySatisfy(f -> assertThat(f.summary()).contains("de:ad:be:ef:00:05"));
        onlyCritical(r, Code.VTEP_MISMATCH, Code.NO_SERVICE_PROXY);
    }

    @Test
    @Order(4)
    void forwardDrop(@TempDir Path dir) {
        c().faults().dropForward(SeedCluster.NODE05);
        Report r = collectAndExamine(dir);
        assertThat(r.findings(Code.FORWARD_DROP)).as(ReportText.human(r)).singleElement().satisfies(f -> assertThat(f.hosts()).containsExactly(SeedCluster.NODE05));
        onlyCritical(r, Code.FORWARD_DROP, Code.VTEP_MISMATCH, Code.NO_SERVICE_PROXY);
    }
}
