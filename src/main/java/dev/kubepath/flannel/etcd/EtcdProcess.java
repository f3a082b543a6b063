package dev.kubepath.flannel.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real {@code etcd} (v2 API enabled) on loopback ports with a temporary data dir, for tests, benchmarks and the
 * lab. {@link #start()} runs one member; {@link #cluster(int)} runs several that form one cluster. {@link #close()}
 * stops every member and removes the data dirs.
 */
public final class EtcdProcess implements AutoCloseable {
    /** KUBEPATH_ETCD, else the first {@code etcd} on PATH (as the installer looks for it), else just "etcd". */
    public static final Path BINARY = binary(System.getenv("KUBEPATH_ETCD"), System.getenv("PATH"));

    static Path binary(String override, String path) {
        if (override != null && !override.isBlank()) return Path.of(override);
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (dir.isEmpty()) continue;
                Path candidate = Path.of(dir, "etcd");
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) return candidate;
            }
        }
        return Path.of("etcd");
    }

    /** One member: its ports and process. */
    public static final class Member {
        final String name;
        final int clientPort;
        final int peerPort;
        final Path dataDir;
        final Path log;
        Process process;

        Member(String name, int clientPort, int peerPort, Path dataDir) {
            this.name = name;
            this.clientPort = clientPort;
            this.peerPort = peerPort;
            this.dataDir = dataDir;
            this.log = dataDir.resolveSibling(name + ".log");
        }

        public URI clientUrl() {
            return URI.create("http://127.0.0.1:" + clientPort);
        }

        URI peerUrl() {
            return URI.create("http://127.0.0.1:" + peerPort);
        }

        public boolean running() {
            return process != null && process.isAlive();
        }
    }

    private final Path root;
    private final List<Member> members = new ArrayList<>();
    private final String initialCluster;

    private EtcdProcess(int size) throws IOException {
        root = Files.createTempDirectory("kubepath-etcd-");
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Member m = new Member("m" + i, freePort(), freePort(), root.resolve("m" + i + ".etcd"));
            members.add(m);
            peers.add(m.name + "=" + m.peerUrl());
        }
        initialCluster = String.join(",", peers);
    }

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    public static EtcdProcess start() throws IOException {
        return cluster(1);
    }

    /** Starts {@code size} members on loopback and waits until the cluster answers. */
    public static EtcdProcess cluster(int size) throws IOException {
        EtcdProcess p = new EtcdProcess(size);
        try {
            for (Member m : p.members) p.launch(m);
            for (Member m : p.members) p.awaitHealthy(m, Duration.ofSeconds(20));
            return p;
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    public List<Member> members() {
        return List.copyOf(members);
    }

    public URI clientUrl() {
        return members.getFirst().clientUrl();
    }

    public List<URI> clientUrls() {
        return members.stream().map(Member::clientUrl).toList();
    }

    /** Kills a member (SIGKILL), keeping its data dir so {@link #restart(Member)} brings it back. */
    public void kill(Member m) {
        if (m.process != null) {
            m.process.destroyForcibly();
            try {
                m.process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops every member (the whole registry is unreachable) without removing data. */
    public void stopAll() {
        members.forEach(this::kill);
    }

    public void restart(Member m) throws IOException {
        launch(m);
        awaitHealthy(m, Duration.ofSeconds(20));
    }

    public void restartAll() throws IOException {
        for (Member m : members) launch(m);
        for (Member m : members) awaitHealthy(m, Duration.ofSeconds(20));
    }

    private void launch(Member m) throws IOException {
        List<String> cmd = List.of(BINARY.toString(),
                "--name", m.name,
                "--data-dir", m.dataDir.toString(),
                "--listen-client-urls", m.clientUrl().toString(),
                "--advertise-client-urls", m.clientUrl().toString(),
                "--listen-peer-urls", m.peerUrl().toString(),
                "--initial-advertise-peer-urls", m.peerUrl().toString(),
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", root.getFileName().toString(),
                "--enable-v2=true",
                "--heartbeat-interval", "50",
                "--election-timeout", "500",
                "--log-level", "warn");
        m.process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(m.log.toFile())).start();
    }

    private void awaitHealthy(Member m, Duration limit) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        long deadline = System.nanoTime() + limit.toNanos();
        try (http) {
            while (System.nanoTime() < deadline) {
                if (!m.process.isAlive()) {
                    throw new IOException("etcd " + m.name + " exited with " + m.process.exitValue() + "; log: " + tail(m.log));
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(m.clientUrl().resolve("/health"))
                            .timeout(Duration.ofMillis(500)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200 && r.body().contains("true")) return;
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for etcd " + m.name, e);
        }
        throw new IOException("etcd " + m.name + " on " + m.clientUrl() + " not healthy after " + limit + "; log: " + tail(m.log));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        stopAll();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + root, e);
        }
    }
}
