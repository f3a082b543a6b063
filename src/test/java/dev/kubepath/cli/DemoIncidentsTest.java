package dev.kubepath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** `kubepath demo --list` and the incidents of scenarios/k3s-like.yaml and kubeadm-nftables.yaml, replayed. */
class DemoIncidentsTest {
    /** "phase from kind to verdict" for every outcome of `demo NAME --json`. */
    static List<String> outcomes(String name) throws Exception {
        Cli r = Cli.run("demo", name, "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> out = new ArrayList<>();
        for (JsonNode o : new ObjectMapper().readTree(r.out()).get("outcomes")) {
            out.add(o.get("phase").asText() + " " + o.get("from").asText() + " " + o.get("kind").asText() + " "
                    + o.get("to").asText() + " " + o.get("verdict").asText());
        }
        return out;
    }

    @Test
    void theListNamesEveryIncident() {
        Cli r = Cli.run("demo", "--list");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().map(l -> l.split(" ")[0]).toList()).containsExactly("seed", "k3s-like", "kubeadm-nftables");
    }

    @Test
    void k3sLikeShowsTheRealCniErrorAndTheProbeAnswersAfterCni0IsRecreated() throws Exception {
        Cli r = Cli.run("demo", "k3s-like");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("== 1. How it arose ==", "== 2. Symptoms", "== 3. Evidence", "== 4. The fix", "== 5. Verification")
                .contains("failed to set bridge addr: \"cni0\" already has an IP address different from 10.42.3.1/24")
                .containsPattern("probe\\s+0/1\\s+ContainerCreating").containsPattern("probe\\s+1/1\\s+Running");
        assertThat(outcomes("k3s-like")).containsExactly(
                "before server curl 10.42.2.2:80 TIMEOUT",      // the old podCIDR is no longer routed by the peers
                "before agent2 curl 10.42.2.2:80 DELIVERED",    // the old pod still answers on its own node
                "after server curl 10.42.3.2:80 DELIVERED");
    }

    @Test
    void kubeadmNftablesCutsWorker2sPodsUntilFlanneldRestoresItsForwardRules() throws Exception {
        Cli r = Cli.run("demo", "kubeadm-nftables");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("filter FORWARD drops", "-A FORWARD -s 10.244.0.0/16 -m comment --comment \"flanneld forward\" -j ACCEPT");
        List<String> o = outcomes("kubeadm-nftables");
        assertThat(o).hasSize(4);
        assertThat(o.get(0)).startsWith("before cp1 curl 10.244.2.").endsWith("TIMEOUT");
        assertThat(o.get(1)).startsWith("before cp1 curl 10.244.40.").endsWith("DELIVERED");
        assertThat(o.get(2)).startsWith("after cp1 curl 10.244.2.").endsWith("DELIVERED");
        assertThat(o.get(3)).startsWith("after cp1 curl 10.244.40.").endsWith("DELIVERED");
    }

    @Test
    void anUnknownIncidentIsOneLine() {
        Cli r = Cli.run("demo", "nope");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("kubepath: no incident 'nope' (kubepath demo --list names them)");
    }
}
