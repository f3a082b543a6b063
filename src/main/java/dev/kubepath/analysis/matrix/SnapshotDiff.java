package dev.kubepath.analysis.matrix;

import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.EndpointCoverage;
import dev.kubepath.dataplane.Step;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.model.Container;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;
import dev.kubepath.model.Service;
import dev.kubepath.model.Snapshot;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.Locale;

/**
 * What changed between two snapshots of one cluster, for the flows: every flow of the matrix whose verdict or
 * endpoint coverage differs, grouped under the changes that explain it. A change is a fact of the snapshots
 * (a lease, a route, a neighbour or FDB entry, an address, an IPVS rule, a daemon, a pod) and is filed under the
 * host it is about: a flannel entry for a subnet whose lease changed under the host holding that lease (flanneld on
 * every host follows the lease), IPVS rules and services under the host of their pods, everything else under the
 * host it is on. A flow belongs to the hosts whose changes lie on
 * its path, before or after (the hosts its traces pass through, and those the changes there are about).
 * Flows are matched across the snapshots by {@link Destination#identity()}, so a renumbered subnet or NodePort is
 * still the same destination.
 */
public final class SnapshotDiff {
    /** One changed fact: {@code about} is the host it is filed under, {@code on} where it lives ("cluster" for etcd and the API). */
    public record Change(String about, String on, String what) {}

    /** One flow whose answer changed; verdicts are null on the side where the destination does not exist. */
    public record FlowChange(String from, String destination, String before, String after, Verdict verdictBefore,
                             EndpointCoverage endpointsBefore, Verdict verdictAfter, EndpointCoverage endpointsAfter) {
        public boolean repaired() {
            return verdictAfter == Verdict.DELIVERED && (verdictBefore != Verdict.DELIVERED || endpointsAfter == EndpointCoverage.ALL && endpointsBefore != EndpointCoverage.ALL);
        }

        public boolean broken() {
            return verdictBefore == Verdict.DELIVERED && (verdictAfter != Verdict.DELIVERED || endpointsBefore == EndpointCoverage.ALL && endpointsAfter != EndpointCoverage.ALL);
        }
    }

    /**
     * The flows explained by the changes about one set of hosts; {@code story} says in the operator's words what
     * those changes amount to (a new lease, docker0 moved to it, pods re-created, a daemon restarted).
     */
    public record Group(List<String> hosts, List<String> story, List<Change> changes, List<FlowChange> flows) {}

    public record Result(List<Group> groups, List<Change> unattached, long flowsCompared) {
        public List<FlowChange> flows() {
            return groups.stream().flatMap(g -> g.flows().stream()).toList();
        }
    }

    private SnapshotDiff() {}

    public static Result diff(Snapshot before, Snapshot after) {
        List<Change> changes = changes(before, after);
        Map<String, Flow> b = flows(before), a = flows(after);
        Set<String> keys = new LinkedHashSet<>(b.keySet());
        keys.addAll(a.keySet());
        DataPlane tb = new DataPlane(before), ta = new DataPlane(after);
        Map<String, List<Change>> byHost = new HashMap<>();
        for (Change c : changes) byHost.computeIfAbsent(c.on(), k -> new ArrayList<>()).add(c);
        Map<List<String>, List<FlowChange>> grouped = new LinkedHashMap<>();
        for (String k : keys) {
            Flow fb = b.get(k), fa = a.get(k);
            if (fb != null && fa != null && fb.verdict() == fa.verdict() && fb.endpoints() == fa.endpoints()) continue;
            Flow any = fa != null ? fa : fb;
            FlowChange fc = new FlowChange(any.from(), any.to().identity(), fb == null ? null : fb.to().label(),
                    fa == null ? null : fa.to().label(), fb == null ? null : fb.verdict(), fb == null ? null : fb.endpoints(),
                    fa == null ? null : fa.verdict(), fa == null ? null : fa.endpoints());
            Set<String> path = new TreeSet<>();
            if (fb != null) path.addAll(hostsOf(tb.trace(fb.from(), fb.to().probe())));
            if (fa != null) path.addAll(hostsOf(ta.trace(fa.from(), fa.to().probe())));
            Set<String> about = new TreeSet<>();
            for (String h : path) for (Change c : byHost.getOrDefault(h, List.of())) about.add(c.about());
            // the cluster's own objects (leases, services) count for the hosts they are about when those are on the path
            for (Change c : byHost.getOrDefault("cluster", List.of())) if (path.contains(c.about())) about.add(c.about());
            grouped.computeIfAbsent(List.copyOf(about), x -> new ArrayList<>()).add(fc);
        }
        List<Group> groups = new ArrayList<>();
        Set<Change> used = new LinkedHashSet<>();
        for (Map.Entry<List<String>, List<FlowChange>> e : grouped.entrySet()) {
            List<Change> cs = changes.stream().filter(c -> e.getKey().contains(c.about())).toList();
            used.addAll(cs);
            List<String> story = new ArrayList<>();
            for (String h : e.getKey()) story.addAll(story(h, before, after));
            groups.add(new Group(e.getKey(), story, cs, e.getValue()));
        }
        List<Change> unattached = changes.stream().filter(c -> !used.contains(c)).toList();
        return new Result(groups, unattached, Math.max(b.size(), a.size()));
    }

