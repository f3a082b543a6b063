package dev.kubepath.shell;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * journalctl's short output against a public paste of {@code journalctl -u kubelet.service} (kubernetes#112874,
 * src/test/resources/shell/journalctl/SOURCE.md): the header, and each entry's prefix built from its klog line.
 */
class JournalTest {
    static final Path FILE = Path.of("src/test/resources/shell/journalctl/kubelet-k8s-112874.txt");

    @Test
    void entriesAndHeaderAreLaidOutAsJournalctlPrintsThem() throws IOException {
        List<String> real = Files.readAllLines(FILE);
        StringBuilder ours = new StringBuilder(Journal.header(Instant.parse("2022-09-30T11:14:56Z"), Instant.parse("2022-10-05T06:43:42Z")));
        for (String line : real.subList(1, real.size())) {
            String klog = line.substring(line.indexOf("]: ") + 3);
            ours.append(Journal.entry("1k8s-rc02-worker140a", "kubelet", klog));
        }
        assertThat(ours.toString()).isEqualTo(Files.readString(FILE));
    }

    @Test
    void aLineThatIsNotKlogsIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Journal.entry("h", "kubelet", "hello"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
