package dev.kubepath.whatif;

import dev.kubepath.ingest.BundleReader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The seed's fix tried on a simulation of bundles/seed-before: the seed's outputs as printed, the rest inferred. */
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
    void whatTheSeedDoesNotShowIsInferredAndSaidSo() throws IOException {
        // the bundle holds only lines the seed's outputs show: no eth0 or flannel.1 section, no IPVS rules or
        // units on 05 and 06
        assertThat(SEED.resolve("hosts/mcwk8s05/ipvs.txt")).doesNotExist();
        assertThat(SEED.resolve("hosts/mcwk8s06/units.txt")).doesNotExist();
        assertThat(Files.readString(SEED.resolve("hosts/mcwk8s06/addr.txt"))).doesNotContain("eth0:", "flannel.1", "kube-ipvs0").contains("docker0");
        BundleReader.Result bundle = BundleReader.read(SEED);
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
}
