package dev.kubepath.whatif;

import dev.kubepath.ingest.BundleReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The seed's fix tried on a simulation of bundles/seed-before, as collected and without its reconstructed lines. */
class WhatIfSeedTest {
    private static final Path SEED = Path.of("bundles/seed-before");
    // the seed's symptoms (outputs/1-mcwk8s03-symptoms.txt): from mcwk8s03, curl to 10.0.0.36:41527 timed out,
    // to 10.0.0.33:41527 was refused, to 10.0.0.35:41527 answered 200 OK
    private static final WhatIf.FlowRef TIMED_OUT = new WhatIf.FlowRef("mcwk8s03", "NodePort default/mcwtest-svc:2024 on mcwk8s06");
    private static final WhatIf.FlowRef REFUSED = new WhatIf.FlowRef("mcwk8s03", "NodePort default/mcwtest-svc:2024 on mcwk8s03");
    private static final WhatIf.FlowRef ANSWERED = new WhatIf.FlowRef("mcwk8s03", "NodePort default/mcwtest-svc:2024 on mcwk8s05");
    private static final List<String> FIX = List.of("on mcwk8s05: systemctl restart flanneld", "on mcwk8s05: systemctl restart docker");

    @Test
    void flanneldThenDockerOn05RepairsTheSeedsFailingNodePortFlowAndBreaksNone() {
        WhatIf.Result r = run(BundleReader.read(SEED), FIX);
        assertThat(r.repaired()).contains(TIMED_OUT, new WhatIf.FlowRef("mcwk8s06", "pods on mcwk8s05"));
        assertThat(r.broken()).isEmpty();
        // the master runs no kube-proxy: its NodePort stays refused; 05's NodePort answered before and after
        assertThat(r.stillFailing()).contains(REFUSED);
        assertThat(all(r)).doesNotContain(ANSWERED);
        assertThat(r.assumptions()).anyMatch(a -> a.startsWith("lease-lost: mcwk8s05: its subnet 172.17.98.0/24 has no lease"));
    }

    @Test
    void restartingOnlyDockerRepairsNothing() {
        WhatIf.Result r = run(BundleReader.read(SEED), List.of("on mcwk8s05: systemctl restart docker"));
        assertThat(r.repaired()).isEmpty();
        assertThat(r.broken()).isEmpty();
        assertThat(r.stillFailing()).contains(TIMED_OUT, REFUSED);
        assertThat(all(r)).doesNotContain(ANSWERED);
    }

    @Test
    void withoutTheReconstructedLinesAddressesAndVtepsAreInferredAndSaidSo(@TempDir Path tmp) throws IOException {
        Path variant = stripReconstructed(tmp);
        BundleReader.Result bundle = BundleReader.read(variant);
        assertThat(bundle.snapshot().host("mcwk8s05").orElseThrow().primaryAddress("eth0")).isEmpty();

        WhatIf.Result fixed = run(bundle, FIX);
        assertThat(fixed.repaired()).contains(TIMED_OUT);
        assertThat(fixed.stillFailing()).contains(REFUSED);
        assertThat(fixed.broken()).isEmpty();
        assertThat(fixed.assumptions())
                .anyMatch(a -> a.startsWith("address-from-node: mcwk8s05: eth0 10.0.0.35"))
                .anyMatch(a -> a.startsWith("address-from-node: mcwk8s06: eth0 10.0.0.36"))
                .anyMatch(a -> a.startsWith("address-from-lease: mcwk8s03: eth0 10.0.0.33"))
                .anyMatch(a -> a.startsWith("vtep-from-lease: mcwk8s06: flannel.1 172.17.9.0 with MAC 2a:2c:21:3a:58:21"))
                .anyMatch(a -> a.startsWith("selector-from-name: default/mcwtest-svc selects the pods of mcwtest-deploy"))
                .anyMatch(a -> a.startsWith("target-port: default/mcwtest-svc"))
                .anyMatch(a -> a.startsWith("units-from-role: mcwk8s05: no units.txt"));

        assertThat(run(bundle, List.of("on mcwk8s05: systemctl restart docker")).repaired()).isEmpty();
    }

