package dev.kubepath.cli;

import dev.kubepath.cluster.Snapshots;
import dev.kubepath.ingest.BundleReader;
import dev.kubepath.ingest.InputException;
import dev.kubepath.ingest.SessionBundle;
import dev.kubepath.model.Snapshot;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Loading what a command is pointed at: the lines a bundle could not read become warnings, the rest goes on. */
final class Inputs {
    private Inputs() {}

    static Snapshots.Loaded read(Path path, CommandSpec spec) {
        if (isSession(path)) {
            try (Bundle b = transcript(path, null, spec)) {
                return new Snapshots.Loaded(b.result().snapshot(), b.result().problems(), b.result().subnetEnvs());
            }
        }
        if (Files.isDirectory(path)) requireBundle(path);
        Snapshots.Loaded loaded = Snapshots.read(path);
        warn(loaded, spec);
        return loaded;
    }

    /**
     * A directory with neither cluster/ nor hosts/ is not a bundle (a typo'd path, the scenarios/ folder): one line,
     * where reading it on would report an empty cluster with no hosts. A bundle with one of the two is read, with
     * warnings for what it lacks.
     */
    static void requireBundle(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InputException(dir.toString(), 0, Files.exists(dir) ? "not a bundle directory (a file; expected a directory with cluster/ and hosts/ inside)"
                    : "no such file or directory (expected a bundle directory with cluster/ and hosts/ inside)");
        }
        if (!Files.isDirectory(dir.resolve("cluster")) && !Files.isDirectory(dir.resolve("hosts"))) {
            throw new InputException(dir.toString(), 0, "not a bundle directory: neither cluster/ nor hosts/ inside (docs/bundle-format.md)");
        }
    }

    /**
     * A file whose first line that says anything is a shell prompt with a command ({@code [root@node1 ~]# ip route}):
     * a pasted terminal session, whichever command it is given to. A snapshot file starts with YAML, never a prompt.
     */
    static boolean isSession(Path path) {
        if (!Files.isRegularFile(path)) return false;
        try (var lines = Files.lines(path)) {
            return lines.limit(50).map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("```") && !l.startsWith("<"))
                    .findFirst().map(l -> dev.kubepath.ingest.Transcript.Prompt.match(l) != null).orElse(false);
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // unreadable, or not text: the snapshot reader says what is wrong with it
        }
    }

    static void warn(Snapshots.Loaded loaded, CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        for (var p : loaded.problems()) err.println("kubepath: warning: " + p);
        err.flush();
    }

    static Snapshot snapshot(Path path, CommandSpec spec) {
        return read(path, spec).snapshot();
    }

    /** A bundle directory as read, and where it is (for a session: the directory it was written to, removed by close() when temporary). */
    /** A bundle directory, or the one a session was cut into ({@code session} non-null, to cite its lines). */
    record Bundle(Path dir, BundleReader.Result result, boolean temporary, SessionBundle session) implements AutoCloseable {
        @Override
        public void close() {
            if (!temporary) return;
            try {
                delete(dir);
            } catch (IOException e) {
                // a temporary directory left behind is harmless
            }
        }
    }

    /**
     * Either a bundle directory, or a pasted session cut into a bundle (written to {@code out}, or to a temporary
     * directory removed afterwards).
     */
    static Bundle bundle(Path bundle, Path transcript, Path out, CommandSpec spec) {
        if ((bundle == null) == (transcript == null)) throw new InputException("give a bundle directory or --transcript SESSION.txt (one of them)");
        if (bundle != null && isSession(bundle)) { // a pasted session given where a bundle goes
            transcript = bundle;
            bundle = null;
        }
        if (out != null && transcript == null) throw new InputException("-o DIR writes the bundle made from --transcript; there is no transcript");
        if (bundle != null) {
            requireBundle(bundle);
            return new Bundle(bundle, BundleReader.read(bundle), false, null);
        }
        String text;
        try {
            text = Files.readString(transcript);
        } catch (IOException e) {
            throw new InputException(transcript.toString(), 0, "cannot read: " + e.getMessage() + " (expected a pasted terminal session)");
        }
        SessionBundle session = SessionBundle.split(transcript.getFileName().toString(), text);
        Path dir = out;
        try {
            if (dir == null) dir = Files.createTempDirectory("kubepath-session");
            return new Bundle(dir, session.read(dir), out == null, session);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new InputException(String.valueOf(dir), 0, "cannot write the bundle: " + e.getMessage() + " (-o expects a directory that can be created)");
        }
    }

    /** A session cut into a bundle for the commands that diagnose it, its problems printed as warnings. */
    static Bundle transcript(Path transcript, Path out, CommandSpec spec) {
        Bundle b = bundle(null, transcript, out, spec);
        warn(new Snapshots.Loaded(b.result().snapshot(), b.result().problems()), spec);
        return b;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** The host a command names on its command line: bad input when the snapshot has no such host. */
    static String host(Snapshot snapshot, String name) {
        if (snapshot.host(name).isEmpty()) {
            throw new InputException("unknown host '" + name + "' (hosts: " + String.join(", ", snapshot.hostsByName().keySet()) + ")");
        }
        return name;
    }

    /**
     * A value typed on the command line, read by a library parser (an address, a port). Only here does that
     * parser's IllegalArgumentException mean bad input; anywhere else it is an internal failure.
     */
    static <T> T argument(String option, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage() == null ? option + ": not a valid value" : e.getMessage());
        }
    }
}
