package dev.kubepath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WhatifCommandTest {
    @Test
    void jsonListsRepairedBrokenStillFailingAndAssumptions() throws Exception {
        Cli r = Cli.run("whatif", "bundles/seed-before", "--do", "on mcwk8s05: systemctl restart flanneld",
                "--do", "on mcwk8s05: systemctl restart docker", "--json");
        assertThat(r.exit()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.fieldNames()).toIterable().containsExactly("repaired", "broken", "stillFailing", "assumptions");
        assertThat(j.get("broken")).isEmpty();
        assertThat(j.get("repaired").toString()).contains("{\"from\":\"mcwk8s03\",\"to\":\"NodePort default/mcwtest-svc:2024 on mcwk8s06\"}");
        assertThat(j.get("assumptions").toString()).contains("lease-lost: mcwk8s05");
    }

    @Test
    void anUnknownHostIsOneLineAndExitCode2() {
        Cli r = Cli.run("whatif", "bundles/seed-before", "--do", "on mcwk8s09: systemctl restart docker");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("kubepath: --do #1: unknown host 'mcwk8s09' (hosts: mcwk8s03, mcwk8s05, mcwk8s06)");
    }

    @Test
    void anUnknownCommandIsOneLineAndExitCode2() {
        Cli r = Cli.run("whatif", "bundles/seed-before", "--do", "on mcwk8s05: systemctl restart flanneld", "--do", "on mcwk8s05: reboot");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("kubepath: --do #2 'on mcwk8s05: reboot': unknown command 'reboot'");
    }
}
