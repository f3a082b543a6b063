package dev.kubepath.shell;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.ClusterRun;
import dev.kubepath.cluster.SimCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * nslookup and dig in the shell against what the real bind9 9.18 tools printed (scripts/capture-dns-goldens.sh,
 * src/test/resources/shell/dns) for the same names and servers: a cluster on 10.96.0.0/12 (kubernetes 10.96.0.1,
 * kube-dns 10.96.0.10, web pinned to 10.96.45.7), a ClusterIP nothing serves (10.96.0.11: the query leaves the
 * cluster and times out) and a UDP service without endpoints (10.96.0.12: ICMP port unreachable). dig's id, query
 * time and date vary from run to run and are compared as placeholders.
 */
class DnsGoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/shell/dns/commands.txt");

    @TempDir
    Path dir;

    SimShell shell() throws IOException {
        Files.writeString(dir.resolve("apps.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - {name: web, image: python:3, command: [python3, -m, http.server, "8080"]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  clusterIP: 10.96.45.7
                  ports: [{port: 80, targetPort: 8080}]
                  selector: {app: web}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: silent}
                spec:
                  clusterIP: 10.96.0.12
                  ports: [{port: 53, protocol: UDP}]
                  selector: {app: none}
                """);
        ClusterFile f = ClusterFile.parse("dns.yaml", """
                kind: Cluster
                name: dns
                serviceCidr: 10.96.0.0/12
                flannel:
                  config: '{"Network":"10.244.0.0/16","SubnetLen":24,"Backend":{"Type":"vxlan"}}'
                hosts:
                  master: {address: 192.168.10.10/24, gateway: 192.168.10.1, roles: [etcd, master, node]}
                  node1: {address: 192.168.10.21/24, gateway: 192.168.10.1}
                manifests: [apps.yaml]
                """, dir);
        ClusterRun run = ClusterRun.simulated(f, e -> { });
        run.boot();
        SimCluster c = run.cluster();
        return new SimShell(c, "node1");
    }

    static String stable(String s) {
        return s.replaceAll("id: \\d+", "id: <ID>").replaceAll("Query time: \\d+ msec", "Query time: <T> msec")
                .replaceAll("WHEN: .*", "WHEN: <DATE>").replaceAll("DiG [^ ]+ <<>>", "DiG <VERSION> <<>>");
    }

    @Test
    void nslookupAndDigPrintWhatTheRealToolsPrint() throws IOException {
        Map<String, String> golden = CapturedCommands.read(GOLDEN);
        SimShell sh = shell();
        int compared = 0;
        for (Map.Entry<String, String> e : golden.entrySet()) {
            if (e.getKey().contains("10.96.1.1")) continue; // an unreachable route on the sender: not in this cluster
            String text = e.getValue();
            int exit = Integer.parseInt(text.substring(text.lastIndexOf("[exit ") + 6, text.lastIndexOf(']')));
            String expected = text.substring(0, text.lastIndexOf("[exit "));
            String out = sh.run(e.getKey());
            assertThat(stable(out)).as(e.getKey()).isEqualTo(stable(expected));
            assertThat(sh.status()).as("exit status of " + e.getKey()).isEqualTo(exit);
            compared++;
        }
        assertThat(compared).isGreaterThanOrEqualTo(10);
    }

    @Test
    void curlResolvesAServiceNameThroughKubeDns() throws IOException {
        SimShell sh = shell();
        assertThat(sh.run("curl -I http://web.default")).startsWith("HTTP/1.0 200 OK");
        assertThat(sh.run("curl -I http://web.default.svc.cluster.local:80/")).startsWith("HTTP/1.0 200 OK");
        assertThat(sh.run("curl -I http://nosuch.default")).isEqualTo("curl: (6) Could not resolve host: nosuch.default; Name or service not known\n");
        assertThat(sh.run("cat /etc/resolv.conf")).contains("nameserver 10.96.0.10").contains("search default.svc.cluster.local svc.cluster.local cluster.local");
    }
}
