package dev.kubepath.flannel.vxlan;

import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;

import java.util.List;

/** What the vxlan backend wants on one host: the flannel device, its address, and per remote lease the entries. */
public record DesiredState(Link device, IfAddress address, List<Route> routes, List<Neighbour> neighbours,
                          List<FdbEntry> fdb) {
    public DesiredState {
        routes = List.copyOf(routes);
        neighbours = List.copyOf(neighbours);
        fdb = List.copyOf(fdb);
    }
}
