package dev.kubepath.ingest;

import java.util.List;

/** What a parser read from one file: the values it understood and the lines it had to skip. */
public record Parsed<T>(T value, List<ParseProblem> problems) {
    public Parsed {
        problems = List.copyOf(problems);
    }

    public boolean clean() {
        return problems.isEmpty();
    }
}
