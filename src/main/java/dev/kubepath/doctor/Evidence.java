package dev.kubepath.doctor;

/**
 * Where a fact a finding rests on came from: a bundle file and its line (1-based), or the snapshot file and object;
 * {@code line} is null when no line of the source shows the fact (it was absent, or the snapshot has no file).
 */
public record Evidence(String file, Integer line, String text) {
    @Override
    public String toString() {
        return file + (line != null ? ":" + line : "") + ": " + text;
    }
}