    /**
     * What the changes on one host amount to, as an operator would say it: the lease its flanneld holds (taken,
     * lost, changed), its docker0 moved to another subnet (docker restarted on a new subnet.env), pods re-created
     * with other addresses, daemons whose state changed.
     */
    static List<String> story(String host, Snapshot before, Snapshot after) {
        List<String> out = new ArrayList<>();
        Host hb = before.host(host).orElse(null), ha = after.host(host).orElse(null);
        if (hb == null || ha == null) return out;
        List<Prefix> held = heldLeases(before, hb), holds = heldLeases(after, ha);
        List<Prefix> taken = holds.stream().filter(p -> !held.contains(p)).toList(), lost = held.stream().filter(p -> !holds.contains(p)).toList();
        String vtepBefore = hb.addresses().stream().filter(a -> a.dev().equals("flannel.1")).map(a -> a.ip().toString()).findFirst().orElse(null);
        for (Prefix p : taken) {
            out.add("flanneld on " + host + " took lease " + p + (lost.isEmpty()
                    ? "; it held none before" + (vtepBefore != null ? " (its flannel.1 had " + vtepBefore + ")" : "")
                    : " in place of " + lost.stream().map(Prefix::toString).reduce((x, y) -> x + ", " + y).orElseThrow()));
        }
        if (taken.isEmpty()) for (Prefix p : lost) out.add(host + " no longer holds lease " + p + ": no host routes to its pods");
        String bridgeBefore = bridgeAddress(hb), bridgeAfter = bridgeAddress(ha);
        if (bridgeBefore != null && bridgeAfter != null && !bridgeBefore.equals(bridgeAfter)) {
            out.add("the pods' bridge on " + host + " moved from " + bridgeBefore + " to " + bridgeAfter + ": docker restarted on the new subnet.env");
        }
        Map<String, Ipv4> podsBefore = new HashMap<>();
        for (Container c : hb.containers()) podsBefore.put(c.pod(), c.ip());
        long moved = ha.containers().stream().filter(c -> podsBefore.containsKey(c.pod()) && !podsBefore.get(c.pod()).equals(c.ip())).count();
        if (moved > 0) out.add(moved + (moved == 1 ? " pod" : " pods") + " on " + host + " re-created with new addresses");
        hb.daemons().forEach((d, st) -> {
            var now = ha.daemons().get(d);
            if (now != null && now != st) out.add(d + " on " + host + ": " + st + " -> " + now);
        });
        return out;
    }

    /** The subnets of the leases whose PublicIP is one of the host's underlay (ethernet) addresses. */
    private static List<Prefix> heldLeases(Snapshot s, Host h) {
        if (s.cluster().leases() == null) return List.of();
        Set<Ipv4> mine = new HashSet<>();
        for (IfAddress a : h.addresses()) if (h.link(a.dev()).map(l -> l.kind() instanceof LinkKind.Ethernet).orElse(false)) mine.add(a.ip());
        return s.cluster().leases().stream().filter(l -> mine.contains(l.publicIp())).map(Lease::subnet).toList();
    }

