package dev.kubepath.cluster;

import dev.kubepath.flannel.subnet.SubnetEnv;
import dev.kubepath.host.HostNetwork;
import dev.kubepath.host.NetChange;
import dev.kubepath.model.Container;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Route;
import dev.kubepath.model.Socket;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * containerd with flannel's CNI plugin ({@link FlannelCni}): nothing is configured when containerd starts. On every
 * pod sandbox the plugin reads /run/flannel/subnet.env, and its bridge delegate creates {@code cni0} with the
 * subnet's .1 on the first pod (hairpin mode on each port), or checks that an existing cni0 holds exactly that
 * address. After the node's subnet changed (a new podCIDR), cni0 keeps the old address: every new sandbox then fails
 * with the bridge plugin's "failed to set bridge addr: "cni0" already has an IP address different from ..." while
 * the pods already running keep working. Deleting cni0 lets the next sandbox create it afresh.
 */
public final class CniRuntime implements PodRuntime {
    private final HostNetwork host;
    private final ContainerTable table;
    private final RandomGenerator random;
    private final Supplier<Optional<SubnetEnv>> subnetEnv;
    private final Map<String, Container> containers = new LinkedHashMap<>();
    private final Map<String, DockerRuntime.PodSpecOnHost> pods = new LinkedHashMap<>();
    private final Map<String, String> failures = new HashMap<>();
    private int mtu = 1500;
    /** flannel's conflist sets hairpinMode: true for the bridge plugin (whose own default is false). */
    private boolean hairpin = true;

    public CniRuntime(HostNetwork host, ContainerTable table, RandomGenerator random, Supplier<Optional<SubnetEnv>> subnetEnv) {
        this.host = host;
        this.table = table;
        this.random = random;
        this.subnetEnv = subnetEnv;
    }

    /** The MTU the plugin gave cni0 and the pod veths (FLANNEL_MTU). */
    public synchronized int mtu() {
        return mtu;
    }

    @Override
    public synchronized Optional<Container> runPod(DockerRuntime.PodSpecOnHost pod) {
        pods.put(pod.key(), pod);
        Container c = containers.get(pod.key());
        if (c != null) return Optional.of(c);
        String sandbox = sandboxId();
        try {
            c = add(pod);
        } catch (AddFailed e) {
            failures.put(pod.key(), "failed to setup network for sandbox \"" + sandbox + "\": plugin type=\"flannel\" failed (add): " + e.getMessage());
            return Optional.empty();
        }
        failures.remove(pod.key());
        containers.put(pod.key(), c);
        table.replace(FlannelCni.BRIDGE, List.copyOf(containers.values()));
        return Optional.of(c);
    }

    /** Why the pod's last sandbox failed, as containerd reports it to the kubelet; empty when it did not. */
    public synchronized Optional<String> failure(String podKey) {
        return Optional.ofNullable(failures.get(podKey));
    }

    @Override
    public synchronized void removePod(String podKey) {
        pods.remove(podKey);
        failures.remove(podKey);
        if (containers.remove(podKey) != null) table.replace(FlannelCni.BRIDGE, List.copyOf(containers.values()));
    }

    @Override
    public synchronized List<String> podKeys() {
        return List.copyOf(pods.keySet());
    }

    @Override
    public synchronized Map<String, Container> containers() {
        return Map.copyOf(containers);
    }

    @Override
    public synchronized void hairpin(boolean on) {
        hairpin = on;
        containers.replaceAll((k, c) -> c.withHairpin(on));
        if (!containers.isEmpty()) table.replace(FlannelCni.BRIDGE, List.copyOf(containers.values()));
    }

    private static final class AddFailed extends Exception {
        AddFailed(String message) {
            super(message);
        }
    }

    /** One CNI ADD: the flannel plugin reads subnet.env and delegates to bridge with host-local IPAM. */
    private Container add(DockerRuntime.PodSpecOnHost pod) throws AddFailed {
        SubnetEnv env = subnetEnv.get().orElseThrow(() -> new AddFailed("open " + SubnetEnv.FILE + ": no such file or directory"));
        Prefix subnet = env.subnet();
        IfAddress gateway = new IfAddress(FlannelCni.BRIDGE, subnet.address(1), subnet.length());
        Host h = host.read();
        List<NetChange> changes = new ArrayList<>();
        if (h.link(FlannelCni.BRIDGE).isEmpty()) {
            changes.add(new NetChange.AddLink(new Link(FlannelCni.BRIDGE, new LinkKind.Bridge(), env.mtu(), randomMac(), true, null)));
            // a cni0 deleted under running pods took their veths' bridge with it: those sandboxes are gone, and the
            // kubelet's next sync gives them new ones (on a real node, once the pods are deleted)
            if (!containers.isEmpty()) {
                containers.clear();
                table.replace(FlannelCni.BRIDGE, List.of());
            }
        } else {
            for (IfAddress a : h.addresses()) {
                if (a.dev().equals(FlannelCni.BRIDGE) && !a.equals(gateway)) {
                    throw new AddFailed("failed to delegate add: failed to set bridge addr: \"" + FlannelCni.BRIDGE
                            + "\" already has an IP address different from " + gateway.ip() + "/" + gateway.prefixLength());
                }
            }
        }
        if (!h.addresses().contains(gateway)) {
            changes.add(new NetChange.AddAddress(gateway));
            changes.add(new NetChange.ReplaceRoute(new Route(Route.MAIN, Route.Type.UNICAST, subnet, null, FlannelCni.BRIDGE,
                    false, 0, Route.Scope.LINK, gateway.ip())));
        }
        if (!changes.isEmpty()) host.apply(changes);
        mtu = env.mtu();
        Ipv4 ip = allocate(subnet);
        List<Socket> listeners = pod.workload().sockets();
        return new Container(pod.name(), ip, subnet.length(), randomMac(), FlannelCni.BRIDGE, listeners, pod.workload().server(), hairpin);
    }

    /** host-local IPAM: the lowest free address from .2 (the gateway .1 is the bridge's). */
    private Ipv4 allocate(Prefix subnet) throws AddFailed {
        for (int i = 2; i < subnet.size() - 1; i++) {
            Ipv4 ip = subnet.address(i);
            if (containers.values().stream().noneMatch(c -> c.ip().equals(ip))) return ip;
        }
        throw new AddFailed("failed to delegate add: failed to allocate for range 0: no IP addresses available in range set: "
                + subnet.address(1) + "-" + subnet.address((int) subnet.size() - 2));
    }

    /** A locally administered unicast MAC, as the kernel gives a new bridge or veth. */
    private Mac randomMac() {
        long bits = random.nextLong() & 0xFFFF_FFFF_FFFFL;
        return new Mac((bits | 0x0200_0000_0000L) & ~0x0100_0000_0000L);
    }

    private String sandboxId() {
        StringBuilder sb = new StringBuilder(64);
        while (sb.length() < 64) sb.append(String.format(Locale.ROOT, "%016x", random.nextLong()));
        return sb.substring(0, 64);
    }
}
