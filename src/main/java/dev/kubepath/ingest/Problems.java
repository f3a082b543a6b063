package dev.kubepath.ingest;

import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one file so each parser names its file the same way. */
final class Problems {
    private final String file;
    private final List<ParseProblem> list = new ArrayList<>();

    Problems(String file) {
        this.file = file == null || file.isEmpty() ? "<input>" : file;
    }

    String file() {
        return file;
    }

    void add(int line, String message) {
        list.add(new ParseProblem(file, line, message == null || message.isEmpty() ? "unreadable line" : message));
    }

    void add(int line, RuntimeException e) {
        add(line, e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
    }

    List<ParseProblem> list() {
        return list;
    }

    <T> Parsed<T> result(T value) {
        return new Parsed<>(value, list);
    }
}
