package dev.kubepath.lab;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.ClusterRun;
import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;

import java.time.Instant;

/** The scenarios a lab can be brought up in. */
public final class LabScenario {
    public static final Instant START = Instant.parse("2024-06-03T14:00:00Z");

    private LabScenario() {}

    /** Builds {@code name} in namespaces and brings it to its starting state; the caller closes the lab. */
    public static LabCluster up(String name, LabCluster.RegistryKind registry) {
        return switch (name) {
            case "seed" -> {
                LabCluster lab = LabCluster.create(SeedCluster.spec(START), registry);
                try {
                    SimCluster c = lab.cluster();
                    SeedCluster.incident(c);
                    yield lab;
                } catch (RuntimeException e) {
                    lab.close();
                    throw e;
                }
            }
            case "seed-healthy" -> {
                LabCluster lab = LabCluster.create(SeedCluster.spec(START), registry);
                try {
                    SeedCluster.bootHealthy(lab.cluster());
                    yield lab;
                } catch (RuntimeException e) {
                    lab.close();
                    throw e;
                }
            }
            default -> {
                java.nio.file.Path path = java.nio.file.Path.of(name);
                if (!java.nio.file.Files.isRegularFile(path)) {
                    throw new dev.kubepath.ingest.InputException("unknown lab scenario '" + name + "' (expected seed, seed-healthy or a cluster file)");
                }
                yield up(ClusterFile.load(path), registry);
            }
        };
    }

    /** The lab's most hosts: 50 come up within a minute on 2 cores (docs/performance.md). */
    public static final int MAX_HOSTS = 50;

    /**
     * Builds a cluster file's hosts in namespaces, boots them, applies the manifests and plays the whole timeline.
     * With etcd, the file's registry decides the API (v2 or v3).
     */
    public static LabCluster up(ClusterFile file, LabCluster.RegistryKind registry) {
        if (file.spec().hosts().size() > MAX_HOSTS) {
            throw new dev.kubepath.ingest.InputException(file.file() + ": " + file.spec().hosts().size() + " hosts; the lab runs at most " + MAX_HOSTS);
        }
        LabCluster.RegistryKind kind = file.registry() == ClusterFile.Registry.KUBE ? LabCluster.RegistryKind.KUBE
                : registry == LabCluster.RegistryKind.ETCD && file.registry() == ClusterFile.Registry.ETCD_V3
                ? LabCluster.RegistryKind.ETCD_V3 : registry;
        LabCluster lab = LabCluster.create(file.spec(), kind);
        try {
            ClusterRun run = new ClusterRun(file, lab.cluster(), e -> { });
            run.boot();
            run.runAll();
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }
}
