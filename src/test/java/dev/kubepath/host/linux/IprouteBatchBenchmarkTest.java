package dev.kubepath.host.linux;

import dev.kubepath.lab.RootOnly;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class IprouteBatchBenchmarkTest {
    @Test
    void batchingFewChangesIsAlreadyFasterThanAProcessEach() {
        RootOnly.assume();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new IprouteBatchBenchmark().run(new PrintStream(bytes, true, StandardCharsets.UTF_8), "50");
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("ip -batch + bridge -batch", "150", "one process per change");
        double ratio = Double.parseDouble(out.replaceAll("(?s).*ratio \\(per-change / batch\\): ([0-9.]+)x.*", "$1"));
        assertThat(ratio).as(out).isGreaterThan(2.0);
    }
}
