package dev.kubepath.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything kubepath knows about one cluster network at one moment, whichever way it was obtained. */
public record Snapshot(String name, List<Host> hosts, Cluster cluster) {
    public Snapshot {
        hosts = List.copyOf(hosts);
    }

    public Optional<Host> host(String hostName) {
        for (Host h : hosts) if (h.name().equals(hostName)) return Optional.of(h);
        return Optional.empty();
    }

    public Map<String, Host> hostsByName() {
        Map<String, Host> m = new LinkedHashMap<>();
        for (Host h : hosts) m.put(h.name(), h);
        return m;
    }
}
