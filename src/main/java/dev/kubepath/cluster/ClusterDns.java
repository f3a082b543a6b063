package dev.kubepath.cluster;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.model.Cluster;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Service;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Cluster DNS as kubeadm installs it (its CoreDNS addon manifests, cmd/kubeadm/app/phases/addons/dns): the coredns
 * Deployment in kube-system with two replicas labelled k8s-app=kube-dns, and the kube-dns Service on the service
 * range's 10th address with ports dns (53/UDP) and dns-tcp (53/TCP). kubeadm's third port, metrics (9153/TCP), is
 * left out: nothing here scrapes it, and each port is one more frontend on every host.
 */
public final class ClusterDns {
    public static final String NAMESPACE = "kube-system", SERVICE = "kube-dns", DEPLOYMENT = "coredns";
    public static final String SEARCH = "svc.cluster.local";
    /** The cluster domain (the kubelet's --cluster-domain, CoreDNS's kubernetes plugin zone). */
    public static final String ZONE = "cluster.local";
    /** The Corefile's ttl for answers from the kubernetes plugin (kubeadm's Corefile: {@code ttl 30}). */
    public static final int TTL = 30;

    private ClusterDns() {}

    /** kube-dns's ClusterIP: the 10th address of the service range (kubeadm's GetDNSIP), 10.96.0.10 for 10.96.0.0/12. */
    public static Ipv4 clusterIp(Prefix serviceCidr) {
        return serviceCidr.address(10);
    }

    /**
     * What CoreDNS's kubernetes plugin answers for A queries: SERVICE.NAMESPACE.svc.cluster.local is the Service's
     * ClusterIP, or a headless Service's ready endpoint addresses; a name with no entry is NXDOMAIN. One table, read
     * by the shell's nslookup and dig and served by the lab's CoreDNS pods, so both answer alike.
     */
    public static Map<String, List<Ipv4>> records(Cluster cluster) {
        Map<String, List<Ipv4>> out = new LinkedHashMap<>();
        for (Service s : cluster.services()) {
            List<Ipv4> ips = out.computeIfAbsent(s.name() + "." + s.namespace() + "." + SEARCH, k -> new ArrayList<>());
            if (s.clusterIp() != null) ips.add(s.clusterIp());
            else cluster.endpointsOf(s).ifPresent(e -> { for (Endpoints.Address a : e.addresses()) ips.add(a.ip()); });
        }
        out.values().removeIf(List::isEmpty);
        return out;
    }

    public static List<HasMetadata> manifests(Prefix serviceCidr) {
        String yaml = String.format(Locale.ROOT, """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: coredns
                  namespace: kube-system
                  labels: {k8s-app: kube-dns}
                spec:
                  replicas: 2
                  selector:
                    matchLabels: {k8s-app: kube-dns}
                  template:
                    metadata:
                      labels: {k8s-app: kube-dns}
                    spec:
                      containers:
                      - name: coredns
                        image: registry.k8s.io/coredns/coredns:v1.11.1
                        args: [-conf, /etc/coredns/Corefile]
                        ports:
                        - {containerPort: 53, name: dns, protocol: UDP}
                        - {containerPort: 53, name: dns-tcp, protocol: TCP}
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: kube-dns
                  namespace: kube-system
                  labels: {k8s-app: kube-dns, kubernetes.io/name: CoreDNS}
                spec:
                  clusterIP: %s
                  selector: {k8s-app: kube-dns}
                  ports:
                  - {name: dns, port: 53, protocol: UDP, targetPort: 53}
                  - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}
                """, clusterIp(serviceCidr));
        return Manifests.load("cluster DNS", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }
}
