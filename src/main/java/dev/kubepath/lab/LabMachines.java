package dev.kubepath.lab;

import dev.kubepath.cluster.ContainerTable;
import dev.kubepath.cluster.Machines;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.host.HostNetwork;
import dev.kubepath.host.NetChange;
import dev.kubepath.host.linux.LinuxHost;
import dev.kubepath.host.linux.Netns;
import dev.kubepath.model.Host;
import dev.kubepath.model.Link;
import dev.kubepath.model.Route;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import dev.kubepath.proxy.ProxyMode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The cluster's machines as network namespaces of one {@link Lab}: an underlay namespace with bridge br0 (and the
 * gateways, which route between the underlay subnets and drop the rest), per host a namespace whose eth0 is a veth to br0 with the
 * scenario's address and MAC, per pod a namespace on the host's docker0 ({@link LabPods}).
 */
public final class LabMachines implements Machines {
    private final Lab lab;
    private final Underlay underlay;
    private final Prefix podNetwork;
    /** The cluster's kube-proxy mode; a host's own ProxySettings override it. */
    private final ProxyMode proxyMode;
    private final Map<String, LabHost> hosts = new LinkedHashMap<>();
    private final LabDns dns;
    /** The gateway addresses already on br0: one per underlay subnet, routing between them (Underlay#gateway). */
    private final java.util.Set<dev.kubepath.net.Ipv4> gateways = new java.util.HashSet<>();

    /**
     * @param podNetwork flannel's Network: kube-proxy does not masquerade service traffic from it.
     * @param proxyMode  the cluster's kube-proxy mode: in iptables mode table nat goes to the kernel with iptables-restore
     */
    public LabMachines(Lab lab, Prefix podNetwork, ProxyMode proxyMode) {
        this.lab = lab;
        this.podNetwork = podNetwork;
        this.proxyMode = proxyMode;
        this.underlay = new Underlay(lab);
        this.dns = new LabDns(lab);
    }

    /** The records the lab's CoreDNS pods serve. */
    LabDns dns() {
        return dns;
    }

    public Lab lab() {
        return lab;
    }

    public Underlay underlay() {
        return underlay;
    }

    public synchronized LabHost host(String name) {
        LabHost h = hosts.get(name);
        if (h == null) throw new IllegalArgumentException("unknown lab host '" + name + "' (hosts: " + String.join(", ", hosts.keySet()) + ")");
        return h;
    }

    @Override
    public synchronized HostNetwork boot(SimCluster.HostSpec spec, Host fresh) {
        if (spec.gateway() != null && gateways.add(spec.gateway())) underlay.gateway(spec.gateway(), spec.prefixLength());
        Netns ns = lab.namespace(spec.name());
        underlay.attach(ns, "eth0", spec.ip(), spec.prefixLength(), spec.ethMac());
        // a second NIC: a second veth into br0 (the same segment; the host's arp_ignore and arp_announce, set with
        // the other sysctls below, keep each address answered by its own NIC)
        if (spec.eth1() != null) underlay.attach(ns, "eth1", spec.eth1().ip(), spec.eth1().prefixLength(), null, SimCluster.HostSpec.ETH1_METRIC);
        ProxyMode mode = spec.proxy() != null ? spec.proxy().mode() : proxyMode;
        boolean natInKernel = spec.kubeProxy() && mode == ProxyMode.IPTABLES;
        LinuxHost linux = new LinuxHost(spec.name(), ns, podNetwork, natInKernel);
        List<NetChange> boot = new ArrayList<>();
        for (Route r : fresh.routes()) if (r.dst().equals(Prefix.DEFAULT)) boot.add(new NetChange.ReplaceRoute(r));
        fresh.sysctls().forEach((k, v) -> boot.add(new NetChange.SetSysctl(k, v)));
        // the kernel answers at most 6 rejected packets a destination, then 1 a second (icmp_ratelimit 1000 ms):
        // lab verify sends a pod's flows to rejected services in bursts, and the 7th port-unreachable not sent
        // turned a refused curl into a timeout; the simulator models no ICMP rate limit, so the lab's hosts have none
        boot.add(new NetChange.SetSysctl("net.ipv4.icmp_ratelimit", "0"));
        linux.apply(boot);
        LabHost host = new LabHost(linux);
        hosts.put(spec.name(), host);
        return host;
    }

    @Override
    public synchronized ContainerTable containers(SimCluster.HostSpec spec, HostNetwork host, IntSupplier mtu) {
        LabHost h = (LabHost) host;
        LabPods table = new LabPods(lab, h.linux(), spec.name(), mtu, dns);
        h.usePods(table);
        return table;
    }

    @Override
    public void setMac(HostNetwork host, String link, Mac mac) {
        ((LabHost) host).netns().ip("link", "set", link, "address", mac.toString()).orThrow();
        ((LabHost) host).changed();
    }

    @Override
    public void reset(HostNetwork host, Host fresh) {
        LabHost h = (LabHost) host;
        Host now = h.linux().read();
        List<NetChange> changes = new ArrayList<>();
        for (Link l : now.links()) {
            // a veth's host end goes with its pod's namespace; deleting it here would race with that
            if (fresh.link(l.name()).isEmpty() && !(l.kind() instanceof dev.kubepath.model.LinkKind.Veth)) changes.add(new NetChange.DeleteLink(l.name()));
        }
        fresh.sysctls().forEach((k, v) -> changes.add(new NetChange.SetSysctl(k, v)));
        h.linux().apply(changes);
        h.linux().forgetTables();
        h.changed();
    }

    @Override
    public boolean concurrent() {
        return true;
    }

    @Override
    public void close() {
        lab.close();
    }
}
