package dev.kubepath.ingest;

import dev.kubepath.model.Snapshot;

import java.nio.file.Files;
import java.nio.file.Path;

/** Loads a snapshot from whatever the operator names: a snapshot YAML file or a collected bundle directory. */
public final class Snapshots {
    private Snapshots() {}

    public static Snapshot load(Path path) {
        if (!Files.exists(path)) throw new InputException(path.toString(), 0, "no such file or directory (expected a scenario .yaml or a bundle directory)");
        if (Files.isDirectory(path)) {
            throw new InputException(path.toString(), 0, "is a directory, but not a bundle kubepath can read yet (expected a scenario .yaml)");
        }
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