    @Test
    void aFixCheckSaysWhatTheFixRepairsOrWhyItWasNotChecked() {
        BundleReader.Result bundle = BundleReader.read(SEED);
        FixCheck.Outcome ok = FixCheck.check(bundle, FIX);
        assertThat(ok.checked()).isTrue();
        assertThat(ok.line()).startsWith("fix checked in simulation: repairs " + ok.result().repaired().size() + " flows, breaks 0");
        assertThat(ok.result().repaired()).isNotEmpty();

        FixCheck.Outcome not = FixCheck.check(bundle, List.of("on mcwk8s05: ip link set flannel.1 down"));
        assertThat(not.checked()).isFalse();
        assertThat(not.line()).startsWith("fix not checked in simulation: --do #1").contains("unknown command 'ip link set flannel.1 down'");
    }

    @Test
    void aCommandNotOfTheFormOnHostIsRejectedWithItsPlace() {
        assertThatThrownBy(() -> WhatIf.parse(2, "systemctl restart flanneld")).isInstanceOf(dev.kubepath.ingest.InputException.class)
                .hasMessage("--do #2 'systemctl restart flanneld': expected 'on HOST: CMD'");
        assertThat(WhatIf.parse(1, "on mcwk8s05:  systemctl   restart flanneld.service"))
                .isEqualTo(new WhatIf.Command("mcwk8s05", "systemctl restart flanneld.service"));
    }

    private static WhatIf.Result run(BundleReader.Result bundle, List<String> commands) {
        List<WhatIf.Command> parsed = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) parsed.add(WhatIf.parse(i + 1, commands.get(i)));
        return WhatIf.run(bundle, parsed);
    }

    private static List<WhatIf.FlowRef> all(WhatIf.Result r) {
        List<WhatIf.FlowRef> out = new ArrayList<>(r.repaired());
        out.addAll(r.broken());
        out.addAll(r.stillFailing());
        return out;
    }

    /**
     * The bundle without the lines its files mark "# reconstructed": addr.txt keeps only the ifconfig docker section
     * (the eth0, flannel.1 and kube-ipvs0 sections go); 05's and 06's ipvs.txt and units.txt, wholly reconstructed, go.
     */
    private static Path stripReconstructed(Path tmp) throws IOException {
        Path dst = tmp.resolve("seed-before");
        try (Stream<Path> all = Files.walk(SEED)) {
            for (Path p : all.toList()) {
                Path to = dst.resolve(SEED.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to);
            }
        }
        for (String h : List.of("mcwk8s03", "mcwk8s05", "mcwk8s06")) {
            Path addr = dst.resolve("hosts/" + h + "/addr.txt");
            List<String> kept = new ArrayList<>();
            boolean skip = false;
            for (String line : Files.readAllLines(addr)) {
                if (line.startsWith("# reconstructed")) continue;
                if (line.contains("]# ")) skip = !line.endsWith("ifconfig docker");
                if (!skip) kept.add(line);
            }
            Files.write(addr, kept);
            for (String f : List.of("ipvs.txt", "units.txt")) {
                Path file = dst.resolve("hosts/" + h + "/" + f);
                if (Files.readString(file).startsWith("# reconstructed")) Files.delete(file);
            }
        }
        assertThat(Files.readString(dst.resolve("hosts/mcwk8s06/addr.txt"))).doesNotContain("reconstructed", "eth0:", "flannel.1", "kube-ipvs0").contains("docker0");
        assertThat(dst.resolve("hosts/mcwk8s05/ipvs.txt")).doesNotExist();
        assertThat(dst.resolve("hosts/mcwk8s06/units.txt")).doesNotExist();
        return dst;
    }
}
