package dev.kubepath.ingest;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Truncated, reordered, corrupted and random input never makes a parser throw, and every problem names file and line. */
class ParserFuzzTest {
    private static final List<String> GOLDEN = List.of(
            "seed/1-mcwk8s03-symptoms.txt", "seed/10-ipvs.txt", "seed/2-mcwk8s03-pod-and-nodes.txt",
            "seed/3-mcwk8s03-ifconfig-docker0.txt", "seed/4-mcwk8s03-etcdctl-before.txt",
            "seed/5-mcwk8s05-restart-flanneld-then-docker.txt", "seed/9-route-n-before-and-after.txt",
            "real/ip-addr.txt", "real/ip-j-addr.json", "real/ip-route-table-all.txt", "real/ip-j-route-table-all.json",
            "real/ip-d-link.txt", "real/ip-d-j-link.json", "real/ip-neigh.txt", "real/ip-j-neigh.json",
            "real/bridge-fdb.txt", "real/bridge-j-fdb.json", "real/nft-ruleset.txt");

    private static Map<String, BiFunction<String, String, Parsed<?>>> parsers() {
        Map<String, BiFunction<String, String, Parsed<?>>> m = new LinkedHashMap<>();
        m.put("RouteFile", RouteFile::parse);
        m.put("IpRouteText", IpRouteText::parse);
        m.put("IpRouteJson", IpRouteJson::parse);
        m.put("RouteNText", RouteNText::parse);
        m.put("AddrFile", AddrFile::parse);
        m.put("IpAddrText", IpAddrText::parse);
        m.put("IpAddrJson", IpAddrJson::parse);
        m.put("IfconfigText", IfconfigText::parse);
        m.put("IpNeighText", IpNeighText::parse);
        m.put("BridgeFdbText", BridgeFdbText::parse);
        m.put("IpvsadmText", IpvsadmText::parse);
        m.put("IptablesSave", IptablesSave::parse);
        m.put("SysctlText", SysctlText::parse);
        m.put("UnitsText", UnitsText::parse);
        m.put("SubnetEnv", SubnetEnv::parse);
        m.put("FlannelConfigJson", FlannelConfigJson::parse);
        m.put("LeasesText", LeasesText::parse);
        m.put("KubectlJson.nodes", KubectlJson::nodes);
        m.put("KubectlJson.pods", KubectlJson::pods);
        m.put("KubectlJson.services", KubectlJson::services);
        m.put("KubectlJson.endpoints", KubectlJson::endpoints);
        m.put("KubectlText.nodes", KubectlText::nodes);
        m.put("KubectlText.pods", KubectlText::pods);
        m.put("KubectlText.services", KubectlText::services);
        return m;
    }

    private static String mutate(String text, Random rnd) {
        switch (rnd.nextInt(6)) {
            case 0 -> { return text.substring(0, rnd.nextInt(text.length() + 1)); }
            case 1 -> {
                List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
                Collections.shuffle(lines, rnd);
                return String.join("\n", lines);
            }
            case 2 -> {
                char[] c = text.toCharArray();
                for (int i = 0; i < 1 + rnd.nextInt(8) && c.length > 0; i++) c[rnd.nextInt(c.length)] = (char) rnd.nextInt(128);
                return new String(c);
            }
            case 3 -> {
                List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
                if (!lines.isEmpty()) lines.remove(rnd.nextInt(lines.size()));
                if (!lines.isEmpty()) lines.add(rnd.nextInt(lines.size()), lines.get(rnd.nextInt(lines.size())));
                return String.join("\n", lines);
            }
            case 4 -> {
                byte[] b = new byte[rnd.nextInt(400)];
                rnd.nextBytes(b);
                return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
            }
            default -> {
                StringBuilder sb = new StringBuilder(text);
                String[] junk = {"\n", " ", "{", "}", "[", "\"", ":", "/", "-", "!", "[root@h ~]# ", "0", "255.255.255.255", "\r\n", "\t"};
                for (int i = 0; i < 1 + rnd.nextInt(10); i++) sb.insert(rnd.nextInt(sb.length() + 1), junk[rnd.nextInt(junk.length)]);
                return sb.toString();
            }
        }
    }

    @Test
    void noExceptionEscapesAndEveryProblemNamesFileAndLine() {
        Random rnd = new Random(20240604L);
        List<String> inputs = new ArrayList<>();
        for (String g : GOLDEN) inputs.add(Golden.read(g));
        inputs.add("");
        inputs.add("\n\n\n");
        inputs.add("{\"Network\": \"172.17.0.0/16\", \"SubnetLen\": 24, \"Backend\": {\"Type\": \"vxlan\"}}\n"); // flannel's net-conf.json
        // outcomes, per parser: inputs it read clean, and inputs it reported problems for
        java.util.Map<String, int[]> outcomes = new java.util.TreeMap<>();
        for (var e : parsers().entrySet()) {
            for (String golden : inputs) {
                for (int i = 0; i < 12; i++) {
                    String text = i == 0 ? golden : mutate(golden, rnd);
                    int lineCount = text.split("\n", -1).length;
                    Parsed<?> p;
                    try {
                        p = e.getValue().apply("f.txt", text);
                    } catch (RuntimeException ex) {
                        fail(e.getKey() + " threw " + ex + " on input:\n" + text, ex);
                        return;
                    }
                    assertThat(p).as(e.getKey()).isNotNull();
                    for (ParseProblem pr : p.problems()) {
                        assertThat(pr.file()).isEqualTo("f.txt");
                        assertThat(pr.line()).as(e.getKey() + ": " + pr).isBetween(1, lineCount);
                        assertThat(pr.message()).isNotBlank();
                    }
                    outcomes.computeIfAbsent(e.getKey(), k -> new int[2])[p.clean() ? 0 : 1]++;
                }
            }
        }
        // A fuzz that never reached a parser's error path, or never gave it input it accepts, would prove nothing.
        List<String> neverProblem = outcomes.entrySet().stream().filter(o -> o.getValue()[1] == 0).map(java.util.Map.Entry::getKey).toList();
        List<String> neverClean = outcomes.entrySet().stream().filter(o -> o.getValue()[0] == 0).map(java.util.Map.Entry::getKey).toList();
        assertThat(neverProblem).as("parsers that reported no problem on any mutated input").isEmpty();
        assertThat(neverClean).as("parsers that read no input clean").isEmpty();
    }
}
