package dev.kubepath.bench;

import dev.kubepath.lab.RootOnly;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** What the benchmark does, not how fast: its speed is reported by {@code kubepath bench iproute-batch}. */
class IprouteBatchBenchmarkTest {
    @Test
    void bothMethodsProgramEveryLeaseAndTheTableCountsTheirProcesses() {
        RootOnly.assume();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // The run itself fails unless each namespace ends with exactly 50 onlink routes on flannel.1.
        new IprouteBatchBenchmark().run(new PrintStream(bytes, true, StandardCharsets.UTF_8), "50");
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).containsPattern("ip -batch \\+ bridge -batch +150 +2 ");
        assertThat(out).containsPattern("one process per change +150 +150 ");
        assertThat(out).containsPattern("ratio \\(per-change / batch\\): [0-9.]+x");
    }
}
