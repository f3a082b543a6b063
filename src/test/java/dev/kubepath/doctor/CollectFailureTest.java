package dev.kubepath.doctor;

import dev.kubepath.ingest.BundleReader;
import dev.kubepath.model.Facet;
import dev.kubepath.model.Host;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * collect.sh when a tool fails: stand-ins on PATH answer as the real tools do on a node (in their own formats), and
 * one of them exits non-zero after printing a first line, as a tool that dies half-way does. Its files are left out
 * (never kept with a header only), the facet stays unknown, and the doctor says so instead of reporting it missing.
 */
class CollectFailureTest {
    /** What each working stand-in prints, by tool and arguments (the node mcwk8s05 of the seed, with its lease). */
    static final Map<String, String> TOOLS = Map.of(
            "ip", """
                    case "$*" in
                    "addr show") cat <<'E'
                    1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
                        link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
                        inet 127.0.0.1/8 scope host lo
                           valid_lft forever preferred_lft forever
                    2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP group default qlen 1000
                        link/ether 00:16:3e:00:00:35 brd ff:ff:ff:ff:ff:ff
                        inet 10.0.0.35/24 brd 10.0.0.255 scope global eth0
                           valid_lft forever preferred_lft forever
                    E
                    ;;
                    "-d link show") cat <<'E'
                    1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000
                        link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0 minmtu 0 maxmtu 0
                    2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP mode DEFAULT group default qlen 1000
                        link/ether 00:16:3e:00:00:35 brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 68 maxmtu 65535
                    E
                    ;;
                    "route show table all") cat <<'E'
                    default via 10.0.0.254 dev eth0 proto static metric 100
                    10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.35 metric 100
                    E
                    ;;
                    "neigh show") echo "10.0.0.254 dev eth0 lladdr 00:16:3e:00:00:fe REACHABLE" ;;
                    *) exit 1 ;;
                    esac
                    """,
            "ipvsadm", """
                    cat <<'E'
                    IP Virtual Server version 1.2.1 (size=4096)
                    Prot LocalAddress:Port Scheduler Flags
                      -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                    TCP  10.0.0.35:41527 rr
                      -> 172.17.98.13:20000           Masq    1      0          0
                    E
                    """,
            "iptables-save", """
                    cat <<'E'
                    *nat
                    :PREROUTING ACCEPT [0:0]
                    :OUTPUT ACCEPT [0:0]
                    :POSTROUTING ACCEPT [0:0]
                    :KUBE-SERVICES - [0:0]
                    -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
                    COMMIT
                    *filter
                    :INPUT ACCEPT [0:0]
                    :FORWARD ACCEPT [0:0]
                    :OUTPUT ACCEPT [0:0]
                    COMMIT
                    E
                    """,
            "etcdctl", """
                    case "$1" in
                    ls) echo /coreos.com/network/subnets/172.17.98.0-24 ;;
                    get) echo '{"PublicIP":"10.0.0.35","BackendType":"vxlan","BackendData":{"VtepMAC":"4e:7f:2a:1c:09:35"}}' ;;
                    *) exit 1 ;;
                    esac
                    """,
            "kubectl", """
                    case "$*" in
                    "get nodes -o json") echo '{"apiVersion":"v1","kind":"List","items":[{"metadata":{"name":"mcwk8s05"},"status":{"addresses":[{"type":"InternalIP","address":"10.0.0.35"}],"conditions":[{"type":"Ready","status":"True"}],"nodeInfo":{"kubeletVersion":"v1.15.12"}}}]}' ;;
                    "get pods -A -o wide") cat <<'E'
                    NAMESPACE   NAME                              READY   STATUS    RESTARTS   AGE   IP             NODE       NOMINATED NODE   READINESS GATES
                    default     mcwtest-deploy-6465665557-g9zjd   1/1     Running   0          37m   172.17.98.13   mcwk8s05   <none>           <none>
                    E
                    ;;
                    "get services -A -o json") echo '{"apiVersion":"v1","kind":"List","items":[]}' ;;
                    "get endpoints -A -o json") echo '{"apiVersion":"v1","kind":"List","items":[]}' ;;
                    *) exit 1 ;;
                    esac
                    """,
            // the host's systemd is not the node's: its units are left out
            "systemctl", "exit 1\n");

