package dev.kubepath.shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seed's outputs as a list of commands: each prompt line {@code [root@HOST DIR]# CMD} with the output that
 * followed it, and the {@code # comment} heading it stands under.
 */
public record SeedTranscript(List<Entry> entries) {
    public record Entry(String heading, String host, String command, String output) {}

    private static final Pattern PROMPT = Pattern.compile("^\\[root@(\\S+) [^\\]]*\\]# (.*)$");

    public static SeedTranscript read(String name) {
        try {
            return parse(Files.readString(Path.of("src/test/resources/seed", name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SeedTranscript parse(String text) {
        List<Entry> out = new ArrayList<>();
        String heading = null, host = null, command = null;
        StringBuilder output = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            Matcher m = PROMPT.matcher(line);
            if (m.matches() || (line.startsWith("# ") && command != null)) {
                if (command != null) out.add(new Entry(heading, host, command, output.toString()));
                command = null;
                output.setLength(0);
            }
            if (m.matches()) {
                host = m.group(1);
                command = m.group(2);
            } else if (line.startsWith("# ")) {
                heading = line.substring(2);
            } else if (command != null) {
                output.append(line).append('\n');
            }
        }
        if (command != null) out.add(new Entry(heading, host, command, output.toString()));
        return new SeedTranscript(out);
    }

    public List<Entry> find(String host, String command) {
        return entries.stream().filter(e -> e.host().equals(host) && e.command().equals(command)).toList();
    }

    /** Counters, dates and timings differ between any two runs; compare the rest. */
    public static String withoutCounters(String s) {
        return s.replaceAll("(RX|TX) packets \\d+  bytes \\d+ \\([^)]*\\)", "$1 packets N  bytes N (N)")
                .replaceAll("(dropped|overruns|frame|carrier|collisions|errors) \\d+", "$1 N")
                .replaceAll("Date: .*", "Date: D")
                .replaceAll("time=[0-9.]+ ms", "time=T ms")
                .replaceAll("rtt min/avg/max/mdev = .*", "rtt T")
                .replaceAll("\n+$", "\n");
    }
}
