package dev.kubepath.cluster;

import dev.kubepath.flannel.OverlayAgent;
import dev.kubepath.flannel.registry.EmbeddedRegistry;
import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.flannel.subnet.SubnetEnv;
import dev.kubepath.host.NetChange;
import dev.kubepath.model.Chain;
import dev.kubepath.model.Daemon;
import dev.kubepath.model.Host;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Rule;
import dev.kubepath.proxy.ServiceProxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * What each unit does when systemd starts or stops it on a simulated machine (flanneld, docker, the kubelet,
 * kube-proxy, etcd), and what {@code systemctl} prints about it.
 */
final class Daemons {
    private final SimCluster cluster;

    Daemons(SimCluster cluster) {
        this.cluster = cluster;
    }

    /** {@code systemctl ACTION UNIT}: what systemctl prints, and whether the cluster needs to settle after it. */
    record Outcome(String printed, boolean changed) {}

    Outcome systemctl(SimMachine m, String action, String unit) {
        Daemon d;
        try {
            d = Daemon.fromUnit(unit);
        } catch (IllegalArgumentException e) {
            return new Outcome("Unit " + unit.replaceFirst("\\.service$", "") + ".service could not be found.", false);
        }
        if (m.units.get(d) == Daemon.State.NOT_FOUND) {
            return new Outcome(switch (action) {
                case "status" -> "Unit " + d.unit() + ".service could not be found.";
                default -> "Failed to " + action + " " + d.unit() + ".service: Unit not found.";
            }, false);
        }
        switch (action) {
            case "stop" -> stop(m, d);
            case "start" -> start(m, d);
            case "restart" -> {
                stop(m, d);
                start(m, d);
            }
            case "status" -> {
                return new Outcome(status(m, d), false);
            }
            case "is-active" -> {
                return new Outcome(m.units.get(d).word(), false);
            }
            default -> throw new IllegalArgumentException("systemctl " + action + ": expected start, stop, restart, status or is-active");
        }
        return new Outcome("", true);
    }

    private static String status(SimMachine m, Daemon d) {
        Daemon.State s = m.units.get(d);
        String active = switch (s) {
            case ACTIVE -> "active (running)";
            case FAILED -> "failed (Result: exit-code)";
            default -> "inactive (dead)";
        };
        StringBuilder sb = new StringBuilder("● " + d.unit() + ".service\n   Loaded: loaded (/usr/lib/systemd/system/" + d.unit()
                + ".service; enabled; vendor preset: disabled)\n   Active: " + active + "\n");
        if (d == Daemon.FLANNELD && m.flanneldHung) sb.append("   (the process is alive but has stopped renewing its lease and watching etcd)\n");
        return sb.toString();
    }

    /** Boot order: etcd, flanneld (and its first lease), docker (which needs subnet.env), the kubelet, kube-proxy. */
    void startAll(SimMachine m) {
        if (m.spec.etcd()) start(m, Daemon.ETCD);
        start(m, Daemon.FLANNELD);
        settleAgent(m);
        start(m, Daemon.DOCKER);
        if (m.spec.node()) start(m, Daemon.KUBELET);
        if (m.spec.kubeProxy()) start(m, Daemon.KUBE_PROXY);
    }

    void start(SimMachine m, Daemon d) {
        if (!m.up || m.units.get(d) == Daemon.State.ACTIVE || m.units.get(d) == Daemon.State.NOT_FOUND) return;
        switch (d) {
            case FLANNELD -> startFlanneld(m);
            case DOCKER -> {
                if (m.subnetEnv == null) {
                    cluster.log(m.name() + ": docker: /run/flannel/subnet.env not found; docker waits for flanneld");
                    m.units.put(d, Daemon.State.FAILED);
                    return;
                }
                m.docker.start(new BridgeOptions(m.subnetEnv.subnet().address(1), m.subnetEnv.subnet().length(), m.subnetEnv.mtu()));
                m.dockerPid = pid(m, "dockerd");
                cluster.daemonJournals().dockerStarted(m.name(), m.dockerPid);
                if (m.spec.bridgeMac() != null) cluster.machinery().setMac(m.net, DockerRuntime.BRIDGE, m.spec.bridgeMac());
                m.units.put(d, Daemon.State.ACTIVE);
            }
            case KUBELET -> {
                m.kubelet = new Kubelet(m.name(), cluster.api(), m.runtime(), cluster.podEvents(), () -> cluster.clock().instant());
                m.units.put(d, Daemon.State.ACTIVE);
            }
            case KUBE_PROXY -> {
                SimCluster.ProxySettings p = m.spec.proxy() != null ? m.spec.proxy()
                        : new SimCluster.ProxySettings(cluster.spec().proxyMode(), cluster.flannel().network());
                m.proxy = new ServiceProxy(m.net, p.mode(), p.clusterCidr());
                m.kubeProxyPid = pid(m, "kube-proxy");
                cluster.daemonJournals().kubeProxyStarted(m.name(), m.kubeProxyPid, p.mode());
                m.units.put(d, Daemon.State.ACTIVE);
            }
            case ETCD -> {
                m.units.put(d, Daemon.State.ACTIVE);
                if (cluster.registry() instanceof EmbeddedRegistry e) {
                    e.setReachable(true);
                    e.expireDue(); // etcd drops the keys whose TTL ran out while it was down
                }
            }
        }
    }

    /** A daemon's process id under systemd: fixed by the seed, the host, the daemon and how much has happened (a restart gets another). */
    private int pid(SimMachine m, String daemon) {
        return 1000 + Math.floorMod(Long.hashCode(cluster.seed() * 31 + (m.name() + daemon).hashCode() + cluster.journalSize()), 30000);
    }

