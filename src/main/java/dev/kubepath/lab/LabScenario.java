package dev.kubepath.lab;

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
                    SeedCluster.bootHealthy(c);
                    SeedCluster.breakLikeTheSeed(c);
                    SeedCluster.deploy(c, SeedCluster.NODE_PORT_BEFORE);
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
            default -> throw new IllegalArgumentException("unknown lab scenario '" + name + "' (expected seed or seed-healthy)");
        };
    }
}
