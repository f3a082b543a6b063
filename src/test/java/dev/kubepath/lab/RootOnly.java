package dev.kubepath.lab;

import dev.kubepath.Prerequisites;

/**
 * Lab tests need root (network namespaces), iproute2 and nft (the lab's service rules); on a developer's machine
 * they are skipped without them, under CI=true they fail naming what is missing.
 */
public final class RootOnly {
    private RootOnly() {}

    public static void assume() {
        Prerequisites.root();
        Prerequisites.tool("nft");
    }
}
