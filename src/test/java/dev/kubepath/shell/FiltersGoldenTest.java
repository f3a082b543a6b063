package dev.kubepath.shell;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shell's pipes against GNU grep, head, tail, wc, sort, uniq and awk (scripts/capture-filter-goldens.sh, C
 * locale), each fed the seed's route -n transcript: every pipeline must print the same bytes, errors included.
 */
class FiltersGoldenTest {
    static final Path DIR = Path.of("src/test/resources/shell/filters");

    @Test
    void everyPipelinePrintsWhatTheGnuToolsPrinted() throws IOException {
        String input = Files.readString(DIR.resolve("input.txt"));
        Map<String, String> want = CapturedCommands.read(DIR.resolve("commands.txt"));
        Filters filters = new Filters(path -> Optional.empty());
        List<String> compared = new ArrayList<>();
        for (var e : want.entrySet()) {
            String got;
            try {
                Words words = Words.split(e.getKey());
                got = input;
                for (List<String> argv : words.pipeline()) got = filters.run(argv, got);
            } catch (ToolError err) {
                got = err.getMessage();
            } catch (Words.Unbalanced | Words.EmptyPipe err) {
                got = err.getMessage();
            }
            assertThat(got).as(e.getKey()).isEqualTo(e.getValue());
            compared.add(e.getKey());
        }
        assertThat(compared).hasSizeGreaterThan(40).contains("grep -C5 flannel", "awk '{print $1, $NF}'", "wc -l");
    }
}
