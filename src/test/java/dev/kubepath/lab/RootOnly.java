package dev.kubepath.lab;

import dev.kubepath.host.linux.ProcessRunner;

import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Lab tests need root (network namespaces) and iproute2; elsewhere they are skipped, not failed. */
public final class RootOnly {
    private RootOnly() {}

    public static void assume() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "lab tests need Linux");
        var id = ProcessRunner.withDefaultTimeout().run(List.of("id", "-u"));
        assumeTrue(id.ok() && id.stdout().strip().equals("0"), "lab tests need root (network namespaces)");
        assumeTrue(ProcessRunner.withDefaultTimeout().run(List.of("ip", "-V")).ok(), "lab tests need iproute2");
    }
}
