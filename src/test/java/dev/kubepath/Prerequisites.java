package dev.kubepath;

import dev.kubepath.flannel.etcd.EtcdProcess;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a test needs from the machine (root, etcd, Chromium, nft, ...). On a developer's machine a missing item
 * skips the test, naming it; under {@code CI=true} it fails the test, naming it, so that a CI run on a machine
 * without the tool cannot stay green by skipping. Tools are looked up on PATH, as scripts/test.sh does.
 */
public final class Prerequisites {
    private Prerequisites() {}

    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips (or, under CI=true, fails) unless {@code present}; {@code what} names the missing item. */
    public static void require(boolean present, String what) {
        if (present) return;
        String message = "missing prerequisite: " + what;
        if (underCi()) fail(message + " (CI=true: a missing prerequisite fails the run; scripts/test.sh installs it as root)");
        assumeTrue(false, message);
    }

    /** The first executable {@code name} on PATH, or null. */
    public static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) return p;
        }
        return null;
    }

    /** A tool that must be on PATH; returns where it is. */
    public static Path tool(String name) {
        Path p = onPath(name);
        require(p != null, name + " (not on PATH)");
        return p;
    }

    /** A real etcd: KUBEPATH_ETCD or etcd on PATH. */
    public static void etcd() {
        require(EtcdProcess.available(), "etcd (not on PATH and KUBEPATH_ETCD not set; tried " + EtcdProcess.BINARY + ")");
    }

    private static long uid() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? Long.parseLong(out) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Root on Linux with iproute2: what network namespaces need. */
    public static void root() {
        require(System.getProperty("os.name").startsWith("Linux"), "Linux (network namespaces)");
        require(uid() == 0, "root (network namespaces)");
        tool("ip");
        tool("bridge");
    }
}
