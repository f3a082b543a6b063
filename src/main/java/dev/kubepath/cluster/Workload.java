package dev.kubepath.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a pod's containers serve, as far as the network is concerned: the TCP ports they listen on, the named
 * container ports (for a Service's named targetPort), and the HTTP Server header they answer with.
 * Listen ports are the declared containerPorts plus a port found in a Python HTTP server command
 * ({@code python2 -m SimpleHTTPServer 20000}, {@code python3 -m http.server 8000}): the seed's workload declares
 * no port at all and still serves on 20000.
 */
public record Workload(List<Integer> listenPorts, Map<String, Integer> namedPorts, String server) {
    public static final String PYTHON2_SERVER = "SimpleHTTP/0.6 Python/2.7.18";
    public static final String PYTHON3_SERVER = "SimpleHTTP/0.6 Python/3.6.8";

    private static final Pattern PY2 = Pattern.compile("SimpleHTTPServer\\s+(\\d{1,5})");
    private static final Pattern PY3 = Pattern.compile("http\\.server\\s+(\\d{1,5})");

    public Workload {
        listenPorts = List.copyOf(listenPorts);
        namedPorts = Map.copyOf(namedPorts);
    }

    public static Workload of(PodSpec spec) {
        TreeSet<Integer> ports = new TreeSet<>();
        Map<String, Integer> named = new LinkedHashMap<>();
        String server = null;
        for (Container c : spec.getContainers()) {
            for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
                if (p.getContainerPort() == null) continue;
                if (p.getProtocol() == null || p.getProtocol().equals("TCP")) ports.add(p.getContainerPort());
                if (p.getName() != null) named.put(p.getName(), p.getContainerPort());
            }
            List<String> words = new ArrayList<>();
            if (c.getCommand() != null) words.addAll(c.getCommand());
            if (c.getArgs() != null) words.addAll(c.getArgs());
            String command = String.join(" ", words);
            Matcher m2 = PY2.matcher(command);
            Matcher m3 = PY3.matcher(command);
            if (m2.find()) {
                ports.add(Integer.parseInt(m2.group(1)));
                server = PYTHON2_SERVER;
            } else if (m3.find()) {
                ports.add(Integer.parseInt(m3.group(1)));
                server = PYTHON3_SERVER;
            }
        }
        return new Workload(List.copyOf(ports), named, server);
    }

    /** The port a Service targetPort names: a number as is, a name through the container ports (null when unknown). */
    public Integer resolve(String targetPort) {
        if (targetPort.chars().allMatch(Character::isDigit) && !targetPort.isEmpty()) return Integer.parseInt(targetPort);
        return namedPorts.get(targetPort);
    }
}