    /** The pods' bridge (docker0): its first address with a subnet. */
    private static String bridgeAddress(Host h) {
        for (IfAddress a : h.addresses()) {
            if (a.prefixLength() < 32 && h.link(a.dev()).map(l -> l.kind() instanceof LinkKind.Bridge).orElse(false)) return a.ip() + "/" + a.prefixLength();
        }
        return null;
    }

    private static Map<String, Flow> flows(Snapshot s) {
        Map<String, Flow> out = new LinkedHashMap<>();
        ReachabilityMatrix.of(s).forEachFlow(f -> out.put(f.from() + " -> " + f.to().identity(), f));
        return out;
    }

    private static Set<String> hostsOf(Trace t) {
        Set<String> out = new LinkedHashSet<>();
        out.add(t.from());
        for (Step st : t.steps()) out.add(st.host());
        return out;
    }

    // ---- facts ------------------------------------------------------------------------------------------------

    /** Who a fact is about, from the subnets, MACs and pod addresses of both snapshots. */
    private static final class Subjects {
        final Map<Prefix, String> leaseHolder = new HashMap<>();
        final Map<Ipv4, String> gatewayHolder = new HashMap<>();
        final Map<String, String> macHolder = new HashMap<>();
        final Map<Prefix, String> bridgeOwner = new HashMap<>();
        final Map<String, List<String>> podHosts = new HashMap<>();
        /** Subnets, gateways and VTEP MACs of the leases that differ between the snapshots. */
        final Set<String> changedLeaseKeys = new HashSet<>();

        Subjects(Snapshot... snaps) {
            for (Snapshot s : snaps) {
                Map<Ipv4, String> underlay = new HashMap<>();
                for (Host h : s.hosts()) {
                    for (IfAddress a : h.addresses()) {
                        Link l = h.link(a.dev()).orElse(null);
                        if (l != null && l.kind() instanceof LinkKind.Ethernet) underlay.putIfAbsent(a.ip(), h.name());
                        if (l != null && l.kind() instanceof LinkKind.Bridge) bridgeOwner.putIfAbsent(a.prefix(), h.name());
                    }
                }
                for (Service v : s.cluster().services()) {
                    for (dev.kubepath.model.Pod p : s.cluster().pods()) {
                        if (!v.selector().isEmpty() && p.labels().entrySet().containsAll(v.selector().entrySet()) && p.node() != null) {
                            podHosts.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(p.node());
                        }
                    }
                }
                if (s.cluster().leases() == null) continue;
                for (Lease l : s.cluster().leases()) {
                    String holder = underlay.get(l.publicIp());
                    if (holder == null) continue;
                    leaseHolder.putIfAbsent(l.subnet(), holder);
                    gatewayHolder.putIfAbsent(l.subnet().network(), holder);
                    if (l.vtepMac() != null) macHolder.putIfAbsent(l.vtepMac().toString(), holder);
                }
            }
        }

        String ofSubnet(Prefix p, String fallback) {
            String h = leaseHolder.get(p);
            if (h == null) h = bridgeOwner.get(p);
            return h != null ? h : fallback;
        }

        String ofPod(Ipv4 ip, String fallback) {
            for (Map.Entry<Prefix, String> e : bridgeOwner.entrySet()) if (e.getKey().contains(ip)) return e.getValue();
            for (Map.Entry<Prefix, String> e : leaseHolder.entrySet()) if (e.getKey().contains(ip)) return e.getValue();
            return fallback;
        }
    }

