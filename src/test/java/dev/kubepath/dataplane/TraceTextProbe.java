package dev.kubepath.dataplane;

/** What the operator's tool prints for a trace, through the CLI's formatter. */
final class TraceTextProbe {
    private TraceTextProbe() {}

    static String says(Trace t) {
        return dev.kubepath.shell.TraceText.toolSays(t);
    }
}
