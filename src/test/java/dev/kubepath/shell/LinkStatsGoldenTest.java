package dev.kubepath.shell;

import dev.kubepath.ingest.BundleReader;
import dev.kubepath.model.Host;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
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
        String command = null;
        StringBuilder want = new StringBuilder();
        int compared = 0;
        List<String> lines = Files.readAllLines(DIR.resolve("commands.txt"));
        for (int n = 0; n <= lines.size(); n++) {
            String line = n < lines.size() ? lines.get(n) : "$ end";
            if (!line.startsWith("$ ")) {
                want.append(line).append('\n');
                continue;
            }
            if (command != null) {
                List<String> argv = Arrays.asList(command.split(" "));
                assertThat(new Ip(h).ip(argv.subList(1, argv.size()))).as(command).isEqualTo(want.toString());
                compared++;
            }
            command = line.substring(2);
            want.setLength(0);
        }
        assertThat(compared).isEqualTo(4);
    }
}
