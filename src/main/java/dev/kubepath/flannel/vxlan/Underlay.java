package dev.kubepath.flannel.vxlan;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

/** The device VXLAN packets leave through: its name, the host's PublicIP with its connected prefix, its MTU. */
public record Underlay(String dev, Ipv4 ip, Prefix connected, int mtu) {
}
