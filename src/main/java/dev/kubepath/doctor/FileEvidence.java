package dev.kubepath.doctor;

import dev.kubepath.model.Node;
import dev.kubepath.model.Snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evidence re-read from the files a snapshot was loaded from: a bundle directory (hosts/HOST/FILE, cluster/FILE; a
 * host directory may be named by the node's InternalIP) or a snapshot YAML (the host's section, or the whole file).
 */
public final class FileEvidence implements EvidenceSource {
    private final Path root;
    private final boolean bundle;
    private final Snapshot snapshot;
    private final Map<Path, List<String>> cache = new ConcurrentHashMap<>();

    private FileEvidence(Path root, boolean bundle, Snapshot snapshot) {
        this.root = root;
        this.bundle = bundle;
        this.snapshot = snapshot;
    }

    /** For a bundle directory or a snapshot YAML file, whichever {@code path} is. */
    public static FileEvidence of(Path path, Snapshot snapshot) {
        return new FileEvidence(path, Files.isDirectory(path), snapshot);
    }

    @Override
    public Optional<Evidence> find(String host, String file, String... needles) {
        return bundle ? inBundle(host, file, needles) : inYaml(host, needles);
    }

    @Override
    public String name(String host, String file) {
        if (!bundle) return root.toString();
        Path dir = host == null ? root.resolve("cluster") : hostDir(host);
        return dir == null ? EvidenceSource.super.name(host, file) : root.relativize(dir.resolve(file)).toString();
    }

    private Optional<Evidence> inBundle(String host, String file, String... needles) {
        Path dir = host == null ? root.resolve("cluster") : hostDir(host);
        if (dir == null) return Optional.empty();
        Path f = dir.resolve(file);
        List<String> lines = lines(f);
        String rel = root.relativize(f).toString();
        // the last match: a transcript repeating a command is read for its last output (docs/bundle-format.md)
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).startsWith("#") && matches(lines.get(i), needles)) return Optional.of(new Evidence(rel, i + 1, lines.get(i).strip()));
        }
        return Optional.empty();
    }

    private Path hostDir(String host) {
        Path d = root.resolve("hosts").resolve(host);
        if (Files.isDirectory(d)) return d;
        for (Node n : snapshot.cluster().nodes()) {
            if (n.name().equals(host) && n.internalIp() != null) {
                Path byIp = root.resolve("hosts").resolve(n.internalIp().toString());
                if (Files.isDirectory(byIp)) return byIp;
            }
        }
        return null;
    }

    private Optional<Evidence> inYaml(String host, String... needles) {
        List<String> lines = lines(root);
        int from = 0;
        if (host != null) {
            from = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).strip().equals(host + ":")) {
                    from = i;
                    break;
                }
            }
            if (from < 0) return Optional.empty();
        }
        int indent = host == null ? -1 : indentOf(lines.get(from));
        for (int i = from + (host == null ? 0 : 1); i < lines.size(); i++) {
            String l = lines.get(i);
            if (host != null && !l.isBlank() && indentOf(l) <= indent) break; // left the host's section
            if (!l.strip().startsWith("#") && matches(l, needles)) return Optional.of(new Evidence(root.toString(), i + 1, l.strip()));
        }
        return Optional.empty();
    }

    private static int indentOf(String l) {
        int i = 0;
        while (i < l.length() && l.charAt(i) == ' ') i++;
        return i;
    }

    private List<String> lines(Path f) {
        return cache.computeIfAbsent(f, p -> {
            if (!Files.isRegularFile(p)) return List.of();
            try {
                return Files.readAllLines(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Each needle appears as a token: not followed or preceded by a digit, dot or letter (172.17.98.1 is not 172.17.98.13). */
    static boolean matches(String line, String... needles) {
        for (String n : needles) if (!containsToken(line, n)) return false;
        return true;
    }

    static boolean containsToken(String line, String needle) {
        int from = 0;
        while (true) {
            int i = line.indexOf(needle, from);
            if (i < 0) return false;
            int end = i + needle.length();
            boolean before = i == 0 || !tokenChar(line.charAt(i - 1)) || !tokenChar(needle.charAt(0));
            boolean after = end == line.length() || !tokenChar(line.charAt(end)) || !tokenChar(needle.charAt(needle.length() - 1));
            if (before && after) return true;
            from = i + 1;
        }
    }

    private static boolean tokenChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.';
    }
}
