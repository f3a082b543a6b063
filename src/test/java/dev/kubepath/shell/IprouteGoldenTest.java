package dev.kubepath.shell;

import dev.kubepath.ingest.BundleReader;
import dev.kubepath.ingest.ParseProblem;
import dev.kubepath.model.Host;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shell's {@code ip} and {@code bridge} against what iproute2 6.1 printed on a real kernel
 * (scripts/capture-shell-goldens.sh): the host's state is read from the same capture with the bundle parsers, and
 * every command the capture ran must print the same bytes here.
 */
class IprouteGoldenTest {
    static final Path DIR = Path.of("src/test/resources/shell/iproute2");

    static Host host() {
        BundleReader.Result r = BundleReader.read(DIR);
        List<ParseProblem> hostProblems = r.problems().stream().filter(p -> p.file().contains("hosts")).toList();
        assertThat(hostProblems).as("the captured host files read cleanly").isEmpty();
        Host h = r.snapshot().host("mcwk8s05").orElseThrow();
        // the bundle holds the FDB as the kernel dumped it, newest first; the model keeps the order of writing
        List<dev.kubepath.model.FdbEntry> written = new ArrayList<>(h.fdb());
        java.util.Collections.reverse(written);
        return new Host(h.name(), h.links(), h.addresses(), h.routes(), h.neighbours(), written, h.virtualServers(), h.chains(),
                h.sysctls(), h.sockets(), h.daemons(), h.containers(), h.known(), h.ipsets());
    }

    /** Each "$ command" line and the lines it printed. */
    static Map<String, String> commands() throws IOException {
        return CapturedCommands.read(DIR.resolve("commands.txt"));
    }

    static String run(Host h, String command) {
        List<String> argv = Arrays.asList(command.split(" "));
        try {
            Ip ip = new Ip(h);
            return argv.get(0).equals("ip") ? ip.ip(argv.subList(1, argv.size())) : ip.bridge(argv.subList(1, argv.size()));
        } catch (ToolError e) {
            return e.getMessage();
        }
    }

    private static Host withSysctl(Host h, String key, String value) {
        Map<String, String> sysctls = new HashMap<>(h.sysctls());
        sysctls.put(key, value);
        return new Host(h.name(), h.links(), h.addresses(), h.routes(), h.neighbours(), h.fdb(), h.virtualServers(), h.chains(),
                sysctls, h.sockets(), h.daemons(), h.containers(), h.known(), h.ipsets());
    }

    @Test
    void everyCapturedCommandPrintsWhatIproute2Printed() throws IOException {
        Host h = host();
        List<String> compared = new ArrayList<>();
        for (var e : commands().entrySet()) {
            String command = e.getKey();
            Host on = h;
            if (command.startsWith("sysctl -w net.ipv4.ip_forward=0; ")) {
                on = withSysctl(h, Host.IP_FORWARD, "0");
                command = command.substring(command.indexOf("; ") + 2);
            }
            String want = e.getValue();
            String got = run(on, command);
            if (command.startsWith("ip neigh")) {
                // the kernel's neighbour table is hashed with a random seed: its order differs from boot to boot
                assertThat(got.lines().sorted().toList()).as(command).isEqualTo(want.lines().sorted().toList());
            } else {
                assertThat(got).as(command).isEqualTo(want);
            }
            compared.add(command);
        }
        assertThat(compared).as("the capture's commands").hasSizeGreaterThan(30)
                .contains("ip route get 172.17.9.5", "ip -d link show flannel.1", "bridge fdb show dev flannel.1", "ip -br addr");
    }

    @Test
    void fdbDumpIsNewestFirst() {
        // the capture wrote the entry for 10.0.0.36 first, then 10.0.0.33's
        String got = run(host(), "bridge fdb show dev flannel.1");
        assertThat(got.lines().toList()).containsExactly("3a:95:e9:ee:13:43 dst 10.0.0.33 self permanent", "6e:9c:c8:0d:53:08 dst 10.0.0.36 self permanent");
    }
}