    static List<Change> changes(Snapshot before, Snapshot after) {
        Subjects who = new Subjects(after, before);
        for (Snapshot[] pair : new Snapshot[][] {{before, after}, {after, before}}) {
            Set<Lease> other = pair[1].cluster().leases() == null ? Set.of() : Set.copyOf(pair[1].cluster().leases());
            if (pair[0].cluster().leases() == null) continue;
            for (Lease l : pair[0].cluster().leases()) {
                if (other.contains(l)) continue;
                who.changedLeaseKeys.add(l.subnet().toString());
                who.changedLeaseKeys.add(l.subnet().network().toString());
                if (l.vtepMac() != null) who.changedLeaseKeys.add(l.vtepMac().toString());
            }
        }
        List<Change> out = new ArrayList<>();
        // cluster objects
        diffSet(out, "cluster", leases(before), leases(after), "lease ", l -> who.ofSubnet(Prefix.parse(l.substring(0, l.indexOf(' '))), "cluster"));
        diffSet(out, "cluster", services(before), services(after), "service ", x -> {
            List<String> on = who.podHosts.getOrDefault(x.substring(0, x.indexOf(' ')), List.of());
            return on.isEmpty() ? "cluster" : on.get(0);
        });
        Set<String> names = new TreeSet<>();
        before.hosts().forEach(h -> names.add(h.name()));
        after.hosts().forEach(h -> names.add(h.name()));
        for (String n : names) {
            Host hb = before.host(n).orElse(null), ha = after.host(n).orElse(null);
            if (hb == null || ha == null) {
                out.add(new Change(n, n, hb == null ? "host added" : "host removed"));
                continue;
            }
            diffSet(out, n, map(hb.addresses(), a -> a.ip() + "/" + a.prefixLength() + " dev " + a.dev()),
                    map(ha.addresses(), a -> a.ip() + "/" + a.prefixLength() + " dev " + a.dev()), "address ", x -> n);
            diffSet(out, n, map(hb.links(), Link::describe), map(ha.links(), Link::describe), "link ", x -> n);
            diffSet(out, n, map(hb.routes(), Route::describe), map(ha.routes(), Route::describe), "route ",
                    x -> routeSubject(hb, ha, x, who, n));
            diffSet(out, n, map(hb.neighbours(), Neighbour::describe), map(ha.neighbours(), Neighbour::describe), "neighbour ",
                    x -> who.changedLeaseKeys.contains(x.substring(0, x.indexOf(' ')))
                            ? who.gatewayHolder.getOrDefault(Ipv4.parse(x.substring(0, x.indexOf(' '))), n) : n);
            diffSet(out, n, map(hb.fdb(), FdbEntry::describe), map(ha.fdb(), FdbEntry::describe), "fdb ",
                    x -> who.changedLeaseKeys.contains(x.substring(0, x.indexOf(' ')))
                            ? who.macHolder.getOrDefault(x.substring(0, x.indexOf(' ')), n) : n);
            diffSet(out, n, virtualServers(hb), virtualServers(ha), "ipvs ", x -> ipvsSubject(x, who, n));
            diffSet(out, n, map(hb.containers(), c -> c.pod() + " " + c.ip() + "/" + c.prefixLength() + " on " + c.bridge()),
                    map(ha.containers(), c -> c.pod() + " " + c.ip() + "/" + c.prefixLength() + " on " + c.bridge()), "pod ", x -> n);
            diffSet(out, n, map(List.copyOf(hb.daemons().entrySet()), e -> e.getKey() + " " + e.getValue()),
                    map(List.copyOf(ha.daemons().entrySet()), e -> e.getKey() + " " + e.getValue()), "daemon ", x -> n);
            diffSet(out, n, map(List.copyOf(hb.sysctls().entrySet()), e -> e.getKey() + "=" + e.getValue()),
                    map(List.copyOf(ha.sysctls().entrySet()), e -> e.getKey() + "=" + e.getValue()), "sysctl ", x -> n);
            diffSet(out, n, rules(hb.chains()), rules(ha.chains()), "iptables ", x -> n);
        }
        return out;
    }

    private static String routeSubject(Host hb, Host ha, String described, Subjects who, String self) {
        String first = described.split(" ")[0];
        if (first.equals("default") || !first.contains("/") || !who.changedLeaseKeys.contains(first)) return self;
        try {
            return who.ofSubnet(Prefix.parse(first), self);
        } catch (IllegalArgumentException e) {
            return self;
        }
    }

    /** IPVS rules are about the hosts of their real servers' pods (the service moved with its pod). */
    private static String ipvsSubject(String described, Subjects who, String self) {
        int arrow = described.indexOf("-> ");
        if (arrow < 0) return self;
        String real = described.substring(arrow + 3).split("[ ,:]")[0];
        try {
            return who.ofPod(Ipv4.parse(real), self);
        } catch (IllegalArgumentException e) {
            return self;
        }
    }

    private static Set<String> virtualServers(Host h) {
        Set<String> out = new TreeSet<>();
        for (VirtualServer v : h.virtualServers()) {
            StringBuilder sb = new StringBuilder(v.describe());
            for (VirtualServer.RealServer r : v.reals()) sb.append(" -> ").append(r.address());
            out.add(sb.toString());
        }
        return out;
    }

