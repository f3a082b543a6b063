package dev.kubepath.lab;

import dev.kubepath.host.linux.CommandResult;
import dev.kubepath.host.linux.Netns;
import dev.kubepath.host.linux.ProcessRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The network namespaces of one lab run and the processes started in them. Every namespace is named with this
 * run's prefix ({@code kp-<6 random chars>-}) so that nothing outside the lab is ever touched, and everything is
 * removed on every exit path: {@link #close()}, a JVM shutdown hook for Ctrl-C, and {@link #cleanupStale} for what
 * a killed JVM left behind. The root namespace is never changed: links are created inside the lab's namespaces.
 */
public final class Lab implements AutoCloseable {
    /** Every lab namespace matches this; {@link #cleanupStale} removes only such names. */
    public static final Pattern NAME_PATTERN = Pattern.compile("kp-[a-z0-9]{6}-.+");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    /**
     * The tag on every namespace's loopback ({@code ip link set lo alias ...}): the process that owns the lab and when
     * it started (a pid alone may have been reused). {@code lab down} reads it to tell a lab still running (another
     * user's, another test's) from one whose process died, without a file outside the namespaces to keep in step.
     */
    static final String OWNER = ownerTag(ProcessHandle.current());
    private static final Pattern OWNER_TAG = Pattern.compile("kubepath-lab pid=(\\d+) start=(\\d+)");

    private final String prefix;
    private final ProcessRunner runner;
    private final Map<String, Netns> namespaces = new LinkedHashMap<>();
    private final List<Process> processes = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;
    /** Files the lab's processes read (the DNS records its CoreDNS pods serve); made on first use, removed on close. */
    private java.nio.file.Path files;

    public Lab() {
        this(ProcessRunner.withDefaultTimeout());
    }

    public Lab(ProcessRunner runner) {
        this.runner = runner;
        this.prefix = "kp-" + randomTag() + "-";
        this.shutdownHook = new Thread(this::removeEverything, "lab-cleanup-" + prefix);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private static String randomTag() {
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder(6);
        for (int i = 0; i < 6; i++) sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        return sb.toString();
    }

    public String prefix() {
        return prefix;
    }

    public ProcessRunner runner() {
        return runner;
    }

    /** Creates namespace {@code prefix + shortName} with its loopback up. */
    public synchronized Netns namespace(String shortName) {
        if (closed) throw new IllegalStateException("lab " + prefix + " is closed");
        String name = prefix + shortName;
        if (namespaces.containsKey(name)) throw new IllegalArgumentException("namespace " + name + " already exists in this lab");
        Netns ns = new Netns(name, runner);
        runner.run(List.of("ip", "netns", "add", name)).orThrow();
        namespaces.put(name, ns);
        ns.ip("link", "set", "lo", "up", "alias", OWNER).orThrow();
        return ns;
    }

    /** Kills the processes running in {@code ns}, then deletes the namespace (a pod's, when docker removes it). */
    public synchronized void remove(Netns ns) {
        if (namespaces.remove(ns.name()) == null) throw new IllegalArgumentException(ns.name() + " is not a namespace of this lab");
        removeNamespace(runner, ns.name());
    }

    public synchronized List<Netns> namespaces() {
        return List.copyOf(namespaces.values());
    }

    /**
     * Creates a veth pair whose ends live in two lab namespaces: {@code aDev} in {@code a}, {@code bDev} in
     * {@code b}. The pair is made inside {@code a}, so it never exists in the root namespace.
     */
    public void veth(Netns a, String aDev, Netns b, String bDev) {
        a.ip("link", "add", aDev, "type", "veth", "peer", "name", bDev, "netns", b.name()).orThrow();
    }

    /** Starts a long-running process inside {@code ns}; it is killed when the lab closes. */
    public synchronized Process start(Netns ns, List<String> argv) {
        if (!namespaces.containsKey(ns.name())) throw new IllegalArgumentException(ns.name() + " is not a namespace of this lab");
        try {
            Process p = new ProcessBuilder(ns.command(argv)).redirectErrorStream(true).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + argv + " in " + ns.name(), e);
        }
    }

    /** A path for {@code name} in this run's own temporary directory, removed with the namespaces. */
    public synchronized java.nio.file.Path file(String name) {
        if (closed) throw new IllegalStateException("lab " + prefix + " is closed");
        try {
            if (files == null) files = java.nio.file.Files.createTempDirectory("kubepath-" + prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the lab's temporary directory", e);
        }
        return files.resolve(name);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        removeEverything();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to; it finds nothing left to do
        }
    }

    private synchronized void removeEverything() {
        if (closed) return;
        closed = true;
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String name : namespaces.keySet()) removeNamespace(runner, name);
        namespaces.clear();
        if (files != null) removeFiles(prefix);
    }

    /** Kills whatever runs in {@code name} ({@code ip netns pids}) and deletes the namespace. */
    private static void removeNamespace(ProcessRunner runner, String name) {
        CommandResult pids = runner.run(List.of("ip", "netns", "pids", name));
        for (String pid : pids.stdout().split("\\s+")) {
            if (pid.isBlank()) continue;
            ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
        }
        runner.run(List.of("ip", "netns", "delete", name));
    }

    /** The names {@code ip netns list} shows that match {@code pattern}. */
    public static List<String> listNamespaces(ProcessRunner runner, Pattern pattern) {
        List<String> names = new ArrayList<>();
        for (String line : runner.run(List.of("ip", "netns", "list")).stdout().split("\n")) {
            String name = line.strip().split("\\s+")[0];
            if (!name.isEmpty() && pattern.matcher(name).matches()) names.add(name);
        }
        return names;
    }

    /**
     * Removes what a crashed run left: every namespace whose whole name matches {@code pattern} (normally
     * {@link #NAME_PATTERN}) and the processes running in it. Returns the names removed.
     */
    public static List<String> cleanupStale(ProcessRunner runner, Pattern pattern) {
        List<String> names = listNamespaces(runner, pattern);
        java.util.Set<String> prefixes = new java.util.TreeSet<>();
        for (String name : names) {
            removeNamespace(runner, name);
            if (NAME_PATTERN.matcher(name).matches()) prefixes.add(name.substring(0, 10)); // kp-XXXXXX-
        }
        for (String prefix : prefixes) removeFiles(prefix);
        return names;
    }

    /** The temporary directories {@link #file} made for a run with {@code prefix}, which a killed JVM left. */
    private static void removeFiles(String prefix) {
        java.nio.file.Path tmp = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
        try (var dirs = java.nio.file.Files.newDirectoryStream(tmp, "kubepath-" + prefix + "*")) {
            for (java.nio.file.Path dir : dirs) {
                try (var list = java.nio.file.Files.list(dir)) {
                    for (java.nio.file.Path f : list.toList()) java.nio.file.Files.deleteIfExists(f);
                }
                java.nio.file.Files.deleteIfExists(dir);
            }
        } catch (IOException ignored) {
            // what cannot be removed holds only service names and addresses
        }
    }

    private static String ownerTag(ProcessHandle p) {
        return "kubepath-lab pid=" + p.pid() + " start=" + p.info().startInstant().map(java.time.Instant::getEpochSecond).orElse(0L);
    }

    /** What {@link #down} did: the namespaces it removed, and the labs it left in place (prefix -> why, with its owner). */
    public record Down(List<String> removed, Map<String, String> leftInPlace) {
        /** The operator's lines: what went, and which labs stayed and how to remove them too. */
        public String text() {
            StringBuilder sb = new StringBuilder();
            if (!removed.isEmpty()) sb.append("removed ").append(removed.size()).append(" namespace(s): ").append(String.join(" ", removed)).append('\n');
            if (!leftInPlace.isEmpty()) {
                sb.append("left in place ").append(leftInPlace.size()).append(" other lab(s), not this one's:\n");
                leftInPlace.forEach((prefix, why) -> sb.append("  ").append(prefix).append("*  ").append(why).append('\n'));
                sb.append("('kubepath lab down --all' removes every kubepath lab on this machine)\n");
            }
            return sb.toString();
        }
    }

    /**
     * Removes the namespaces of one lab ({@code own}, the prefix in the state file; null when none is up) and of every
     * lab whose owning process is gone (a crashed or killed run), and leaves the labs whose owner still runs, or whose
     * owner cannot be told (a namespace without the tag), in place. With {@code all} every kubepath namespace goes.
     */
    public static Down down(ProcessRunner runner, String own, boolean all) {
        Map<String, List<String>> byPrefix = new java.util.TreeMap<>();
        for (String name : listNamespaces(runner, NAME_PATTERN)) byPrefix.computeIfAbsent(name.substring(0, 10), k -> new ArrayList<>()).add(name);
        List<String> removed = new ArrayList<>();
        Map<String, String> left = new LinkedHashMap<>();
        for (var e : byPrefix.entrySet()) {
            String why = all || e.getKey().equals(own) ? null : stillRunning(runner, e.getValue().getFirst());
            if (why != null) {
                left.put(e.getKey(), e.getValue().size() + " namespace(s), " + why);
                continue;
            }
            for (String name : e.getValue()) removeNamespace(runner, name);
            removeFiles(e.getKey());
            removed.addAll(e.getValue());
        }
        return new Down(List.copyOf(removed), java.util.Collections.unmodifiableMap(left));
    }

    /** Why the lab that owns namespace {@code name} must stay (its owner runs, or is not known); null when it is gone. */
    private static String stillRunning(ProcessRunner runner, String name) {
        String tag = runner.run(List.of("ip", "netns", "exec", name, "cat", "/sys/class/net/lo/ifalias")).stdout().strip();
        var m = OWNER_TAG.matcher(tag);
        if (!m.matches()) return "owner unknown (no kubepath-lab tag on its lo)";
        long pid = Long.parseLong(m.group(1));
        boolean alive = ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(Lab::ownerTag).filter(tag::equals).isPresent();
        return alive ? "owned by running process " + pid + " (" + ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElse("?") + ")" : null;
    }
}
