package dev.kubepath.model;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

/** A registered Kubernetes node; {@code podCidr} is null when the cluster does not allocate node CIDRs. */
public record Node(String name, Ipv4 internalIp, boolean ready, Prefix podCidr, String kubeletVersion) {}
