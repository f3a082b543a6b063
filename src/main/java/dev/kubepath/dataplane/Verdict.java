package dev.kubepath.dataplane;

/** What the operator's tool reports for a flow, as curl and ping report it. */
public enum Verdict {
    /** The server answered (HTTP status for curl, echo reply for ping). */
    DELIVERED,
    /** A TCP RST or ICMP port unreachable came back: curl's "Connection refused". */
    REFUSED,
    /** Silently dropped somewhere; the trace names the hop and the reason. */
    TIMEOUT,
    /** ICMP network/host unreachable, or no route on the sender: "Network is unreachable". */
    UNREACHABLE,
    /** The snapshot lacks what the answer depends on; never replaced by a guess. */
    INSUFFICIENT_INFO;

    public boolean ok() {
        return this == DELIVERED;
    }
}