    private void startFlanneld(SimMachine m) {
        var flannel = cluster.flannel();
        Optional<SubnetEnv> previous = Optional.ofNullable(m.pinnedSubnet)
                .map(p -> SubnetEnv.of(flannel.network(), p, 1450, false))
                .or(() -> Optional.ofNullable(m.subnetEnv));
        m.pinnedSubnet = null;
        m.flanneldHung = false;
        SubnetRegistry registry = cluster.flannelClient(m.name());
        m.agentRegistry = registry;
        m.agent = new OverlayAgent(registry, m.net, OverlayAgent.Settings.flannel(m.spec.iface()).withPublicIp(m.publicIp), cluster.clock(),
                new Random(cluster.seed() * 31 + m.name().hashCode() + cluster.journalSize()), previous,
                env -> m.subnetEnv = env, cluster::log);
        boolean kubeSubnetMgr = cluster.registry() instanceof dev.kubepath.flannel.kube.KubeNodes;
        // in the DaemonSet flanneld is its container's process 1; under systemd a pid fixed by the seed and the restart
        int pid = kubeSubnetMgr ? 1 : 1000 + Math.floorMod(Long.hashCode(cluster.seed() * 31 + m.name().hashCode() + cluster.journalSize()), 30000);
        m.agent.onKlog(pid, kubeSubnetMgr, (severity, at, p, fileLine, message) -> cluster.podEvents().klog(m.name(), "flanneld", severity, at, p, fileLine, message));
        if (m.spec.vtepMac() != null && m.net.read().link("flannel.1").isEmpty()) {
            m.net.apply(new NetChange.AddLink(new Link("flannel.1", new LinkKind.Vxlan(flannel.vni(), flannel.port(),
                    m.spec.ifaceIp(), m.spec.iface(), false), 1450, m.spec.vtepMac(), true, null)));
        }
        m.units.put(Daemon.FLANNELD, Daemon.State.ACTIVE);
        settleAgent(m);
        openForwardForPodNetwork(m);
    }

    void stop(SimMachine m, Daemon d) {
        if (m.units.get(d) != Daemon.State.ACTIVE && m.units.get(d) != Daemon.State.FAILED) return;
        switch (d) {
            case FLANNELD -> {
                closeAgent(m);
                m.flanneldHung = false;
            }
            case DOCKER -> {
                m.docker.stop();
                cluster.daemonJournals().dockerStopped(m.name(), m.dockerPid);
            }
            case KUBELET -> m.kubelet = null;
            case KUBE_PROXY -> m.proxy = null; // its rules stay in the kernel, as they do when kube-proxy stops
            case ETCD -> {
                if (cluster.registry() instanceof EmbeddedRegistry e) e.setReachable(false);
            }
        }
        m.units.put(d, Daemon.State.INACTIVE);
    }

    /** Stops the agent, and its own client of the registry when it had one (the shared registry stays open). */
    private void closeAgent(SimMachine m) {
        if (m.agent != null) m.agent.close();
        m.agent = null;
        if (m.agentRegistry != null && m.agentRegistry != cluster.registry()) m.agentRegistry.close();
        m.agentRegistry = null;
    }

    /** Lets a running, responsive flanneld take in what the registry says; a revoked lease makes it exit. */
    void settleAgent(SimMachine m) {
        if (m.agent == null || m.flanneldHung) return;
        for (int i = 0; i < 3; i++) {
            OverlayAgent.State s = m.agent.step();
            if (s == OverlayAgent.State.STOPPED) {
                // flanneld exits ("Lease has been revoked"); systemd marks it failed, Restart= is not in the seed's unit
                m.units.put(Daemon.FLANNELD, Daemon.State.FAILED);
                closeAgent(m);
                return;
            }
        }
    }

    /** flannel's --iptables-forward-rules: accept the pod network in FORWARD, whose policy docker sets to DROP. */
    private void openForwardForPodNetwork(SimMachine m) {
        Host h = m.net.read();
        Chain current = h.chain("filter", "FORWARD").orElse(new Chain("filter", "FORWARD", "ACCEPT", List.of()));
        List<Rule> rules = new ArrayList<>(current.rules());
        for (Rule r : flannelForwardRules()) if (!rules.contains(r)) rules.add(r);
        m.net.apply(new NetChange.ReplaceChains("flannel", List.of(new Chain("filter", "FORWARD", current.policy(), rules))));
    }

    List<Rule> flannelForwardRules() {
        var network = cluster.flannel().network();
        return List.of(
                new Rule("FORWARD", Rule.Match.ANY.withSrc(network, false), new Rule.Target.Accept(), "flanneld forward", null),
                new Rule("FORWARD", Rule.Match.ANY.withDst(network, false), new Rule.Target.Accept(), "flanneld forward", null));
    }

    /**
     * The kernel of the seed's hosts (CentOS 7, 3.10): a bridge with no port reports MTU 1500; with ports, the
     * smallest port MTU, which is docker's --mtu on every container veth. Hence 03's empty docker0 shows 1500.
     */
    static void bridgeMtuFollowsPorts(SimMachine m) {
        if (!m.docker.running()) return;
        Host h = m.net.read();
        Optional<Link> bridge = h.link(DockerRuntime.BRIDGE);
        if (bridge.isEmpty()) return;
        boolean ports = h.containers().stream().anyMatch(c -> c.bridge().equals(DockerRuntime.BRIDGE));
        int want = ports ? m.docker.options().map(BridgeOptions::mtu).orElse(1500) : 1500;
        if (bridge.get().mtu() != want) m.net.apply(new NetChange.SetLinkMtu(DockerRuntime.BRIDGE, want));
    }
}
