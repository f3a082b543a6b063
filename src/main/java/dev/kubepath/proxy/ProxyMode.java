package dev.kubepath.proxy;

/** kube-proxy's --proxy-mode: which kernel mechanism turns a service address into a pod address. */
public enum ProxyMode {
    IPVS, IPTABLES, NFTABLES
}
