package dev.kubepath.doctor;

import dev.kubepath.ingest.BundleReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The seed's outputs exactly as printed (../shared/seed/outputs, the operator's terminal before the fix), filed as a
 * bundle: each file is a command's prompt line and its output, cut at the next prompt line; no line added, none
 * reconstructed (the *.reconstructed.txt files are skipped), no eth0 section (the notes show none). The doctor must
 * reach the operator's findings from these alone.
 */
class SeedOutputsBundleTest {
    /** Beside the repository (its worktrees one level deeper). */
    static final Path OUTPUTS = Files.isDirectory(Path.of("../shared/seed/outputs")) ? Path.of("../shared/seed/outputs")
            : Path.of("../../shared/seed/outputs");
    static final Pattern PROMPT = Pattern.compile("^\\[root@(\\S+) [^\\]]*\\]# (.*)$");

    @TempDir
    static Path dir;
    static Report report;
    static BundleReader.Result read;

    /** One command as the terminal showed it: host, command, and its lines from the prompt to the next prompt. */
    record Section(String file, String host, String command, List<String> lines) {
        String text() {
            return String.join("\n", lines) + "\n";
        }
    }

    static List<Section> sections(Path file) throws IOException {
        List<Section> out = new ArrayList<>();
        Section cur = null;
        for (String line : Files.readAllLines(file)) {
            Matcher m = PROMPT.matcher(line);
            if (m.matches()) {
                cur = new Section(file.getFileName().toString(), m.group(1), m.group(2).strip(), new ArrayList<>());
                out.add(cur);
            }
            // lines before the first prompt are the notes' own headings (# mcwk8s03, before the fix): not output
            if (cur != null && !(line.startsWith("# ") && !m.matches())) cur.lines().add(line);
        }
        return out;
    }

    static Section first(List<Section> all, String host, String command) {
        return all.stream().filter(s -> s.host().equals(host) && s.command().equals(command)).findFirst().orElseThrow();
    }

    static void write(Path bundle, String rel, Section... parts) throws IOException {
        Path f = bundle.resolve(rel);
        Files.createDirectories(f.getParent());
        StringBuilder sb = new StringBuilder();
        for (Section s : parts) sb.append(s.text());
        Files.writeString(f, sb.toString());
    }