    /** The files each tool writes. */
    static final Map<String, List<String>> FILES = Map.of(
            "ip", List.of("hosts/mcwk8s05/addr.txt", "hosts/mcwk8s05/link.txt", "hosts/mcwk8s05/route.txt", "hosts/mcwk8s05/neigh.txt"),
            "ipvsadm", List.of("hosts/mcwk8s05/ipvs.txt"),
            "iptables-save", List.of("hosts/mcwk8s05/iptables.txt"),
            "etcdctl", List.of("cluster/leases.txt"),
            "kubectl", List.of("cluster/nodes.json", "cluster/pods.txt", "cluster/services.json", "cluster/endpoints.json"));

    @TempDir
    Path dir;

    private Path standIns(String failing) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (var e : TOOLS.entrySet()) {
            String body = e.getKey().equals(failing)
                    ? "echo 'first line of " + failing + "'\necho '" + failing + ": failed' >&2\nexit 1\n"
                    : e.getValue();
            Path f = bin.resolve(e.getKey());
            Files.writeString(f, "#!/bin/sh\n" + body);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }

    private void collect(Path bin, Path out, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("sh", Path.of("collect.sh").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        cmd.add(out.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // only the stand-ins and the shell's own tools: no real ip, ipvsadm or iptables-save of this machine
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().put("KUBECONFIG", "/nonexistent/kubeconfig");
        Process p = pb.start();
        String said = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("collect.sh goes on past a failing tool: " + said).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcdctl", "kubectl", "ip", "ipvsadm", "iptables-save"})
    void aFailingToolLeavesItsFilesOutAndItsStateUnknown(String tool) throws Exception {
        Path bin = standIns(tool);
        Path out = dir.resolve("bundle");
        collect(bin, out, "--host", "mcwk8s05");
        collect(bin, out, "--cluster");

        for (String f : FILES.get(tool)) assertThat(out.resolve(f)).as(f + " after " + tool + " failed").doesNotExist();
        try (Stream<Path> files = Files.walk(out)) {
            assertThat(files.filter(Files::isRegularFile).map(Path::toString)).noneMatch(n -> n.endsWith(".tmp"));
        }
        // the other tools' files are there: the failure cost only its own
        FILES.forEach((other, fs) -> {
            if (!other.equals(tool)) for (String f : fs) assertThat(out.resolve(f)).as(f).exists();
        });

        BundleReader.Result read = BundleReader.read(out);
        Host h = read.snapshot().host("mcwk8s05").orElseThrow();
        Report r = Doctor.examine(out, read.snapshot());
        String text = ReportText.human(r);
        switch (tool) {
            case "etcdctl" -> {
                assertThat(read.snapshot().cluster().leases()).as("leases unknown, not none").isNull();
                assertThat(r.findings(Code.LEASE_MISSING)).as(text).isEmpty();
                assertThat(r.findings(Code.INSUFFICIENT_INFO)).as(text).anySatisfy(f -> assertThat(f.summary()).contains("leases are not in the snapshot"));
            }
            case "kubectl" -> {
                assertThat(read.snapshot().cluster().nodes()).isEmpty();
                assertThat(read.problems()).as("the missing cluster files are reported").isNotEmpty();
            }
            case "ip" -> {
                assertThat(h.knows(Facet.ROUTES)).isFalse();
                assertThat(h.knows(Facet.ADDRESSES)).isFalse();
                assertThat(r.findings(Code.ROUTE_MISSING)).as(text).isEmpty();
                assertThat(r.findings(Code.LEASE_MISSING)).as(text).isEmpty();
            }
            case "ipvsadm" -> {
                assertThat(h.knows(Facet.IPVS)).isFalse();
                assertThat(r.findings(Code.NO_SERVICE_PROXY)).as(text).isEmpty();
            }
            case "iptables-save" -> {
                assertThat(h.knows(Facet.IPTABLES)).isFalse();
                assertThat(r.findings(Code.FORWARD_DROP)).as(text).isEmpty();
                assertThat(r.findings(Code.NO_SERVICE_PROXY)).as(text).isEmpty();
            }
            default -> throw new IllegalArgumentException(tool);
        }
        assertThat(r.findings()).as(text).noneMatch(f -> f.severity() == Severity.CRITICAL);
    }
}
