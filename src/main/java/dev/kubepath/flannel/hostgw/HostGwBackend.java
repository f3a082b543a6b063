package dev.kubepath.flannel.hostgw;

import dev.kubepath.flannel.vxlan.DesiredState;
import dev.kubepath.flannel.vxlan.Underlay;
import dev.kubepath.host.HostNetwork;
import dev.kubepath.host.HostNetworkException;
import dev.kubepath.host.NetChange;
import dev.kubepath.model.FlannelConfig;
import dev.kubepath.model.Host;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Route;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * flannel's host-gw backend: no device, one route per remote lease, {@code SUBNET via PUBLICIP dev IFACE}. The
 * kernel accepts such a route only when PUBLICIP is on a connected prefix of IFACE; for a peer behind a router it
 * refuses, and flannel (route_network.go) logs "Error adding route to ..." and goes on with the other leases, so
 * that subnet simply has no route. Each route is applied on its own for that reason.
 */
public final class HostGwBackend {
    private final FlannelConfig config;
    private final Underlay underlay;
    private final Consumer<String> log;

    public HostGwBackend(FlannelConfig config, Underlay underlay, Consumer<String> log) {
        this.config = config;
        this.underlay = underlay;
        this.log = log;
    }

    /** host-gw's MTU is the interface's: nothing is encapsulated. */
    public int mtu() {
        return underlay.mtu();
    }

    /** The routes flannel wants: every other host-gw lease via its PublicIP on the underlay device. */
    public DesiredState desired(Lease own, Collection<Lease> leases) {
        List<Route> routes = new ArrayList<>();
        for (Lease l : leases) {
            if (l.subnet().equals(own.subnet()) || l.publicIp() == null) continue;
            if (!"host-gw".equals(l.backendType())) continue; // "Ignoring non-host-gw subnet"
            routes.add(Route.via(l.subnet(), l.publicIp(), underlay.dev(), 0));
        }
        return new DesiredState(null, null, routes, List.of(), List.of());
    }

    /** Adds what is missing, removes flannel's routes to subnets no lease holds; a refused route is logged, not fatal. */
    public void reconcile(HostNetwork host, DesiredState want) {
        Host actual = host.read();
        Map<String, Route> wanted = new HashMap<>();
        for (Route r : want.routes()) wanted.put(r.key(), r);
        for (Route r : actual.routes()) {
            if (ours(r) && !wanted.containsKey(r.key())) host.apply(List.of(new NetChange.DeleteRoute(r)));
        }
        Map<String, Route> have = new HashMap<>();
        for (Route r : actual.routes()) have.put(r.key(), r);
        for (Route r : want.routes()) {
            if (r.equals(have.get(r.key()))) continue;
            try {
                host.apply(List.of(new NetChange.ReplaceRoute(r)));
            } catch (HostNetworkException e) {
                log.accept("Error adding route to " + r.dst() + " via " + r.via() + " dev " + r.dev() + ": network is unreachable");
            }
        }
    }

    /** A route flannel's host-gw made: a subnet of the Network via a gateway on the underlay device. */
    private boolean ours(Route r) {
        return Route.MAIN.equals(r.table()) && r.type() == Route.Type.UNICAST && underlay.dev().equals(r.dev()) && r.via() != null
                && r.dst().length() == config.subnetLen() && config.network().contains(r.dst());
    }
}
