package dev.kubepath.bench;

import dev.kubepath.ingest.InputException;

import java.io.PrintStream;

/**
 * A measurement run by {@code kubepath bench NAME}. It prints its figures as a small table; comparisons are made
 * as ratios within one run, because the machines are shared and absolute times drift.
 */
public interface Benchmark {
    String name();

    String description();

    void run(PrintStream out, String... args) throws Exception;

    /** The i-th argument as a number, or {@code otherwise} when it is not given; anything else is bad input. */
    static int intArg(String[] args, int i, int otherwise) {
        if (args.length <= i) return otherwise;
        try {
            return Integer.parseInt(args[i].replace("_", ""));
        } catch (NumberFormatException e) {
            throw new InputException("argument " + (i + 1) + " '" + args[i] + "' is not a whole number");
        }
    }
}
