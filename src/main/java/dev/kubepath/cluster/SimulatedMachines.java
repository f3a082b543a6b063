package dev.kubepath.cluster;

import dev.kubepath.host.HostNetwork;
import dev.kubepath.host.SimulatedHost;
import dev.kubepath.model.Host;
import dev.kubepath.model.HostBuilder;
import dev.kubepath.model.Link;
import dev.kubepath.net.Mac;

import java.util.function.IntSupplier;

/** Hosts held in memory ({@link SimulatedHost}); pods are written into the host model. */
final class SimulatedMachines implements Machines {
    @Override
    public HostNetwork boot(SimCluster.HostSpec spec, Host fresh) {
        return new SimulatedHost(fresh);
    }

    @Override
    public ContainerTable containers(SimCluster.HostSpec spec, HostNetwork host, IntSupplier mtu) {
        return ContainerTable.of(sim(host));
    }

    @Override
    public void setMac(HostNetwork host, String link, Mac mac) {
        sim(host).edit(b -> {
            Link l = b.links.stream().filter(x -> x.name().equals(link)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(host.name() + ": no link " + link));
            return b.link(new Link(l.name(), l.kind(), l.mtu(), mac, l.up(), l.master()));
        });
    }

    @Override
    public void reset(HostNetwork host, Host fresh) {
        sim(host).edit(b -> copyInto(b, fresh));
    }

    private static SimulatedHost sim(HostNetwork h) {
        if (h instanceof SimulatedHost s) return s;
        throw new IllegalArgumentException(h.name() + " is not a simulated host");
    }

    static HostBuilder copyInto(HostBuilder b, Host h) {
        b.links.clear();
        b.links.addAll(h.links());
        b.addresses.clear();
        b.addresses.addAll(h.addresses());
        b.routes.clear();
        b.routes.addAll(h.routes());
        b.neighbours.clear();
        b.fdb.clear();
        b.virtualServers.clear();
        b.chains.clear();
        b.containers.clear();
        b.sysctls.clear();
        b.sysctls.putAll(h.sysctls());
        return b.knowAll();
    }
}
