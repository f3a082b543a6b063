package dev.kubepath.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RouteParseBenchmarkTest {
    @Test
    void printsAFigurePerFormatAndRound() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        new RouteParseBenchmark().run(new PrintStream(buf, true, StandardCharsets.UTF_8), "2000");
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out.lines().filter(l -> l.startsWith("ip route"))).hasSize(6);
        assertThat(out.lines().filter(l -> l.startsWith("route -n"))).hasSize(6);
    }
}
