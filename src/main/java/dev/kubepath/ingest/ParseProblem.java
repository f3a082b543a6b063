package dev.kubepath.ingest;

/** A line a parser could not read: which file, which line (1-based; 0 for the file as a whole), and why. */
public record ParseProblem(String file, int line, String message) {
    public ParseProblem {
        if (file == null || file.isEmpty()) throw new IllegalArgumentException("a parse problem must name its file");
        if (message == null || message.isEmpty()) throw new IllegalArgumentException("a parse problem must say what is wrong");
    }

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + message;
    }
}
