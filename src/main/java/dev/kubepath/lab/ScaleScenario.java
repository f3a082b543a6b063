package dev.kubepath.lab;

import dev.kubepath.cluster.ApiServer;
import dev.kubepath.cluster.Manifests;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.net.Ipv4;
import dev.kubepath.proxy.ProxyMode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A larger lab for measurements: N nodes (kube-proxy in IPVS mode) on one underlay and a Deployment of P pods behind a NodePort. */
public final class ScaleScenario {
    public static final String FLANNEL = "{\"Network\":\"172.17.0.0/16\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\"}}";

    private ScaleScenario() {}

    public static SimCluster.Spec spec(int hosts) {
        List<SimCluster.HostSpec> specs = new ArrayList<>();
        for (int i = 1; i <= hosts; i++) {
            specs.add(new SimCluster.HostSpec(String.format(Locale.ROOT, "node%02d", i), Ipv4.parse("10.0.0." + i), 24, Ipv4.parse("10.0.0.254"),
                    true, true, false, null, null, null));
        }
        return new SimCluster.Spec("scale-" + hosts, 11, Instant.parse("2024-06-03T14:00:00Z"), FLANNEL, ApiServer.Config.seedCluster(11),
                ProxyMode.IPVS, specs);
    }

    /** A Deployment of {@code replicas} pods serving HTTP on 8080 and a NodePort service for it. */
    public static String manifests(int replicas) {
        return String.format(Locale.ROOT, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, labels: {app: web}}
                spec:
                  replicas: %d
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - {name: web, image: python:3, command: [python3, -m, http.server, "8080"], ports: [{containerPort: 8080}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  type: NodePort
                  selector: {app: web}
                  ports: [{port: 80, targetPort: 8080, nodePort: 30080}]
                """, replicas);
    }

    public static void deploy(SimCluster c, int replicas) {
        c.apply(Manifests.parse("scale.yaml", manifests(replicas)));
    }
}
