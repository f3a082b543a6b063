package dev.kubepath.cluster;

import dev.kubepath.model.Socket;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Protocol;
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
 * What a pod's containers serve, as far as the network is concerned: the TCP ports they listen on, the UDP ports
 * (declared with {@code protocol: UDP}: CoreDNS's 53), the named container ports (for a Service's named targetPort),
 * the HTTP Server header they answer with, and the process that listens (as {@code ss -p} would name it).
 * Listen ports are the declared containerPorts plus a port found in a Python HTTP server command
 * ({@code python2 -m SimpleHTTPServer 20000}, {@code python3 -m http.server 8000}): the seed's workload declares
 * no port at all and still serves on 20000.
 */
public record Workload(List<Integer> listenPorts, Map<String, Integer> namedPorts, String server, List<Integer> udpPorts, String process) {
    public static final String PYTHON2_SERVER = "SimpleHTTP/0.6 Python/2.7.18";
    public static final String PYTHON3_SERVER = "SimpleHTTP/0.6 Python/3.6.8";

    private static final Pattern PY2 = Pattern.compile("SimpleHTTPServer\\s+(\\d{1,5})");
    private static final Pattern PY3 = Pattern.compile("http\\.server\\s+(\\d{1,5})");

    public Workload {
        listenPorts = List.copyOf(listenPorts);
        namedPorts = Map.copyOf(namedPorts);
        udpPorts = List.copyOf(udpPorts);
        if (process == null) process = server != null ? "python2" : "server";
    }

    public Workload(List<Integer> listenPorts, Map<String, Integer> namedPorts, String server) {
        this(listenPorts, namedPorts, server, List.of(), null);
    }

    /** The sockets a container of this workload listens on: every TCP port, then every UDP port, on 0.0.0.0. */
    public List<Socket> sockets() {
        List<Socket> out = new ArrayList<>();
        for (int port : listenPorts) out.add(new Socket(Protocol.TCP, Ipv4.ANY, port, process));
        for (int port : udpPorts) out.add(new Socket(Protocol.UDP, Ipv4.ANY, port, process));
        return out;
    }

    public static Workload of(PodSpec spec) {
        TreeSet<Integer> ports = new TreeSet<>(), udp = new TreeSet<>();
        Map<String, Integer> named = new LinkedHashMap<>();
        String server = null, process = null;
        for (Container c : spec.getContainers()) {
            // the image's name without registry and tag: coredns for registry.k8s.io/coredns/coredns:v1.11.1
            if (c.getImage() != null && c.getImage().contains("coredns")) process = "coredns";
            for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
                if (p.getContainerPort() == null) continue;
                if (p.getProtocol() == null || p.getProtocol().equals("TCP")) ports.add(p.getContainerPort());
                if ("UDP".equals(p.getProtocol())) udp.add(p.getContainerPort());
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
        return new Workload(List.copyOf(ports), named, server, List.copyOf(udp), process);
    }

    /** The port a Service targetPort names: a number as is, a name through the container ports (null when unknown). */
    public Integer resolve(String targetPort) {
        if (targetPort.chars().allMatch(Character::isDigit) && !targetPort.isEmpty()) return Integer.parseInt(targetPort);
        return namedPorts.get(targetPort);
    }
}
