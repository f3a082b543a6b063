package dev.kubepath.cluster;

import dev.kubepath.flannel.registry.EmbeddedRegistry;
import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.host.NetChange;
import dev.kubepath.model.Chain;
import dev.kubepath.model.Daemon;
import dev.kubepath.model.Host;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Rule;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The ways a simulated cluster breaks, as real clusters do: each changes daemons, kernels or the registry. */
public final class Faults {
    private final SimCluster cluster;
    private final Daemons daemons;

    Faults(SimCluster cluster, Daemons daemons) {
        this.cluster = cluster;
        this.daemons = daemons;
    }

    /** Carries out one fault, then lets the cluster settle. */
    public void inject(Fault fault) {
        switch (fault) {
            case Fault.HangFlanneld f -> hangFlanneld(f.host());
            case Fault.DeleteLease f -> deleteLease(f.subnet());
            case Fault.IpForward f -> setIpForward(f.host(), f.on());
            case Fault.ForwardDrop f -> dropForward(f.host());
            case Fault.VtepMac f -> corruptVtepMac(f.host(), f.mac());
            case Fault.Etcd f -> setRegistryReachable(f.up());
            case Fault.PowerOff f -> powerOff(f.host());
            case Fault.PowerOn f -> powerOn(f.host());
            case Fault.NewPodCidr f -> newPodCidr(f.host());
            case Fault.UnderlayDrop f -> dropVxlan(f.from(), f.to());
            case Fault.UnderlayMtu f -> cluster.machine(f.host()).net.apply(new NetChange.SetLinkMtu("eth0", f.mtu()));
            case Fault.PublicIp f -> announcePublicIp(f.host(), f.publicIp());
            case Fault.BrNetfilter f -> cluster.machine(f.host()).net.apply(new NetChange.SetSysctl(Host.BRIDGE_NF_CALL_IPTABLES, f.on() ? "1" : "0"));
            case Fault.RpFilter f -> cluster.machine(f.host()).net.apply(new NetChange.SetSysctl(Host.RP_FILTER_ALL, String.valueOf(f.mode())));
            case Fault.Hairpin f -> cluster.machine(f.host()).runtime().hairpin(f.on());
        }
        cluster.settle();
    }

    /** flanneld keeps running but does nothing: no renewals, no watch, no route changes (the seed's mcwk8s05). */
    public void hangFlanneld(String host) {
        cluster.machine(host).flanneldHung = true;
        cluster.log(host + ": flanneld stops responding (process alive, no renewals, no watch)");
    }

    /** The host goes down: every daemon stops, the kernel state and /run (subnet.env) are gone. */
    public void powerOff(String host) {
        SimMachine m = cluster.machine(host);
        for (Daemon d : Daemon.values()) daemons.stop(m, d);
        m.up = false;
        m.subnetEnv = null;
        cluster.machinery().reset(m.net, SimMachine.bareHost(m.spec));
        cluster.log(host + ": powered off");
    }

    /**
     * {@code kubectl delete node HOST}, and its kubelet registers it again: the controller manager allocates a new
     * podCIDR (the old one is still held while the delete is processed), flanneld (its kube-flannel pod goes with the
     * node) restarts and annotates the node with the new subnet. The pods already on the node keep running on cni0
     * with their old addresses, and cni0 keeps the old gateway address.
     */
    public void newPodCidr(String host) {
        if (!(cluster.registry() instanceof dev.kubepath.flannel.kube.KubeNodes kube)) {
            throw new IllegalArgumentException("new-podcidr needs flannel's kube subnet manager (registry: kube)");
        }
        SimMachine m = cluster.machine(host);
        var node = kube.reregister(host);
        cluster.api().nodes().stream().filter(n -> n.name().equals(host)).findFirst().ifPresent(n -> {
            cluster.api().removeNode(host);
            cluster.api().addNode(new dev.kubepath.model.Node(n.name(), n.internalIp(), n.ready(), node.podCidr(), n.kubeletVersion()));
        });
        cluster.log(host + ": node re-registered; the controller manager allocated podCIDR " + node.podCidr());
        daemons.stop(m, Daemon.FLANNELD);
        daemons.start(m, Daemon.FLANNELD);
    }

