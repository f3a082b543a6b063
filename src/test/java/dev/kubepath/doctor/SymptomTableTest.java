package dev.kubepath.doctor;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The doctor's symptom table reads as a table: every cell starts under its host's name, however long the cells. */
class SymptomTableTest {
    @Test
    void everyCellStartsUnderItsHost() {
        String text = ReportText.human(SeedBundleDoctorTest.doctor(SeedBundleDoctorTest.BEFORE));
        List<String> lines = text.lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("frontend ")).findFirst().orElseThrow());
        String head = lines.get(header);
        List<Integer> columns = List.of(head.indexOf("mcwk8s03"), head.indexOf("mcwk8s05"), head.indexOf("mcwk8s06"));
        List<String> rows = lines.subList(header + 1, lines.size()).stream().takeWhile(l -> !l.isBlank()).toList();
        // the seed's frontends: two ClusterIPs and the NodePort on each of the three nodes
        assertThat(rows).hasSize(5);
        for (String row : rows) {
            assertThat(row).doesNotEndWith(" ");
            for (int c : columns) {
                assertThat(row.substring(c - 2, c)).as(row).isEqualTo("  ");
                assertThat(row.charAt(c)).as(row).isNotEqualTo(' ');
            }
        }
        // the cell the seed's operator saw fail first: mcwk8s03's curl of the ClusterIP (outputs/1-mcwk8s03-symptoms.txt)
        String clusterIp = rows.stream().filter(r -> r.startsWith("10.2.0.155:2024")).findFirst().orElseThrow();
        assertThat(clusterIp.substring(columns.get(0))).startsWith("timeout");
    }
}
