package dev.kubepath.cluster;

import dev.kubepath.host.SimulatedHost;
import dev.kubepath.model.Container;

import java.util.List;

/**
 * Where a runtime's pods become visible on the host. {@link dev.kubepath.host.NetChange} has no container change
 * (a pod's network namespace is not a host device), so the runtime hands the whole list for its bridge here: the
 * simulation writes it into the host model; a lab implementation creates the namespaces and veths.
 */
public interface ContainerTable {
    void replace(String bridge, List<Container> containers);

    /** The simulation's table: the host model's containers on that bridge are replaced. */
    static ContainerTable of(SimulatedHost host) {
        return (bridge, containers) -> host.edit(b -> {
            b.containers.removeIf(c -> bridge.equals(c.bridge()));
            b.containers.addAll(containers);
            return b.know(dev.kubepath.model.Facet.CONTAINERS);
        });
    }
}
