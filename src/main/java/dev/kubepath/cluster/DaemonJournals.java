package dev.kubepath.cluster;

import dev.kubepath.model.Service;
import dev.kubepath.proxy.ProxyMode;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The lines kube-proxy and dockerd write to their journals, as they happen on a simulated machine. Only lines whose
 * wording comes from the daemons' sources, with file:line as public logs of the same releases show them, are
 * written (src/test/resources/shell/journalctl/SOURCE.md names each); the real daemons write more.
 *
 * <p>kube-proxy v1.15 (the seed's nodes run v1.15.12), glog's layout: at start {@code Using ipvs Proxier.}
 * (server_others.go:170) or {@code Using iptables Proxier.} (server_others.go:143), in IPVS mode the warning
 * {@code IPVS scheduler not specified, use rr by default} (proxier.go:401), then {@code Version: v1.15.12}
 * (server.go:534); on each sync, for each service port it did not have, {@code Adding new service port "NS/NAME:PORT"
 * at IP:PORT/PROTO} and for each it no longer has {@code Removing service port "NS/NAME:PORT"} (pkg/proxy/service.go,
 * klog V(1): the simulated kube-proxy is taken to run with {@code --v=1}, as the simulated flanneld with -v=1).
 * Headless services are skipped, as kube-proxy skips them. In nftables mode (kube-proxy 1.29 and later, structured
 * logs) nothing is written: those texts are not simulated.
 *
 * <p>dockerd 20.10.21 (the seed's), logrus's text format under systemd: {@code time="RFC3339Nano" level=info
 * msg="..."}. At start: Starting up, Loading containers: start./done., Docker daemon (commit, graph driver,
 * version), Daemon has completed initialization, API listen on /var/run/docker.sock. At stop: Processing signal
 * 'terminated', stopping event stream following graceful shutdown, Daemon shutdown complete. docker0 takes
 * subnet.env's FLANNEL_SUBNET as {@code --bip}, and with {@code --bip} set dockerd writes no line about the bridge's
 * address (moby daemon_unix.go logs "Default bridge (docker0) is assigned with an IP address ..." only without it).
 */
final class DaemonJournals {
    static final String KUBE_PROXY_VERSION = "v1.15.12";
    /** docker 20.10.21's git commit, as {@code docker version} prints it. */
    static final String DOCKER_COMMIT = "3056208";
    static final String DOCKER_VERSION = "20.10.21";

    private final PodEvents journals;
    private final Supplier<Instant> clock;
    /** Per machine, the service ports its running kube-proxy holds, by ServicePortName ("ns/name:port"). */
    private final Map<String, Map<String, String>> proxied = new LinkedHashMap<>();

    DaemonJournals(PodEvents journals, Supplier<Instant> clock) {
        this.journals = journals;
        this.clock = clock;
    }

    /** kube-proxy started on {@code node} with process id {@code pid}. */
    void kubeProxyStarted(String node, int pid, ProxyMode mode) {
        proxied.put(node, new LinkedHashMap<>());
        if (mode == ProxyMode.NFTABLES) return;
        Instant now = clock.get();
        if (mode == ProxyMode.IPVS) {
            kubeProxy(node, 'I', now, pid, "server_others.go:170", "Using ipvs Proxier.");
            kubeProxy(node, 'W', now, pid, "proxier.go:401", "IPVS scheduler not specified, use rr by default");
        } else {
            kubeProxy(node, 'I', now, pid, "server_others.go:143", "Using iptables Proxier.");
        }
        kubeProxy(node, 'I', now, pid, "server.go:534", "Version: " + KUBE_PROXY_VERSION);
    }

    /** A sync of kube-proxy on {@code node}: the service ports it gained and lost since its last one. */
    void kubeProxySynced(String node, int pid, ProxyMode mode, List<Service> services) {
        Map<String, String> before = proxied.computeIfAbsent(node, k -> new LinkedHashMap<>());
        Map<String, String> now = servicePorts(services);
        proxied.put(node, now);
        if (mode == ProxyMode.NFTABLES) return;
        Instant at = clock.get();
        now.forEach((name, info) -> {
            if (!info.equals(before.get(name))) {
                boolean known = before.containsKey(name);
                kubeProxy(node, 'I', at, pid, known ? SERVICE_GO_UPDATING : SERVICE_GO_ADDING,
                        (known ? "Updating existing service port \"" : "Adding new service port \"") + name + "\" at " + info);
            }
        });
        for (String name : before.keySet()) {
            if (!now.containsKey(name)) kubeProxy(node, 'I', at, pid, SERVICE_GO_REMOVING, "Removing service port \"" + name + "\"");
        }
    }

    /** The service list the last sync was given, and its service ports: every node's kube-proxy is given the same. */
    private List<Service> lastServices;
    private Map<String, String> lastPorts;

    /**
     * The service ports of {@code services} by ServicePortName, to IP:PORT/PROTO: one unmodifiable map shared by every
     * node given the same list (a map per node was 1,000 entries x 5,000 nodes of the same Strings).
     */
    private Map<String, String> servicePorts(List<Service> services) {
        if (services == lastServices) return lastPorts;
        Map<String, String> ports = new LinkedHashMap<>();
        for (Service s : services) {
            if (s.headless()) continue;
            for (Service.Port p : s.ports()) {
                ports.put(s.key() + ":" + (p.name() == null ? "" : p.name()), s.clusterIp() + ":" + p.port() + "/" + p.protocol().name());
            }
        }
        lastServices = services;
        lastPorts = java.util.Collections.unmodifiableMap(ports);
        return lastPorts;
    }

    /**
     * pkg/proxy/service.go: "Adding new service port" at line 309, as a public journal of kube-proxy under systemd
     * shows it; no public log found shows the other two, so their lines are 309 plus their distance from it in
     * ServiceMap.merge and unmerge of the klog releases (+2 and +25, read in kubernetes/kubernetes): inferred.
     */
    static final String SERVICE_GO_ADDING = "service.go:309", SERVICE_GO_UPDATING = "service.go:311", SERVICE_GO_REMOVING = "service.go:334";

    private void kubeProxy(String node, char severity, Instant at, int pid, String fileLine, String message) {
        journals.klog(node, "kube-proxy", severity, at, pid, fileLine, message);
    }

    void dockerStarted(String node, int pid) {
        systemd(node, "Starting Docker Application Container Engine...");
        docker(node, pid, "msg=\"Starting up\"");
        docker(node, pid, "msg=\"Loading containers: start.\"");
        docker(node, pid, "msg=\"Loading containers: done.\"");
        docker(node, pid, "msg=\"Docker daemon\" commit=" + DOCKER_COMMIT + " graphdriver(s)=overlay2 version=" + DOCKER_VERSION);
        docker(node, pid, "msg=\"Daemon has completed initialization\"");
        docker(node, pid, "msg=\"API listen on /var/run/docker.sock\"");
        systemd(node, "Started Docker Application Container Engine.");
    }

    void dockerStopped(String node, int pid) {
        systemd(node, "Stopping Docker Application Container Engine...");
        docker(node, pid, "msg=\"Processing signal 'terminated'\"");
        docker(node, pid, "msg=\"stopping event stream following graceful shutdown\" error=\"<nil>\" module=libcontainerd namespace=moby");
        docker(node, pid, "msg=\"Daemon shutdown complete\"");
        systemd(node, "Stopped Docker Application Container Engine.");
    }

    /** systemd's own lines in the unit's journal as it starts and stops it (the unit's Description, docker.service's). */
    private void systemd(String node, String message) {
        journals.systemd(node, "docker", clock.get(), message);
    }

    /**
     * One dockerd line, kept as {@code INSTANT IDENT[PID]: MESSAGE}: the journal's time and the syslog identifier
     * (dockerd, not the unit's name) are not in a logrus line, as they are in a klog line.
     */
    private void docker(String node, int pid, String fields) {
        journals.dockerd(node, clock.get(), pid, fields);
    }

    /** Go's time.RFC3339Nano in UTC, as logrus stamps a line: the fraction's trailing zeros dropped, none when whole. */
    static String rfc3339Nano(Instant at) {
        String frac = at.getNano() == 0 ? "" : ("." + String.format(java.util.Locale.ROOT, "%09d", at.getNano())).replaceAll("0+$", "");
        return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", java.util.Locale.ROOT).withZone(java.time.ZoneOffset.UTC).format(at) + frac + "Z";
    }
}