    /** The host boots: its enabled units start in order. */
    public void powerOn(String host) {
        SimMachine m = cluster.machine(host);
        m.up = true;
        cluster.log(host + ": booted");
        daemons.startAll(m);
        cluster.settle();
    }

    /** A lease removed from the registry by hand (or lost with etcd's data). */
    public void deleteLease(Prefix subnet) {
        try {
            cluster.registry().deleteLease(subnet);
        } catch (dev.kubepath.flannel.registry.LeaseNotFoundException e) {
            // as 'etcdctl rm' of a missing key: an error line, and nothing changes (subnets are drawn at random)
            cluster.log("no lease for " + subnet + " in the registry: nothing deleted");
            return;
        }
        cluster.settle();
    }

    public void setIpForward(String host, boolean on) {
        cluster.machine(host).net.apply(new NetChange.SetSysctl(Host.IP_FORWARD, on ? "1" : "0"));
    }

    /** FORWARD policy DROP without flannel's accept rules for the pod network. */
    public void dropForward(String host) {
        SimMachine m = cluster.machine(host);
        Chain c = m.net.read().chain("filter", "FORWARD").orElse(new Chain("filter", "FORWARD", "DROP", List.of()));
        List<Rule> rules = new ArrayList<>(c.rules());
        rules.removeAll(daemons.flannelForwardRules());
        m.net.apply(new NetChange.ReplaceChains("fault", List.of(new Chain("filter", "FORWARD", "DROP", rules))));
    }

    /**
     * {@code to}'s host firewall drops UDP to the VXLAN port from {@code from}'s address: one rule at the head of
     * filter INPUT, where an operator's firewall (or a security group's host-side twin) puts it.
     */
    public void dropVxlan(String from, String to) {
        SimMachine m = cluster.machine(to);
        var source = Prefix.of(cluster.machine(from).spec.ip(), 32);
        Rule drop = new Rule("INPUT", Rule.Match.ANY.withSrc(source, false).withPort(Protocol.UDP, cluster.flannel().port()),
                new Rule.Target.Drop(), null, null);
        Chain c = m.net.read().chain("filter", "INPUT").orElse(new Chain("filter", "INPUT", "ACCEPT", List.of()));
        List<Rule> rules = new ArrayList<>(c.rules());
        if (!rules.contains(drop)) rules.addFirst(drop);
        m.net.apply(new NetChange.ReplaceChains("fault", List.of(new Chain("filter", "INPUT", c.policy(), rules))));
        cluster.log(to + ": host firewall drops UDP " + cluster.flannel().port() + " from " + from);
    }

    /** flanneld restarts announcing {@code ip} as its PublicIP, as with a wrong --iface or --public-ip. */
    public void announcePublicIp(String host, Ipv4 ip) {
        SimMachine m = cluster.machine(host);
        m.publicIp = ip;
        cluster.log(host + ": flanneld is restarted with --public-ip=" + ip);
        daemons.stop(m, Daemon.FLANNELD);
        daemons.start(m, Daemon.FLANNELD);
    }

    /** The lease of this host's subnet is rewritten with a wrong VtepMAC, as a bad manual edit of etcd would. */
    public void corruptVtepMac(String host, Mac wrong) {
        SubnetRegistry registry = cluster.registry();
        var ip = cluster.machine(host).spec.ip();
        Lease own = registry.getLeases().leases().stream().filter(l -> l.publicIp().equals(ip)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(host + " holds no lease"));
        registry.deleteLease(own.subnet());
        registry.createLease(new Lease(own.subnet(), own.publicIp(), own.backendType(), wrong, null), Duration.ofHours(24));
        hangFlanneld(host); // its own agent would otherwise notice the loss of the original lease and rewrite it
        cluster.settle();
    }

    /** etcd cannot be reached by any flanneld (only the embedded registry can be cut off). */
    public void setRegistryReachable(boolean reachable) {
        if (!(cluster.registry() instanceof EmbeddedRegistry e)) {
            throw new IllegalArgumentException("only the embedded registry can be made unreachable");
        }
        e.setReachable(reachable);
        cluster.settle();
    }
}
