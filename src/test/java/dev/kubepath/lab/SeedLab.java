package dev.kubepath.lab;

import dev.kubepath.cluster.SeedCluster;

import java.time.Instant;

/** The seed cluster on namespaces, healthy, with the seed's deployment and NodePort: what most lab tests start from. */
final class SeedLab {
    private SeedLab() {}

    static LabCluster healthy() {
        RootOnly.assume();
        LabCluster lab = LabCluster.create(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")), LabCluster.RegistryKind.EMBEDDED);
        SeedCluster.bootHealthy(lab.cluster());
        SeedCluster.deploy(lab.cluster(), SeedCluster.NODE_PORT_BEFORE);
        return lab;
    }
}
