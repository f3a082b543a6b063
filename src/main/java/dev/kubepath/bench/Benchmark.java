package dev.kubepath.bench;

import java.io.PrintStream;

/**
 * A measurement run by {@code kubepath bench NAME}. It prints its figures as a small table; comparisons are made
 * as ratios within one run, because the machines are shared and absolute times drift.
 */
public interface Benchmark {
    String name();

    String description();

    void run(PrintStream out, String... args) throws Exception;
}
