package dev.kubepath.host.linux;

import dev.kubepath.host.NetChange;
import dev.kubepath.lab.Lab;
import dev.kubepath.lab.Underlay;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.util.List;

/**
 * Two flannel hosts on one underlay, as the seed cluster had them: host-a 10.0.0.1 owns 172.17.1.0/24, host-b
 * 10.0.0.2 owns 172.17.2.0/24; each has flannel.1, a docker0 bridge at subnet.1 and one pod at subnet.2.
 * Everything is programmed through {@link LinuxHost#apply}; the flannel entries for the peer are separate so
 * that tests can leave one out.
 */
final class FlannelPair implements AutoCloseable {
    static final Mac VTEP_A = Mac.parse("0a:00:00:00:00:0a");
    static final Mac VTEP_B = Mac.parse("0a:00:00:00:00:0b");

    final Lab lab = new Lab();
    final Underlay underlay;
    final Side a;
    final Side b;

    record Side(LinuxHost host, Netns pod, Ipv4 publicIp, Prefix subnet, Mac vtep) {
        Ipv4 vtepIp() { return subnet.address(0); }
        Ipv4 bridgeIp() { return subnet.address(1); }
        Ipv4 podIp() { return subnet.address(2); }
    }

    FlannelPair() {
        try {
            underlay = new Underlay(lab);
            a = side("a", Ipv4.parse("10.0.0.1"), Prefix.parse("172.17.1.0/24"), VTEP_A);
            b = side("b", Ipv4.parse("10.0.0.2"), Prefix.parse("172.17.2.0/24"), VTEP_B);
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private Side side(String name, Ipv4 publicIp, Prefix subnet, Mac vtep) {
        Netns ns = lab.namespace("host-" + name);
        Netns pod = lab.namespace("pod-" + name);
        underlay.attach(ns, "eth0", publicIp, 24);
        LinuxHost host = new LinuxHost("host-" + name, ns);
        Side s = new Side(host, pod, publicIp, subnet, vtep);
        host.apply(List.of(
                new NetChange.AddLink(new Link("flannel.1", new LinkKind.Vxlan(1, 8472, publicIp, "eth0", false), 1450, vtep, true, null)),
                new NetChange.AddAddress(new IfAddress("flannel.1", s.vtepIp(), 32)),
                new NetChange.AddLink(new Link("docker0", new LinkKind.Bridge(), 1450, null, true, null)),
                new NetChange.AddAddress(new IfAddress("docker0", s.bridgeIp(), 24)),
                new NetChange.AddLink(new Link("veth0", new LinkKind.Veth(pod.name() + "/eth0"), 1450, null, true, "docker0")),
                new NetChange.SetSysctl(Host.IP_FORWARD, "1")));
        pod.ip("addr", "add", s.podIp() + "/24", "dev", "eth0").orThrow();
        pod.ip("link", "set", "eth0", "up").orThrow();
        pod.ip("route", "add", "default", "via", s.bridgeIp().toString()).orThrow();
        return s;
    }

    /** What flannel's vxlan backend writes on {@code on} for the peer's lease. */
    static List<NetChange> flannelEntries(Side peer) {
        return List.of(neighbour(peer), fdb(peer), route(peer));
    }

    static NetChange neighbour(Side peer) {
        return new NetChange.ReplaceNeighbour(new Neighbour(peer.vtepIp(), "flannel.1", peer.vtep(), Neighbour.State.PERMANENT));
    }

    static NetChange fdb(Side peer) {
        return new NetChange.ReplaceFdb(new FdbEntry(peer.vtep(), "flannel.1", peer.publicIp(), true));
    }

    static NetChange route(Side peer) {
        return new NetChange.ReplaceRoute(Route.onlink(peer.subnet(), peer.vtepIp(), "flannel.1"));
    }

    void connect() {
        a.host().apply(flannelEntries(b));
        b.host().apply(flannelEntries(a));
    }

    static CommandResult ping(Netns from, Ipv4 to) {
        return from.exec("ping", "-c1", "-W1", to.toString());
    }

    @Override
    public void close() {
        lab.close();
    }
}
