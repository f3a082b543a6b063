package dev.kubepath.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A cluster too large for the heap given: one line naming the heap and how to raise it, no stack trace. */
class OutOfMemoryTest {
    @Test
    void aMatrixTooLargeForItsHeapSaysSoInOneLine() throws Exception {
        Path dir = Files.createTempDirectory("kubepath-oom");
        Path yaml = dir.resolve("big.yaml");
        Files.writeString(yaml, "kind: Synthetic\nname: big\nnodes: 1000\npodsPerNode: 30\nservices: 2000\nendpointsPerService: 5\nseed: 1\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx12m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "matrix", "--summary", yaml.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).isEqualTo(Main.OUT_OF_MEMORY);
        assertThat(err.strip()).isEqualTo("kubepath: out of memory: the Java heap (12 MB) is full; give it more with KUBEPATH_JAVA_OPTS=-Xmx4g (or larger)");
        Files.delete(yaml);
        Files.delete(dir);
    }
}
