package dev.kubepath.cluster;

import dev.kubepath.ingest.BundleReader;
import dev.kubepath.ingest.InputException;
import dev.kubepath.ingest.ParseProblem;
import dev.kubepath.ingest.SnapshotFile;
import dev.kubepath.ingest.YamlNode;
import dev.kubepath.model.Snapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Loads a snapshot from whatever the operator names: a snapshot YAML file or a collected bundle directory. */
public final class Snapshots {
    private Snapshots() {}

    /** A snapshot and the lines of its files that could not be read (a bundle keeps going past them). */
    public record Loaded(Snapshot snapshot, List<ParseProblem> problems, java.util.Map<String, dev.kubepath.ingest.SubnetEnv> subnetEnvs) {
        public Loaded(Snapshot snapshot, List<ParseProblem> problems) {
            this(snapshot, problems, java.util.Map.of());
        }
    }

    public static Loaded read(Path path) {
        if (!Files.exists(path)) throw new InputException(path.toString(), 0, "no such file or directory (expected a scenario .yaml or a bundle directory)");
        if (Files.isDirectory(path)) {
            BundleReader.Result r = BundleReader.read(path);
            return new Loaded(r.snapshot(), r.problems(), r.subnetEnvs());
        }
        return new Loaded(file(path), List.of());
    }

    public static Snapshot load(Path path) {
        return read(path).snapshot();
    }

    /** A YAML file: {@code kind: Synthetic} expands to a generated cluster, anything else is a snapshot. */
    private static Snapshot file(Path path) {
        String text;
        try {
            text = Files.readString(path);
        } catch (java.io.IOException e) {
            throw new InputException(path.toString(), 0, "cannot read: " + e.getMessage());
        }
        YamlNode root = YamlNode.parse(path.toString(), text);
        if (root.isMap()) {
            YamlNode kind = root.map().get("kind");
            if (kind != null && kind.isScalar() && kind.text().equals("Synthetic")) return SyntheticFile.load(root);
        }
        return SnapshotFile.parse(path.toString(), text);
    }
}
