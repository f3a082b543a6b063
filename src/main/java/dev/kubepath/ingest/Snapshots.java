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
        return SnapshotFile.read(path);
    }
}
