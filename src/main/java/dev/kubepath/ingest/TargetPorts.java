package dev.kubepath.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Named targetPorts ({@code targetPort: http}), which {@link KubectlJson#services} reads as 0 (unknown), resolved the
 * way Kubernetes resolves them:
 * <ol>
 * <li>through the service's Endpoints or EndpointSlices: the endpoints controller writes each service port's
 * resolved number under the service port's own name, so an endpoints port of that name (and protocol) gives it;</li>
 * <li>else through the pods the selector picks: the container port of that name in {@code pods.json}.</li>
 * </ol>
 * When neither gives exactly one number (no endpoints, no such pod port, pods that disagree) the targetPort stays
 * unknown (0) and is reported. A port read from a text table has no targetPort name and is left as it is.
 */
final class TargetPorts {
    private TargetPorts() {}

    static Parsed<List<Service>> resolve(String servicesFile, String servicesText, List<Service> services,
                                         List<Endpoints> endpoints, String podsText) {
        Problems problems = new Problems(servicesFile);
        if (servicesText == null || !Json.looksLikeJson(servicesText)) return problems.result(services);
        JsonNode svcRoot = Json.read(new Problems(servicesFile), servicesText);
        if (svcRoot == null) return problems.result(services);
        Map<String, String> named = KubectlJson.namedTargetPorts(svcRoot);
        if (named.isEmpty()) return problems.result(services);
        JsonNode podRoot = podsText != null && Json.looksLikeJson(podsText) ? Json.read(new Problems("pods.json"), podsText) : null;
        int line = IpRouteJson.firstLine(servicesText);
        List<Service> out = new ArrayList<>();
        for (Service s : services) {
            List<Service.Port> ports = new ArrayList<>();
            for (Service.Port p : s.ports()) {
                String name = named.get(s.key() + " " + p.port());
                if (name == null || p.targetPort() != 0) {
                    ports.add(p);
                    continue;
                }
                Set<Integer> found = new LinkedHashSet<>();
                for (Endpoints e : endpoints) {
                    if (!e.key().equals(s.key())) continue;
                    for (Endpoints.Port ep : e.ports()) {
                        if (same(ep.name(), p.name()) && (ep.protocol() == null || ep.protocol() == p.protocol())) found.add(ep.port());
                    }
                }
                String how = "the endpoints of " + s.key();
                if (found.isEmpty() && podRoot != null && !s.selector().isEmpty()) {
                    how = "the container ports of the pods " + new java.util.TreeMap<>(s.selector()) + " selects"; // key order: stable across runs
                    for (JsonNode pod : KubectlJson.items(podRoot)) {
                        if (!pod.path("metadata").path("namespace").asText("default").equals(s.namespace())) continue;
                        JsonNode labels = pod.path("metadata").path("labels");
                        if (!s.selector().entrySet().stream().allMatch(kv -> kv.getValue().equals(Json.text(labels, kv.getKey())))) continue;
                        for (JsonNode c : pod.path("spec").path("containers")) {
                            for (JsonNode cp : c.path("ports")) {
                                if (name.equals(Json.text(cp, "name")) && cp.path("containerPort").canConvertToInt()) found.add(cp.path("containerPort").asInt());
                            }
                        }
                    }
                }
                if (found.size() == 1) {
                    ports.add(new Service.Port(p.name(), p.protocol(), p.port(), found.iterator().next(), p.nodePort()));
                } else {
                    ports.add(p);
                    problems.add(line, s.key() + " port " + p.port() + ": targetPort '" + name + "' is a port name and "
                            + (found.isEmpty() ? "neither its endpoints nor its pods name it" : how + " give " + found + ", not one number")
                            + "; its target port is unknown");
                }
            }
            out.add(ports.equals(s.ports()) ? s : new Service(s.namespace(), s.name(), s.type(), s.clusterIp(), ports, s.selector()));
        }
        return problems.result(out);
    }

    private static boolean same(String a, String b) {
        return (a == null ? "" : a).equals(b == null ? "" : b);
    }
}
