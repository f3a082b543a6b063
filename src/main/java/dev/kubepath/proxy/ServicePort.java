package dev.kubepath.proxy;

import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Service;
import dev.kubepath.net.SocketAddress;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One port of one service joined with its endpoints, the unit kube-proxy programs. Endpoints are matched to the
 * service port by port name, as kube-proxy's endpoints change tracker does.
 */
public record ServicePort(Service service, Service.Port port, List<SocketAddress> endpoints) {
    public ServicePort {
        endpoints = List.copyOf(endpoints);
    }

    /** "ns/name:portname" */
    public String name() {
        return ChainNames.servicePortName(service.namespace(), service.name(), port.name());
    }

    public SocketAddress clusterAddress() {
        return new SocketAddress(service.clusterIp(), port.port());
    }

    /** Every non-headless service port, ordered by service key then port, with its ready endpoints. */
    public static List<ServicePort> join(List<Service> services, List<Endpoints> endpoints) {
        Map<String, Endpoints> byKey = endpoints.stream()
                .collect(Collectors.toMap(Endpoints::key, Function.identity(), (a, b) -> b));
        List<ServicePort> out = new ArrayList<>();
        List<Service> sorted = services.stream().filter(s -> !s.headless())
                .sorted(Comparator.comparing(Service::key)).toList();
        for (Service s : sorted) {
            Endpoints eps = byKey.get(s.key());
            for (Service.Port p : s.ports()) {
                List<SocketAddress> addrs = new ArrayList<>();
                if (eps != null) {
                    for (Endpoints.Port ep : eps.ports()) {
                        if (!sameName(ep.name(), p.name()) || ep.protocol() != p.protocol()) continue;
                        for (Endpoints.Address a : eps.addresses()) addrs.add(new SocketAddress(a.ip(), ep.port()));
                    }
                }
                out.add(new ServicePort(s, p, addrs));
            }
        }
        return out;
    }

    private static boolean sameName(String a, String b) {
        return (a == null ? "" : a).equals(b == null ? "" : b);
    }
}
