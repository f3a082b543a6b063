package dev.kubepath.bench;

import dev.kubepath.cluster.Synthetic;
import dev.kubepath.doctor.Doctor;
import dev.kubepath.doctor.FileEvidence;
import dev.kubepath.doctor.Report;
import dev.kubepath.ingest.BundleReader;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.Locale;

/**
 * The doctor on a synthetic bundle written as real tool output (ip addr, ip route, ipvsadm -Ln, etcdctl get --prefix,
 * kubectl tables): default 1,000 hosts, each with a route to every other host's subnet (1,001 routes), one NodePort
 * service with three pods (on the first host and at a third and two thirds of the way). One subnet's lease is deleted and one host misses a route, so the doctor has
 * findings to explain. Reports the time to read the bundle and to examine it (checks + every flow traced).
 */
public final class DoctorBenchmark implements Benchmark {
    @Override
    public String name() {
        return "doctor";
    }

    @Override
    public String description() {
        return "write a synthetic 1,000-host bundle (1,000 routes each), read it and run the doctor (args: [hosts] [services] [max flows, - for the default] [rounds])";
    }

    @Override
    public void run(PrintStream out, String... args) throws IOException {
        int hosts = Benchmark.intArg(args, 0, 1000);
        int services = Benchmark.intArg(args, 1, 1);
        long perFlow = args.length > 2 && !args[2].equals("-") ? Long.parseLong(args[2]) : Doctor.DEFAULT_PER_FLOW_LIMIT;
        int rounds = Benchmark.intArg(args, 3, 1);
        Path dir = Files.createTempDirectory("kubepath-doctor-bench");
        try {
            long t0 = System.nanoTime();
            Path bundle = write(dir.resolve("synthetic"), hosts, services);
            long written = System.nanoTime() - t0;
            out.printf(Locale.ROOT, "hosts %d, routes per host %d, services %d, cores %d%n", hosts, hosts + 1, services, Runtime.getRuntime().availableProcessors());
            out.printf(Locale.ROOT, "write bundle          %8.2f s%n", written / 1e9);
            // the first round is what a one-shot `kubepath doctor BUNDLE` pays (the JIT compiling as it goes, on the
            // same two cores); later rounds, in the same JVM, what the work itself costs
            for (int round = 1; round <= rounds; round++) {
                if (rounds > 1) out.printf(Locale.ROOT, "round %d%s%n", round, round == 1 ? " (fresh JVM)" : "");
                round(out, bundle, perFlow);
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void round(PrintStream out, Path bundle, long perFlow) {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t1 = System.nanoTime();
        BundleReader.Result r = BundleReader.read(bundle);
        long read = System.nanoTime() - t1;
        long readCpu = os.getProcessCpuTime() - cpu0;
        long t2 = System.nanoTime();
        Report report = new Doctor(r.snapshot(), FileEvidence.of(bundle, r.snapshot()), perFlow).run();
        long examined = System.nanoTime() - t2;
        long cpu = os.getProcessCpuTime() - cpu0;
        out.printf(Locale.ROOT, "read bundle           %8.2f s  (process CPU %.2f s; %d problems)%n", read / 1e9, readCpu / 1e9, r.problems().size());
        out.printf(Locale.ROOT, "doctor                %8.2f s  (process CPU %.2f s; %d findings, %d flows, %d failing, %d classes traced)%n", examined / 1e9,
                (cpu - readCpu) / 1e9, report.findings().size(), report.totalFlows(), report.failing(), report.symptoms().size());
        java.util.Map<String, Long> byCode = new java.util.TreeMap<>();
        report.findings().forEach(f -> byCode.merge(f.code() + "/" + f.severity().word(), 1L, Long::sum));
        out.printf(Locale.ROOT, "findings              %s%n", byCode);
        report.findings().stream().filter(f -> f.code() == dev.kubepath.doctor.Code.INSUFFICIENT_INFO).limit(2)
                .forEach(f -> out.printf(Locale.ROOT, "                      %s%n", f.summary()));
        out.printf(Locale.ROOT, "read + doctor         %8.2f s  (process CPU %.2f s on %d cores; load average %.1f: the machine is shared)%n",
                (read + examined) / 1e9, cpu / 1e9, Runtime.getRuntime().availableProcessors(), os.getSystemLoadAverage());
    }

    /**
     * A bundle in the text formats collect.sh writes, of {@code n} hosts; host 1 has lost its lease and host 2 misses
     * its route to host 3's subnet.
     */
    public static Path write(Path b, int n, int services) throws IOException {
        writeCluster(b, n, services);
        StringBuilder overlay = new StringBuilder();
        for (int j = 0; j < n; j++) {
            Prefix s = Synthetic.subnet(j);
            overlay.append(s).append(" via ").append(s.network()).append(" dev flannel.1 onlink \n");
        }
        String all = overlay.toString();
        for (int i = 0; i < n; i++) {
            Path h = Files.createDirectories(b.resolve("hosts").resolve(Synthetic.hostName(i)));
            Files.writeString(h.resolve("addr.txt"), addrTxt(i, services));
            Files.writeString(h.resolve("route.txt"), routeTxt(i, all));
            Files.writeString(h.resolve("ipvs.txt"), ipvsTxt(i, n, services));
        }
        return b;
    }

    /** leases.txt (but host 1's), nodes.txt, pods.txt and services.txt. */
    private static void writeCluster(Path b, int n, int services) throws IOException {
        Files.createDirectories(b.resolve("cluster"));
        try (BufferedWriter w = Files.newBufferedWriter(b.resolve("cluster/leases.txt"))) {
            w.write("$ etcdctl get --prefix /coreos.com/network/subnets\n");
            for (int i = 0; i < n; i++) {
                if (i == 1) continue;
                Prefix s = Synthetic.subnet(i);
                w.write("/coreos.com/network/subnets/" + s.network() + "-24\n");
                w.write("{\"PublicIP\":\"" + Synthetic.hostIp(i) + "\",\"BackendType\":\"vxlan\",\"BackendData\":{\"VtepMAC\":\"" + Synthetic.vtepMac(i) + "\"}}\n");
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(b.resolve("cluster/nodes.txt"))) {
            w.write("NAME        STATUS   ROLES    AGE    VERSION    INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                KERNEL-VERSION          CONTAINER-RUNTIME\n");
            for (int i = 0; i < n; i++) {
                w.write(Synthetic.hostName(i) + "   Ready    <none>   580d   v1.15.12   " + Synthetic.hostIp(i) + "     <none>        CentOS Linux 7 (Core)   3.10.0-693.el7.x86_64   docker://20.10.21\n");
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(b.resolve("cluster/pods.txt"))) {
            w.write("NAME      READY   STATUS    RESTARTS   AGE   IP            NODE       NOMINATED NODE   READINESS GATES\n");
            for (int i : pods(n)) {
                w.write("pod-" + i + "   1/1     Running   0          1d    " + Synthetic.podIp(i, 0) + "   " + Synthetic.hostName(i) + "   <none>           <none>\n");
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(b.resolve("cluster/services.txt"))) {
            w.write("NAME     TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)        AGE\n");
            for (int s = 0; s < services; s++) {
                w.write("svc-" + s + "   NodePort    " + Synthetic.SERVICE_CIDR.address(s + 1) + "   <none>        80:" + (Synthetic.NODE_PORT_BASE + s) + "/TCP   1d\n");
            }
        }
    }

    private static String addrTxt(int i, int services) {
        Prefix own = Synthetic.subnet(i);
        Ipv4 ip = Synthetic.hostIp(i);
        return String.format(Locale.ROOT, """
                    1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
                        link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
                        inet 127.0.0.1/8 scope host lo
                           valid_lft forever preferred_lft forever
                    2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000
                        link/ether 00:16:00:00:%02x:%02x brd ff:ff:ff:ff:ff:ff
                        inet %s/16 brd 10.0.255.255 scope global eth0
                           valid_lft forever preferred_lft forever
                    3: docker0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP group default
                        link/ether 02:42:00:00:%02x:%02x brd ff:ff:ff:ff:ff:ff
                        inet %s/24 brd %s scope global docker0
                           valid_lft forever preferred_lft forever
                    4: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default
                        link/ether %s brd ff:ff:ff:ff:ff:ff
                        inet %s/32 scope global flannel.1
                           valid_lft forever preferred_lft forever
                    5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default
                        link/ether 5a:3c:2e:11:%02x:%02x brd ff:ff:ff:ff:ff:ff
                    """, i >> 8, i & 255, ip, i >> 8, i & 255, own.address(1), own.broadcast(), Synthetic.vtepMac(i), own.network(), i >> 8, i & 255)
                    + clusterIps(services);
    }

    /** Host i's routes: the overlay routes to every other subnet ({@code all}), host 2's to host 3's left out. */
    private static String routeTxt(int i, String all) {
        Prefix own = Synthetic.subnet(i);
        Ipv4 ip = Synthetic.hostIp(i);
        StringBuilder routes = new StringBuilder();
        routes.append("default via 10.0.255.254 dev eth0 proto static metric 100 \n");
        routes.append("10.0.0.0/16 dev eth0 proto kernel scope link src ").append(ip).append(" metric 100 \n");
        routes.append(own).append(" dev docker0 proto kernel scope link src ").append(own.address(1)).append(" \n");
        String mine = own + " via " + own.network() + " dev flannel.1 onlink \n";
        String rest = all.replace(mine, "");
        if (i == 2) rest = rest.replace(Synthetic.subnet(3) + " via " + Synthetic.subnet(3).network() + " dev flannel.1 onlink \n", "");
        routes.append(rest);
        return routes.toString();
    }

    private static String ipvsTxt(int i, int n, int services) {
        Ipv4 ip = Synthetic.hostIp(i);
        StringBuilder ipvs = new StringBuilder("IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
        for (int s = 0; s < services; s++) {
            for (String front : new String[]{Synthetic.SERVICE_CIDR.address(s + 1) + ":80", ip + ":" + (Synthetic.NODE_PORT_BASE + s)}) {
                ipvs.append("TCP  ").append(front).append(" rr\n");
                for (int k : pods(n)) ipvs.append("  -> ").append(Synthetic.podIp(k, 0)).append(":8080           Masq    1      0          0\n");
            }
        }
        return ipvs.toString();
    }

    private static int[] pods(int n) {
        return java.util.stream.IntStream.of(0, n / 3, 2 * n / 3).distinct().toArray();
    }

    private static String clusterIps(int services) {
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < services; s++) {
            sb.append("    inet ").append(Synthetic.SERVICE_CIDR.address(s + 1)).append("/32 scope global kube-ipvs0\n       valid_lft forever preferred_lft forever\n");
        }
        return sb.toString();
    }
}
