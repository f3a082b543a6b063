package dev.kubepath.model;

import dev.kubepath.net.Ipv4;

/**
 * A node's flannel {@code public-ip} annotation read without the node's subnet (a {@code kubectl get nodes -o yaml |
 * grep public-ip} pasted alone): no lease can be placed from it, but several of them carrying one address are still
 * nodes announcing one PublicIP. {@code node} is null when the paste does not name it; {@code line} and {@code text}
 * are where leases.txt shows it.
 */
public record PublicIpAnnotation(String node, Ipv4 publicIp, int line, String text) {}
