package dev.kubepath.shell;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random command lines into the shell on the seed cluster: words the shell knows and words it does not, options,
 * quotes, pipes and garbage. Whatever comes in, the shell answers in a tool's words: never a stack trace, never an
 * internal error, and the session ends only on {@code exit} (or {@code logout}) typed on the first host.
 */
class ShellFuzzTest {
    private static final String[] COMMANDS = {"ip", "ip", "route", "ifconfig", "bridge", "ipvsadm", "iptables-save", "iptables", "iptables", "ipset", "cat", "curl", "ping",
            "etcdctl", "ETCDCTL_API=3 etcdctl", "systemctl", "kubectl", "hostname", "history", "echo", "clear", "ssh", "grep", "head",
            "tail", "wc", "sort", "uniq", "awk", "kubepath", "foo", "exit", "logout", "sleep", "traceroute", "journalctl", "tcpdump", "conntrack"};
    private static final String[] WORDS = {"route", "get", "addr", "link", "show", "dev", "flannel.1", "docker0", "eth0", "neigh", "fdb",
            "-d", "-s", "-br", "-n", "-L", "-Ln", "-c", "1", "-C", "5", "-A", "-B", "-v", "-E", "-i", "-w", "-z", "--foo", "from", "iif",
            "172.17.9.5", "10.0.0.36", "10.0.0.36:41527", "10.2.0.155:2024", "300.1.1.1", "1.2.3", "get", "ls", "/coreos.com/network/subnets",
            "/coreos.com/network/subnets/172.17.9.0-24", "--prefix", "--endpoints", "http://10.0.0.33:2379", "pods", "svc", "nodes", "-o",
            "wide", "apply", "-f", "delete", "describe", "status", "restart", "flanneld", "docker", "mcwk8s05", "mcwk8s06", "nosuchhost", "'{print $1}'", "'{print $NF, $2}'",
            "'{x}'", "/run/flannel/subnet.env", "/etc/passwd", "trace", "--to", "--from", "$?", "1s", "xyz", "-", "--", "\"a b\"", "'", "\"",
            "\\", "[", "(", "*", "-n2", "+3", "-k2", "-nr", "-u", "-l", "-cd", "10", "-9", "-t", "nat",
            "mangle", "-S", "-nvL", "--line-numbers", "FORWARD", "KUBE-SERVICES", "KUBE-MARK-MASQ", "list", "KUBE-CLUSTER-IP", "ep",
            "endpoints", "-A", "-l", "app=mcwtest", "app!=x", "json", "yaml", "-oyaml", "-ojson", "kube-flannel", "--namespace=kube-system", "cm",
            "--stats", "--rate", "-Lnc", "-I", "-u", "node", "mcwtest-svc", "endpointslices", "kube-flannel-cfg", "kubelet", "kubelet.service", "--unit=", "/etc/cni/net.d/10-flannel.conflist", "172.17.98.13",
            "logs", "ds/kube-flannel-ds", "--tail", "--since", "\"1 hour ago\"", "today", "-m", "--max-time", "--connect-timeout", "-sS",
            "'%{http_code}\\n'", "kube-proxy", "0.5", "-f", "-u", "docker",
            "-ni", "-nni", "port", "host", "src", "dst", "and", "not", "tcp", "udp", "icmp", "8472", "-p", "-d", "--dump", "any"};

    static String line(Random r) {
        StringBuilder sb = new StringBuilder();
        int stages = 1 + (r.nextInt(4) == 0 ? 1 + r.nextInt(2) : 0);
        for (int s = 0; s < stages; s++) {
            if (s > 0) sb.append(r.nextBoolean() ? " | " : "|");
            sb.append(s == 0 ? COMMANDS[r.nextInt(COMMANDS.length)] : List.of("grep", "head", "tail", "wc", "sort", "uniq", "awk", "foo").get(r.nextInt(8)));
            int words = r.nextInt(5);
            for (int w = 0; w < words; w++) {
                sb.append(' ');
                if (r.nextInt(12) == 0) {
                    for (int k = 0, n = 1 + r.nextInt(6); k < n; k++) sb.append((char) (33 + r.nextInt(94)));
                } else {
                    sb.append(WORDS[r.nextInt(WORDS.length)]);
                }
            }
        }
        if (r.nextInt(30) == 0) sb.append(" |");
        return sb.toString();
    }

    @Test
    void randomLinesGetToolAnswersAndOnlyExitEndsTheSession() {
        long seed = Long.getLong("kubepath.seed", System.nanoTime());
        Random r = new Random(seed);
        SimCluster cluster = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")));
        SeedCluster.bootHealthy(cluster);
        SimShell shell = new SimShell(cluster, SeedCluster.MASTER);
        int answered = 0, refused = 0;
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            String line = line(r);
            lines.add(line);
            boolean onFirst = shell.hops() == 0;
            String out = shell.run(line);
            String what = "line %d '%s' (seed %d)".formatted(i, line, seed);
            assertThat(out).as(what).doesNotContain("Exception", "\tat ", "internal error", "null");
            if (shell.status() == 0) answered++;
            else refused++;
            if (shell.exited()) {
                String first = line.strip().split("\\s+")[0];
                assertThat(first).as(what + ": only exit or logout ends the session").isIn("exit", "logout");
                assertThat(pipes(line)).as(what + ": exit does not take part in a pipeline").isFalse();
                assertThat(onFirst).as(what + ": the session ends on the first host").isTrue();
                shell = new SimShell(cluster, SeedCluster.MASTER);
                lines.clear();
            }
        }
        assertThat(answered).as("lines answered without error (seed %d)", seed).isGreaterThan(100);
        assertThat(refused).as("lines refused in a tool's words (seed %d)", seed).isGreaterThan(100);
    }


    /** Whether bash would see a pipeline: a '|' neither quoted nor escaped with a backslash. */
    private static boolean pipes(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else if (c == '\\' && quote == '"') i++;
            } else if (c == '\\') {
                i++;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '|') {
                return true;
            }
        }
        return false;
    }
}
