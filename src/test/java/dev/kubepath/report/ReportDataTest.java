package dev.kubepath.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubepath.cluster.Synthetic;
import dev.kubepath.cluster.Snapshots;
import dev.kubepath.model.Snapshot;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The report's data without a browser: the seed's facts (shared/seed/README.md) must show in it. */
class ReportDataTest {
    static final Snapshot SEED = Snapshots.load(Path.of("scenarios/seed-incident.yaml"));
    static final ReportData DATA = Reports.build(SEED, "scenarios/seed-incident.yaml", null);

    private static JsonNode host(String name) {
        for (JsonNode h : DATA.topology().path("hosts")) if (h.path("name").asText().equals(name)) return h;
        throw new AssertionError("no host " + name);
    }

    private static String verdict(String from, String to) {
        for (JsonNode f : DATA.matrix().path("flows"))
            if (f.path("from").asText().equals(from) && f.path("to").asText().equals(to)) return f.path("verdict").asText();
        throw new AssertionError("no flow " + from + " -> " + to);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void topologyNamesTheLostLeaseAndTheStaleRoutesOfMcwk8s05() {
        JsonNode h05 = host("mcwk8s05");
        assertThat(h05.path("underlay").asText()).isEqualTo("10.0.0.35");
        assertThat(h05.path("bridge").asText()).isEqualTo("172.17.98.1/24");
        assertThat(texts(h05.path("problems"))).anySatisfy(p -> assertThat(p).startsWith("missing lease").contains("172.17.98.0/24"))
                .anySatisfy(p -> assertThat(p).startsWith("stale route").contains("172.17.59.0/24"))
                .anySatisfy(p -> assertThat(p).startsWith("stale route").contains("172.17.61.0/24"))
                .anySatisfy(p -> assertThat(p).contains("no route to 172.17.9.0/24"))
                .anySatisfy(p -> assertThat(p).contains("no route to 172.17.83.0/24"));
        assertThat(texts(host("mcwk8s03").path("notes"))).anySatisfy(n -> assertThat(n).contains("not a registered node"));
        assertThat(host("mcwk8s06").path("problems")).isEmpty();
        // the registry holds 06's and 03's leases only
        assertThat(DATA.topology().path("leases").findValuesAsText("subnet")).containsExactly("172.17.9.0/24", "172.17.83.0/24");
    }

    @Test
    void onlyTheTunnelBetween03And06Works() {
        List<String> usable = new ArrayList<>();
        JsonNode hosts = DATA.topology().path("hosts");
        for (JsonNode t : DATA.topology().path("tunnels")) {
            if (t.get(2).asInt() == 1 && t.get(3).asInt() == 1)
                usable.add(hosts.get(t.get(0).asInt()).path("name").asText() + "-" + hosts.get(t.get(1).asInt()).path("name").asText());
        }
        assertThat(usable).containsExactly("mcwk8s03-mcwk8s06");
    }

    @Test
    void theMatrixHasTheSeedSymptomsFromTheMaster() {
        // README "What happened" 1: from the master the ClusterIP and 06's NodePort time out, 05's NodePort answers
        assertThat(verdict("mcwk8s03", "10.2.0.155:2024")).isEqualTo("timeout");
        assertThat(verdict("mcwk8s03", "10.0.0.36:41527")).isEqualTo("timeout");
        assertThat(verdict("mcwk8s03", "10.0.0.35:41527")).isEqualTo("ok");
        // 2: from 05, the other hosts' docker0 do not answer; 03 and 06 reach each other
        assertThat(verdict("mcwk8s05", "172.17.83.1")).isEqualTo("timeout");
        assertThat(verdict("mcwk8s05", "172.17.9.1")).isEqualTo("timeout");
        assertThat(verdict("mcwk8s03", "172.17.9.1")).isEqualTo("ok");
        assertThat(verdict("mcwk8s06", "172.17.83.1")).isEqualTo("ok");
        assertThat(DATA.matrix().path("summary").path("flows").asInt()).isEqualTo(DATA.matrix().path("flows").size());
        JsonNode t = DATA.traces().path(FlowMatrix.key("mcwk8s03", "10.0.0.36:41527"));
        assertThat(t.path("says").asText()).isEqualTo("curl: (7) Failed connect to 10.0.0.36:41527; Connection timed out");
    }

    @Test
    void thePrincipleViewShowsDnatMasqueradeAndVxlan() {
        JsonNode stories = DATA.principle();
        assertThat(stories.size()).isEqualTo(2);
        List<String> changes = stories.findValuesAsText("change");
        assertThat(changes).anySatisfy(c -> assertThat(c).startsWith("DNAT 10.0.0.35:41527 -> 172.17.98.13:20000"))
                .anySatisfy(c -> assertThat(c).startsWith("MASQUERADE source"))
                .anySatisfy(c -> assertThat(c).contains("UDP 8472").contains("VNI 1"));
        JsonNode encap = null;
        for (JsonNode hop : stories.get(1).path("hops")) if (hop.path("stage").asText().equals("encap")) encap = hop;
        assertThat(encap).isNotNull();
        assertThat(encap.path("outer").path("src").asText()).isEqualTo("10.0.0.33");
        assertThat(encap.path("outer").path("dst").asText()).isEqualTo("10.0.0.36");
        assertThat(encap.path("inner").path("dst").asText()).isEqualTo("172.17.9.1");
    }

    @Test
    void theEmbeddedGridKeepsEveryFlowsVerdictAndEndpoints() throws Exception {
        Snapshot s = Synthetic.build(new Synthetic.Spec(6, 1, 2, 2, 3));
        ReportData d = Reports.build(s, "synthetic", null);
        JsonNode grid = ReportPage.embedded(d).path("matrix");
        String cells = grid.path("cells").asText();
        List<String> rows = texts(grid.path("rows")), cols = texts(grid.path("cols"));
        for (JsonNode f : d.matrix().path("flows")) {
            char c = cells.charAt(rows.indexOf(f.path("from").asText()) * cols.size() + cols.indexOf(f.path("to").asText()));
            assertThat(c).isEqualTo(f.path("endpoints").isNull() ? 'o' : 'O');
        }
        assertThat(cells.chars().filter(ch -> ch != '.').count()).isEqualTo(d.matrix().path("flows").size());
        // nothing in the data can close the script element that carries it
        String html = ReportPage.html(d.withFindings(new ObjectMapper().readTree("{\"verdict\": \"</script><b>x\", \"findings\": []}")));
        assertThat(html).doesNotContain("</script><b>x").contains("<\\/script><b>x");
        // self-contained: nothing is loaded from elsewhere (the SVG namespace URI is a name, not a fetch)
        assertThat(html).doesNotContainPattern("(src|href)\\s*=\\s*[\"']?(https?:|//)").doesNotContainPattern("url\\(\\s*[\"']?(https?:|//)")
                .doesNotContain("@import", "<link", "fetch(", "XMLHttpRequest");
    }
}
