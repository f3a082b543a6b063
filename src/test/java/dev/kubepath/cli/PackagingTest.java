package dev.kubepath.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PackagingTest {
    @Test
    void versionNamesTheCommitAndDateOfTheBuild() {
        Cli r = Cli.run("--version");
        assertThat(r.exit()).isZero();
        // a git checkout builds with its commit; a source tree without git says so rather than inventing one
        String commit = Files.isDirectory(Path.of(".git")) || Files.isRegularFile(Path.of(".git")) ? "[0-9a-f]{7,}" : "unknown";
        assertThat(r.out().strip()).matches("kubepath 0\\.1\\.0 \\(commit " + commit + ", (\\d{4}-\\d\\d-\\d\\dT\\S+|unknown)\\)");
    }

    @Test
    void bashCompletionKnowsTheCommandsAndTheirOptions() {
        Cli r = Cli.run("completion", "bash");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("complete -F _complete_kubepath", "doctor", "trace", "--from");
        Cli zsh = Cli.run("completion", "zsh");
        assertThat(zsh.out()).startsWith("autoload -U +X compinit").contains("bashcompinit", "_complete_kubepath");
        Cli bad = Cli.run("completion", "fish");
        assertThat(bad.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(bad.err().strip()).isEqualTo("kubepath: completion 'fish': expected bash or zsh");
    }
}