    @BeforeAll
    static void file() throws IOException {
        assumeTrue(Files.isDirectory(OUTPUTS), "the seed's outputs are beside the repository");
        List<Section> all = new ArrayList<>();
        try (var files = Files.list(OUTPUTS)) {
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString();
                if (n.endsWith(".reconstructed.txt") || !n.endsWith(".txt")) continue;
                all.addAll(sections(f));
            }
        }
        Path b = dir.resolve("seed-outputs");
        // before the fix: outputs 1-4, 9 (each host's first route -n), 10 (the master's ipvsadm and kube-proxy unit)
        write(b, "cluster/services.txt", first(all, "mcwk8s03", "kubectl get svc"));
        write(b, "cluster/pods.txt", first(all, "mcwk8s03", "kubectl get pod -o wide|grep mcwtest"));
        write(b, "cluster/nodes.txt", first(all, "mcwk8s03", "kubectl get nodes -o wide"));
        write(b, "cluster/leases.txt", all.stream().filter(s -> s.file().startsWith("4-")).toArray(Section[]::new));
        for (String h : List.of("mcwk8s03", "mcwk8s05", "mcwk8s06")) {
            write(b, "hosts/" + h + "/addr.txt", first(all, h, "ifconfig docker"));
            write(b, "hosts/" + h + "/route.txt", first(all, h, "route -n"));
        }
        write(b, "hosts/mcwk8s03/ipvs.txt", first(all, "mcwk8s03", "ipvsadm -Ln"));
        write(b, "hosts/mcwk8s03/units.txt", first(all, "mcwk8s03", "systemctl status kube-proxy"));
        read = BundleReader.read(b);
        report = Doctor.examine(b, read.snapshot());
    }

    @Test
    void theBundleHoldsOnlyWhatTheNotesShow() throws IOException {
        try (var files = Files.walk(dir.resolve("seed-outputs"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(f);
                assertThat(text).as(f.toString()).doesNotContain("reconstructed").doesNotContain("eth0:").doesNotContain("flannel.1:");
            }
        }
    }

    @Test
    void theLostLeaseOf05IsFoundFromIfconfigDockerAndEtcdctlLsAlone() {
        String text = ReportText.human(report);
        assertThat(report.findings(Code.LEASE_MISSING)).as(text).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly("mcwk8s05");
            assertThat(f.subnets()).containsExactly("172.17.98.0/24");
            assertThat(f.fix().get(0)).startsWith("on mcwk8s05: systemctl restart flanneld");
        });
    }

    @Test
    void the05sRoutesToSubnetsNoLeaseHoldsAreStale() {
        assertThat(report.findings(Code.ROUTE_STALE)).as(ReportText.human(report)).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly("mcwk8s05");
            assertThat(f.subnets()).containsExactly("172.17.59.0/24", "172.17.61.0/24");
        });
    }

    @Test
    void theMasterHasNoServiceProxyAndNoNodePorts() {
        String text = ReportText.human(report);
        assertThat(report.findings(Code.NO_SERVICE_PROXY)).as(text).anySatisfy(f -> assertThat(f.hosts()).containsExactly("mcwk8s03"));
        assertThat(report.findings(Code.NODEPORT_ON_NON_NODE)).as(text).singleElement()
                .satisfies(f -> assertThat(f.hosts()).containsExactly("mcwk8s03"));
        // outputs/1: from the master the ClusterIP timed out, its own NodePort was refused, 06's timed out
        assertThat(SeedBundleDoctorTest.symptom(report, "mcwk8s03", "10.0.0.33:41527").result()).isEqualTo("refused");
        assertThat(SeedBundleDoctorTest.symptom(report, "mcwk8s03", "10.2.0.155:2024").result()).isEqualTo("timeout");
        // 05's and 06's IPVS rules are not in the notes: as nodes, their kube-proxy is taken to send the NodePort to the
        // service's pod (named as the service, "kubectl get pod | grep mcwtest"), and the verdicts say so. outputs/1:
        // 05's NodePort answered (the pod is on 05's docker0), 06's timed out (06 has no route to 172.17.98.0/24)
        Symptom ok = SeedBundleDoctorTest.symptom(report, "mcwk8s03", "10.0.0.35:41527");
        assertThat(ok.result()).isEqualTo("ok");
        assertThat(ok.basis().label()).isEqualTo("assumed");
        assertThat(ok.assumptions()).anySatisfy(a -> assertThat(a).contains("kube-proxy on mcwk8s05").contains("172.17.98.13"))
                .anySatisfy(a -> assertThat(a).contains("listens"));
        assertThat(ok.resultWithBasis()).startsWith("ok, assuming ").contains("kube-proxy on mcwk8s05");
        assertThat(ReportText.human(report)).contains("mcwk8s03 -> 10.0.0.35:41527: ok, assuming kube-proxy on mcwk8s05");
        Symptom timeout = SeedBundleDoctorTest.symptom(report, "mcwk8s03", "10.0.0.36:41527");
        assertThat(timeout.result()).isEqualTo("timeout");
        assertThat(timeout.code()).isEqualTo("LEASE_MISSING");
        assertThat(ReportText.verdictLine(report)).doesNotContain("OK:");
    }

    @Test
    void theJsonListsTheAssumptionsOfTheNodePortThatAnswered() {
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(ReportText.json(report));
        var flow = java.util.stream.StreamSupport.stream(json.get("symptoms").spliterator(), false)
                .filter(s -> s.get("from").asText().equals("mcwk8s03") && s.get("to").asText().equals("10.0.0.35:41527")).findFirst().orElseThrow();
        assertThat(flow.get("result").asText()).isEqualTo("ok");
        assertThat(flow.get("basis").asText()).isEqualTo("assumed");
        assertThat(flow.get("assumptions").toString()).contains("kube-proxy on mcwk8s05");
    }

    @Test
    void whatWasInferredNamesItsRuleAndFacts() {
        assertThat(report.inferred()).anySatisfy(f -> {
            assertThat(f.host()).isEqualTo("mcwk8s05");
            assertThat(f.rule().name()).isEqualTo("UNDERLAY_FROM_INTERNAL_IP");
            assertThat(f.fact()).isEqualTo("address 10.0.0.35 on eth0");
            assertThat(f.from()).contains("node mcwk8s05 INTERNAL-IP 10.0.0.35");
        });
        assertThat(report.inferred()).anySatisfy(f -> {
            assertThat(f.host()).isEqualTo("mcwk8s03");
            assertThat(f.rule().name()).isEqualTo("UNDERLAY_FROM_LEASE");
            assertThat(f.fact()).isEqualTo("address 10.0.0.33 on eth0");
        });
        // outputs/3: 06 pings 03's docker0: ok, and the text says what that rests on
        Symptom ping = SeedBundleDoctorTest.symptom(report, "mcwk8s06", "ping 172.17.83.1");
        assertThat(ping.result()).isEqualTo("ok");
        assertThat(ping.resultWithBasis()).startsWith("ok, assuming ");
        assertThat(ping.basis().label()).isEqualTo("assumed");
        // outputs/3: 05 pings neither 03's nor 06's docker0
        assertThat(SeedBundleDoctorTest.symptom(report, "mcwk8s05", "ping 172.17.83.1").result()).isEqualTo("timeout");
        assertThat(SeedBundleDoctorTest.symptom(report, "mcwk8s05", "ping 172.17.9.1").result()).isEqualTo("timeout");
    }
}
