package dev.kubepath.shell;

import dev.kubepath.ingest.BundleReader;
import dev.kubepath.model.Host;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ip -s link} against iproute2 6.1 on links that carried no packet (scripts/capture-link-stats-goldens.sh):
 * the simulation counts none, so its counters must be laid out exactly as the kernel's zeros are.
 */
class LinkStatsGoldenTest {
    static final Path DIR = Path.of("src/test/resources/shell/linkstats");

    @Test
    void everyCapturedCommandPrintsWhatIproute2Printed() throws IOException {
        Host h = BundleReader.read(DIR).snapshot().host("mcwk8s05").orElseThrow();
        int compared = 0;
        for (var e : CapturedCommands.read(DIR.resolve("commands.txt")).entrySet()) {
            List<String> argv = Arrays.asList(e.getKey().split(" "));
            assertThat(new Ip(h).ip(argv.subList(1, argv.size()))).as(e.getKey()).isEqualTo(e.getValue());
            compared++;
        }
        assertThat(compared).isEqualTo(4);
    }
}