    private static Set<String> leases(Snapshot s) {
        Set<String> out = new TreeSet<>();
        if (s.cluster().leases() != null) for (Lease l : s.cluster().leases()) out.add(l.subnet() + " PublicIP " + l.publicIp() + " VtepMAC " + l.vtepMac());
        return out;
    }

    private static Set<String> services(Snapshot s) {
        Set<String> out = new TreeSet<>();
        for (Service v : s.cluster().services()) {
            StringBuilder sb = new StringBuilder(v.key()).append(' ').append(v.type()).append(' ').append(v.clusterIp());
            for (Service.Port p : v.ports()) sb.append(' ').append(p.port()).append(p.nodePort() > 0 ? ":" + p.nodePort() : "").append('/').append(p.protocol()).append("->").append(p.targetPort());
            out.add(sb.toString());
        }
        return out;
    }

    private static <T> Set<String> map(List<T> items, Function<T, String> f) {
        Set<String> out = new TreeSet<>();
        for (T t : items) out.add(f.apply(t));
        return out;
    }

    private static void diffSet(List<Change> out, String on, Set<String> before, Set<String> after, String kind, Function<String, String> about) {
        for (String x : before) if (!after.contains(x)) out.add(new Change(about.apply(x), on, "- " + kind + x));
        for (String x : after) if (!before.contains(x)) out.add(new Change(about.apply(x), on, "+ " + kind + x));
    }

    /** The diff as the operator reads it: each group's changes, then its flows. */
    public static String text(Result r) {
        StringBuilder sb = new StringBuilder();
        List<FlowChange> all = r.flows();
        long repaired = all.stream().filter(FlowChange::repaired).count(), broken = all.stream().filter(FlowChange::broken).count();
        sb.append(all.size()).append(" of ").append(r.flowsCompared()).append(" flows changed: ").append(repaired).append(" repaired, ")
                .append(broken).append(" broken, ").append(all.size() - repaired - broken).append(" otherwise\n");
        for (Group g : r.groups()) {
            sb.append('\n').append(g.hosts().isEmpty() ? "no recorded change on their path" : "changes about " + String.join(", ", g.hosts())).append(":\n");
            for (String line : g.story()) sb.append("  = ").append(line).append('\n');
            g.changes().stream().sorted(Comparator.comparing(Change::on)).forEach(c -> sb.append("  ").append(c.on()).append(": ").append(c.what()).append('\n'));
            sb.append("  flows:\n");
            for (FlowChange f : g.flows()) {
                String what = f.repaired() ? "repaired" : f.broken() ? "broken" : "changed";
                sb.append(String.format(Locale.ROOT, "    %-10s %-9s %s -> %s (%s)   %s -> %s%n", what, f.from(), f.destination(),
                        f.after() != null ? f.after() : f.before(), f.before() != null && f.after() != null && !f.before().equals(f.after()) ? "was " + f.before() : "",
                        show(f.verdictBefore(), f.endpointsBefore()), show(f.verdictAfter(), f.endpointsAfter())).replace(" ()", ""));
            }
        }
        if (!r.unattached().isEmpty()) {
            sb.append("\nchanges on no changed flow's path:\n");
            for (Change c : r.unattached()) sb.append("  ").append(c.on()).append(": ").append(c.what()).append('\n');
        }
        return sb.toString();
    }

    private static String show(Verdict v, EndpointCoverage c) {
        if (v == null) return "(absent)";
        return c == null || c == EndpointCoverage.ALL && v == Verdict.DELIVERED || c == EndpointCoverage.NONE && v != Verdict.DELIVERED ? v.name() : v + "/" + c;
    }

    /** Every rule as iptables-save prints it, with its table: "filter -A FORWARD -s 172.17.0.0/16 -j ACCEPT". */
    private static java.util.Set<String> rules(List<dev.kubepath.model.Chain> chains) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (var c : chains) {
            if (c.policy() != null) out.add(c.table() + " :" + c.name() + " " + c.policy());
            for (var r : c.rules()) out.add(c.table() + " " + r.describe());
        }
        return out;
    }
}
