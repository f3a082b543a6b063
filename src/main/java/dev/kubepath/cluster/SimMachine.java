package dev.kubepath.cluster;

import dev.kubepath.flannel.OverlayAgent;
import dev.kubepath.flannel.subnet.SubnetEnv;
import dev.kubepath.host.HostNetwork;
import dev.kubepath.model.Daemon;
import dev.kubepath.model.Host;
import dev.kubepath.model.HostBuilder;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.proxy.ServiceProxy;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One simulated machine: its kernel ({@link HostNetwork}), what systemd knows of its units, and the daemons
 * running on it. {@link Daemons} starts and stops them; {@link Faults} breaks them.
 */
final class SimMachine {
    final SimCluster.HostSpec spec;
    final HostNetwork net;
    final Map<Daemon, Daemon.State> units = new EnumMap<>(Daemon.class);
    final DockerRuntime docker;
    /** containerd with flannel's CNI plugin on cni0, when the cluster runs it instead of docker (null: docker). */
    CniRuntime cni;
    Kubelet kubelet;
    ServiceProxy proxy;
    /** The process ids of the running kube-proxy and dockerd, which their journal lines carry. */
    int kubeProxyPid, dockerPid;
    OverlayAgent agent;
    /** The registry client {@link #agent} was started with. */
    dev.kubepath.flannel.registry.SubnetRegistry agentRegistry;
    boolean flanneldHung;
    boolean up = true;
    SubnetEnv subnetEnv;      // /run/flannel/subnet.env
    Prefix pinnedSubnet;
    Ipv4 publicIp;
    // what kube-proxy last synced from (SimCluster.settle skips a sync when none of the three changed)
    List<dev.kubepath.model.Service> proxiedServices;
    List<dev.kubepath.model.Endpoints> proxiedEndpoints;
    Host proxiedHost;
    ServiceProxy proxiedBy;             // flanneld's --public-ip; null: the address of eth0       // the subnet the next acquisition takes (replays follow the seed's numbers)

    SimMachine(SimCluster.HostSpec spec, Machines machinery, long seed) {
        this.spec = spec;
        this.net = machinery.boot(spec, bareHost(spec));
        DockerRuntime[] self = new DockerRuntime[1];
        this.pods = machinery.containers(spec, net,
                () -> cni != null ? cni.mtu() : self[0].options().map(BridgeOptions::mtu).orElse(1500));
        this.docker = new DockerRuntime(net, pods, new Random(seed ^ spec.name().hashCode()));
        self[0] = docker;
        units.put(Daemon.FLANNELD, Daemon.State.INACTIVE);
        units.put(Daemon.DOCKER, Daemon.State.INACTIVE);
        units.put(Daemon.KUBELET, spec.node() ? Daemon.State.INACTIVE : Daemon.State.NOT_FOUND);
        units.put(Daemon.KUBE_PROXY, spec.kubeProxy() ? Daemon.State.INACTIVE : Daemon.State.NOT_FOUND);
        units.put(Daemon.ETCD, spec.etcd() ? Daemon.State.ACTIVE : Daemon.State.NOT_FOUND);
    }

    /** Where pod sandboxes go: the kernel model, or real namespaces in the lab. */
    final ContainerTable pods;

    /** containerd replaces docker: docker is not installed, the CNI plugin makes cni0 on the first pod. */
    void useContainerd(long seed) {
        cni = new CniRuntime(net, pods, new Random(seed * 17 ^ spec.name().hashCode()), () -> java.util.Optional.ofNullable(subnetEnv));
        units.put(Daemon.DOCKER, Daemon.State.NOT_FOUND);
    }

    /** The runtime the kubelet drives. */
    PodRuntime runtime() {
        return cni != null ? cni : docker;
    }

    String name() {
        return spec.name();
    }

    /** The kernel of a freshly booted machine, as machinery boots it (every fact known: nothing else is there). */
    static Host bareHost(SimCluster.HostSpec s) {
        HostBuilder b = Host.builder(s.name()).knowAll();
        SimulatedMachines.copyInto(b, fresh(s));
        return b.build();
    }

    private static Host fresh(SimCluster.HostSpec s) {
        HostBuilder b = Host.builder(s.name()).knowAll();
        b.link(new Link("lo", new LinkKind.Loopback(), 65536, null, true, null));
        b.link(new Link("eth0", new LinkKind.Ethernet(), 1500, s.ethMac(), true, null));
        b.address(new IfAddress("lo", Ipv4.parse("127.0.0.1"), 8));
        b.address(new IfAddress("eth0", s.ip(), s.prefixLength()));
        Prefix lan = Prefix.of(s.ip(), s.prefixLength());
        if (s.gateway() != null) {
            b.route(new Route(Route.MAIN, Route.Type.UNICAST, Prefix.DEFAULT, s.gateway(), "eth0", false, 100, Route.Scope.UNIVERSE, null));
        }
        b.route(new Route(Route.MAIN, Route.Type.UNICAST, lan, null, "eth0", false, 100, Route.Scope.LINK, s.ip()));
        b.sysctl(Host.IP_FORWARD, "1");
        if (s.eth1() != null) {
            // a second NIC; its connected route ranks below eth0's, as NetworkManager numbers a second device
            b.link(new Link("eth1", new LinkKind.Ethernet(), 1500, null, true, null));
            b.address(s.eth1());
            b.route(new Route(Route.MAIN, Route.Type.UNICAST, Prefix.of(s.eth1().ip(), s.eth1().prefixLength()), null, "eth1", false,
                    SimCluster.HostSpec.ETH1_METRIC, Route.Scope.LINK, s.eth1().ip()));
            // a multi-homed host answers ARP for an address only on the device holding it (arp_ignore=1) and announces
            // from the device it sends by (arp_announce=2): else both NICs on one segment answer for both addresses
            // (ARP flux) and which device a peer's frames arrive on is chance
            b.sysctl("net.ipv4.conf.all.arp_ignore", "1");
            b.sysctl("net.ipv4.conf.all.arp_announce", "2");
        }
        return b.build();
    }
}
