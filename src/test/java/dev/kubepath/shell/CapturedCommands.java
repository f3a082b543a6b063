package dev.kubepath.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A capture script's output (scripts/capture-*-goldens.sh): each {@code $ command} line, then the lines the real tool
 * printed for it. Read in order, command to its output.
 */
final class CapturedCommands {
    private CapturedCommands() {}

    static Map<String, String> read(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        String command = null;
        StringBuilder text = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("$ ")) {
                if (command != null) out.put(command, text.toString());
                command = line.substring(2);
                text.setLength(0);
            } else {
                text.append(line).append('\n');
            }
        }
        if (command != null) out.put(command, text.toString());
        return out;
    }
}
