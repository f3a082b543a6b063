package dev.kubepath.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Golden inputs: the seed's transcripts and output captured from a real kernel (see real/capture.sh). */
final class Golden {
    private Golden() {}

    static String read(String path) {
        try (InputStream in = Golden.class.getResourceAsStream("/" + path)) {
            if (in == null) throw new IllegalStateException("missing test resource " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The transcript of one command in a seed file: its prompt line and output, up to the next prompt or comment. */
    static String section(String path, String promptContains, int occurrence) {
        String[] lines = read(path).split("\n");
        int seen = 0;
        StringBuilder sb = null;
        for (String l : lines) {
            boolean prompt = Transcript.promptCommand(l) != null || l.startsWith("#");
            if (sb != null) {
                if (prompt) break;
                sb.append(l).append('\n');
            } else if (Transcript.promptCommand(l) != null && l.contains(promptContains) && seen++ == occurrence) {
                sb = new StringBuilder(l).append('\n');
            }
        }
        if (sb == null) throw new IllegalStateException(path + " has no prompt #" + occurrence + " containing " + promptContains);
        return sb.toString();
    }
}
