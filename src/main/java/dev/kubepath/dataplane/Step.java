package dev.kubepath.dataplane;

/**
 * One hop of a trace: on which host, at which stage, what happened, and the object that decided it
 * (a route line, an IPVS virtual server, an FDB entry, a lease, an iptables rule), or null when nothing did.
 */
public record Step(String host, Stage stage, String detail, String decidedBy) {}
