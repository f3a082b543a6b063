package dev.kubepath.shell;

import dev.kubepath.ingest.BundleReader;
import dev.kubepath.ingest.ParseProblem;
import dev.kubepath.model.Host;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shell's {@code iptables -L/-S} and {@code ipset list} against what iptables-legacy 1.8.9 and ipset 7.17 printed
 * in a namespace holding every rule form the simulation writes (scripts/capture-netfilter-goldens.sh): the host's
 * rules and sets are read from the same capture (its iptables-save and ipset list) with the bundle parsers, and each
 * captured command must print the same bytes here.
 */
class NetfilterGoldenTest {
    static final Path DIR = Path.of("src/test/resources/shell/netfilter");

    static Host host() {
        BundleReader.Result r = BundleReader.read(DIR);
        List<ParseProblem> hostProblems = r.problems().stream().filter(p -> p.file().endsWith("iptables.txt") || p.file().endsWith("ipset.txt")).toList();
        // the capture holds only the host's rules and sets: its addresses and routes are not missed here
        assertThat(hostProblems).as("the captured rules and sets read cleanly").isEmpty();
        return r.snapshot().host("mcwk8s05").orElseThrow();
    }

    static Map<String, String> commands() throws IOException {
        return CapturedCommands.read(DIR.resolve("commands.txt"));
    }

    static String run(Host h, String command) {
        List<String> argv = Arrays.asList(command.split(" "));
        try {
            List<String> args = argv.subList(1, argv.size());
            return argv.get(0).equals("iptables") ? new Iptables(h).run(args) : Iptables.ipset(h, args);
        } catch (ToolError e) {
            return e.getMessage();
        }
    }

    @Test
    void everyCapturedIptablesCommandPrintsWhatIptablesPrinted() throws IOException {
        Host h = host();
        List<String> compared = new ArrayList<>();
        for (var e : commands().entrySet()) {
            if (!e.getKey().startsWith("iptables")) continue;
            assertThat(run(h, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            compared.add(e.getKey());
        }
        assertThat(compared).as("the capture's iptables commands").hasSizeGreaterThan(20)
                .contains("iptables -t nat -L -n -v --line-numbers", "iptables -S", "iptables -L -n --foo");
    }

    @Test
    void ipsetListOfABitmapSetAndOfAnUnknownSetIsIpsets() throws IOException {
        Host h = host();
        for (String command : List.of("ipset list KUBE-NODE-PORT-TCP", "ipset list NOSUCH")) {
            assertThat(run(h, command)).as(command).isEqualTo(commands().get(command));
        }
    }

    /**
     * ipset 7.17 adds to a hash set's header its bucket size and a random initval, and lists members in the
     * hash's order; the rest of each set (name, type, revision, memory, references, count, the members) must agree.
     */
    @Test
    void ipsetListAgreesButForTheHashSeedAndOrder() throws IOException {
        String want = commands().get("ipset list");
        String got = run(host(), "ipset list");
        assertThat(comparable(got)).isEqualTo(comparable(want));
    }

    private static List<String> comparable(String listing) {
        return listing.lines().map(l -> l.replaceFirst(" bucketsize \\d+ initval 0x[0-9a-f]+$", "")).sorted().toList();
    }
}
