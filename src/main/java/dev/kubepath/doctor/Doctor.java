package dev.kubepath.doctor;

import dev.kubepath.analysis.matrix.Destination;
import dev.kubepath.analysis.matrix.ReachabilityMatrix;
import dev.kubepath.analysis.matrix.Summary;
import dev.kubepath.dataplane.Basis;
import dev.kubepath.dataplane.Cause;
import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Inference;
import dev.kubepath.model.Facet;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Stage;
import dev.kubepath.dataplane.Step;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.model.Cluster;
import dev.kubepath.model.Host;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Service;
import dev.kubepath.model.Snapshot;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.SocketAddress;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Root causes of a snapshot's failures. Static checks find what disagrees (leases, routes, VTEPs, MTUs, service
 * rules); then every host's flows to every service frontend and to every other host's bridge are traced through the
 * simulated kernel, and each failing flow is put down to the finding that explains where and why its trace ended.
 * Works on any snapshot; the {@link EvidenceSource} only locates lines in the files the snapshot came from.
 */
public final class Doctor {
    /**
     * Up to this many flows (a symptom table a person reads cell by cell) every flow is traced and listed; above it
     * the flows are taken by the matrix's classes, each failing class traced once and counted for all its flows.
     */
    public static final int DEFAULT_PER_FLOW_LIMIT = 2_000;
    /** Rounds of hosts set apart by the class-based doctor (each names the hosts the last one's findings added). */
    private static final int MAX_ROUNDS = 3;

    private final Snapshot snapshot;
    private final Inference.Result inferred;
    private final EvidenceSource source;
    private final long perFlowLimit;
    private final ReachabilityMatrix.Progress progress;
    /**
     * Each host's FLANNEL_SUBNET from /run/flannel/subnet.env. The file is flanneld's output, not kernel state, so the
     * Host model has no place for it; the reader gives it beside the snapshot and the doctor takes it the same way.
     */
    private Map<String, Prefix> subnetEnvs = Map.of();

    /** {@code perFlowLimit}: 0 takes every snapshot by classes, Long.MAX_VALUE traces every flow (the reference). */
    public Doctor(Snapshot snapshot, EvidenceSource source, long perFlowLimit, ReachabilityMatrix.Progress progress) {
        this.inferred = Inference.of(snapshot);
        this.snapshot = inferred.snapshot(); // the checks and the traces use the facts the named rules add
        this.source = source;
        this.perFlowLimit = perFlowLimit;
        this.progress = progress;
    }

    public Doctor(Snapshot snapshot, EvidenceSource source, long perFlowLimit) {
        this(snapshot, source, perFlowLimit, ReachabilityMatrix.Progress.NONE);
    }

    private List<dev.kubepath.ingest.ProbeText.Observed> observed = List.of();

    /** The probes typed in a pasted session, held against the traces of the same flows (docs/doctor.md). */
    public Doctor observed(List<dev.kubepath.ingest.ProbeText.Observed> probes) {
        this.observed = List.copyOf(probes);
        return this;
    }

    /** The FLANNEL_SUBNET of each host's subnet.env (absent hosts: no file, nothing said about it). */
    public Doctor subnetEnvs(Map<String, Prefix> flannelSubnets) {
        this.subnetEnvs = Map.copyOf(flannelSubnets);
        return this;
    }

    /** As {@link #examine(java.nio.file.Path, Snapshot)}, with the FLANNEL_SUBNET of each host's subnet.env. */
    public static Report examine(java.nio.file.Path source, Snapshot snapshot, Map<String, Prefix> flannelSubnets) {
        return examine(source, snapshot, flannelSubnets, ReachabilityMatrix.Progress.NONE);
    }

    /** The same, telling {@code progress} how many hosts' flows are counted (a progress bar on a terminal). */
    public static Report examine(java.nio.file.Path source, Snapshot snapshot, Map<String, Prefix> flannelSubnets, ReachabilityMatrix.Progress progress) {
        return new Doctor(snapshot, FileEvidence.of(source, snapshot), DEFAULT_PER_FLOW_LIMIT, progress).subnetEnvs(flannelSubnets).run();
    }

    public static Report examine(Snapshot snapshot, EvidenceSource source) {
        return new Doctor(snapshot, source, DEFAULT_PER_FLOW_LIMIT).run();
    }

    /** The doctor on a snapshot read from {@code source} (a bundle or a YAML), with evidence lines from its files. */
    public static Report examine(java.nio.file.Path source, Snapshot snapshot) {
        return examine(snapshot, FileEvidence.of(source, snapshot));
    }

    public static Report examine(Snapshot snapshot) {
        return examine(snapshot, EvidenceSource.NONE);
    }

    public Report run() {
        List<Service> traced = new ArrayList<>(), untraced = new ArrayList<>();
        for (Service s : snapshot.cluster().services()) {
            if (s.clusterIp() == null || ruledSomewhere(s) || !rulesKnownSomewhere()) traced.add(s);
            else untraced.add(s);
        }
        Snapshot scope = untraced.isEmpty() ? snapshot : withServices(snapshot, traced);
        // Every host's reduction for the matrix does not depend on the checks' findings (only the labels made of them
        // do): it is made on another thread while the checks run on this one.
        CompletableFuture<ReachabilityMatrix> unlabelled = CompletableFuture.supplyAsync(() -> ReachabilityMatrix.of(scope));
        ClusterIndex index = new ClusterIndex(snapshot.cluster());
        List<HostFacts> facts = snapshot.hosts().stream().map(h -> HostFacts.of(h, snapshot.cluster(), index)).toList();
        Checks checks = new Checks(snapshot, facts, index, source, subnetEnvs, inferred.facts().stream()
                .filter(x -> x.rule() == Inference.Rule.FLANNEL_VXLAN_DEVICE).map(Inference.Fact::host).collect(java.util.stream.Collectors.toSet()));
        List<Draft> drafts = new ArrayList<>(checks.run());
        for (Service s : untraced) {
            drafts.add(new Draft(Code.INSUFFICIENT_INFO, Severity.INFO, "no host's IPVS or iptables rules mention " + s.key() + " ("
                    + s.clusterIp() + "): where it leads is not in the snapshot, so its frontends were not traced").service(s.key())
                    .evidence(checks.ev(null, "services.txt", s.key() + " " + s.clusterIp(), s.clusterIp().toString()))
                    .fix("collect ipvsadm -Ln (or iptables-save) on a node running kube-proxy"));
        }
        Map<String, String> labels = namedBy(drafts);
        ReachabilityMatrix reduced = joined(unlabelled);
        ReachabilityMatrix matrix = reduced.relabelled(labels);
        long total = matrix.flowCount();
        List<Symptom> symptoms;
        if (total <= perFlowLimit) {
            symptoms = flowByFlow(matrix, new Attribution(drafts, checks, facts));
        } else {
            // A class's one traced flow speaks for all of it only if the hosts it holds in each role are named by the
            // same findings (the attribution looks findings up by host): hosts alike but named differently are classes
            // apart, and when attributing names more hosts, the classes are made again with those names.
            List<Draft> base = List.copyOf(drafts);
            for (int round = 0; ; round++) {
                drafts = new ArrayList<>(base.stream().map(Draft::copy).toList());
                symptoms = byClass(matrix, new Attribution(drafts, checks, facts));
                Map<String, String> named = namedBy(drafts);
                if (refines(labels, named) || round == MAX_ROUNDS) break;
                Map<String, String> next = new HashMap<>();
                for (Host h : scope.hosts()) {
                    String was = labels.get(h.name()), now = named.get(h.name());
                    if (was != null || now != null) next.put(h.name(), was + "/" + now);
                }
                labels = next;
                matrix = reduced.relabelled(labels);
            }
        }
        List<Report.Seen> seen = seen(drafts); // before followImpact: a probe the session saw fail is a flow that fails
        for (Draft d : drafts) d.followImpact(true); // every flow is accounted for, by itself or by its class
        List<Finding> findings = drafts.stream().map(Draft::build)
                .sorted(Comparator.comparing(Finding::severity).thenComparing(Finding::code)
                        .thenComparing(x -> x.hosts().isEmpty() ? "" : x.hosts().get(0))).toList();
        // "ok" is said only of flows traced to their end: with none, or some undecided, and nothing found wrong, the
        // evidence is what is missing (no data is never ok)
        long undecided = symptoms.stream().filter(Symptom::unknown).mapToLong(Symptom::flows).sum();
        String verdict = insufficient() ? Report.INSUFFICIENT
                : findings.stream().anyMatch(x -> x.severity() == Severity.CRITICAL) ? "critical"
                : findings.stream().anyMatch(x -> x.severity() == Severity.WARNING) ? "warning"
                : total == 0 || undecided > 0 || checks.withheld() ? Report.INSUFFICIENT : "ok";
        return new Report(snapshot.name(), verdict, findings, symptoms, total, 1, inferred.facts(), seen);
    }

    /**
     * Each probe of the session traced on the snapshot. A failure the operator saw where the trace gets through or
     * cannot tell is a finding of its own: what failed is not in the snapshot (a host not collected, the underlay
     * between hosts, a cloud's security group), and the verdict must not say ok.
     */
    private List<Report.Seen> seen(List<Draft> drafts) {
        if (observed.isEmpty()) return List.of(); // no session: no data plane built for it
        List<Report.Seen> out = new ArrayList<>();
        DataPlane plane = new DataPlane(snapshot);
        for (var o : observed) {
            var again = observed.stream().filter(x -> x.line() > o.line() && x.tool().equals(o.tool()) && x.target().equals(o.target())
                    && java.util.Objects.equals(x.host(), o.host())).findFirst();
            if (again.isPresent()) { // the operator ran it again (after a fix: flannel#710's iptables -I): the later one stands
                out.add(new Report.Seen(o, "unknown", "the same probe ran again later in the session (line " + again.get().line()
                        + ", " + again.get().result() + "), which is the one judged"));
                continue;
            } else if (o.earlier()) {
                out.add(new Report.Seen(o, "unknown", "the session shows some state again after this probe, and the snapshot holds the later state"));
            } else if (o.host() == null || snapshot.host(o.host()).isEmpty()) {
                out.add(new Report.Seen(o, "unknown", o.host() == null ? "no prompt names the host it ran on" : "host " + o.host() + " is not in the snapshot"));
            } else {
                Probe p = o.port() == 0 ? new Probe.Ping(o.ip()) : new Probe.Curl(new SocketAddress(o.ip(), o.port()));
                Trace t = plane.trace(o.host(), p);
                out.add(new Report.Seen(o, result(t.verdict()), t.reason()));
            }
            Report.Seen s = out.get(out.size() - 1);
            if (!o.failed() || o.earlier() || !(s.traced().equals("ok") || s.traced().equals("unknown"))) continue;
            String label = (o.host() == null ? "a host no prompt names" : o.host()) + " -> " + (o.port() == 0 ? "ping " : "") + o.target()
                    + ": " + o.result() + " (seen in the session)";
            Draft vteps = overlayConflict(drafts, o);
            if (vteps != null) { // the probe crosses the overlay whose FDB sends its peers to one address: that explains it
                vteps.severity = Severity.CRITICAL;
                vteps.evidence(new Evidence(snapshot.name(), o.line(), o.said())).broken(label, 1);
                continue;
            }
            String why = s.traced().equals("ok") ? "the snapshot's trace gets through, so what drops it is not in the snapshot"
                    + " (a host not collected, the underlay between hosts: a firewall or security group on UDP 8472)"
                    : "the snapshot cannot tell: " + s.reason();
            dev.kubepath.model.Route viaDefault = onlyDefaultRoute(o);
            String offOverlay = viaDefault == null ? "" : offOverlay(o, viaDefault);
            why += offOverlay;
            String from = o.host() == null ? "a host no prompt names" : o.host();
            Draft d = new Draft(Code.OBSERVED_FAILURE, Severity.WARNING, from + ": " + o.tool() + " to " + o.target() + " ended "
                    + o.result() + " in the session; " + why)
                    .subnet(o.target()).evidence(new Evidence(snapshot.name(), o.line(), o.said()))
                    .fix("collect the state of the hosts on its way (sh collect.sh OUTDIR on each, and --cluster once) and run the doctor again");
            if (o.host() != null) d.host(o.host());
            if (!offOverlay.isEmpty()) { // the routing table's line that sends it off the overlay
                String text = "default" + (viaDefault.via() == null ? "" : " via " + viaDefault.via()) + " dev " + viaDefault.dev();
                d.evidence(source.find(o.host(), "route.txt", "default", String.valueOf(viaDefault.via()))
                        .or(() -> source.find(o.host(), "route.txt", "0.0.0.0", String.valueOf(viaDefault.via())))
                        .orElseGet(() -> new Evidence(source.name(o.host(), "route.txt"), null, text)));
            }
            d.broken(label, 1);
            drafts.add(d);
        }
        return out;
    }

    /** The matrix made on the other thread; what failed there fails here, as itself (an InputException, OutOfMemoryError). */
    private static ReachabilityMatrix joined(CompletableFuture<ReachabilityMatrix> m) {
        try {
            return m.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException x) throw x;
            if (e.getCause() instanceof Error x) throw x;
            throw e;
        }
    }

    /**
     * What the probe's host's routes say of it where the trace could not end: an address only the default route covers,
     * on a host routing other subnets through its VXLAN device, leaves by the underlay's gateway, not the overlay (a
     * route flanneld did not add: rancher#13644). Observed in the routing table; whether the address is a pod's is
     * the leases' to say, and the note says so.
     */
    private String offOverlay(dev.kubepath.ingest.ProbeText.Observed o, dev.kubepath.model.Route best) {
        Host h = snapshot.host(o.host()).orElseThrow();
        java.util.Set<String> vxlan = new java.util.TreeSet<>();
        long overlayRoutes = 0;
        for (var r : h.routes()) {
            if (r.dev() != null && r.dst().length() > 0 && (r.dev().startsWith("flannel.") || h.link(r.dev()).filter(dev.kubepath.model.Link::isVxlan).isPresent())) {
                vxlan.add(r.dev());
                overlayRoutes++;
            }
        }
        if (vxlan.isEmpty()) return "";
        return String.format(java.util.Locale.ROOT, "; on %s, %s matches only the default route%s%s, while %d other subnets go through %s:"
                        + " no overlay route covers it (if it is a pod's address, its lease's route is missing here: the leases would say)",
                h.name(), o.ip(), best.via() == null ? "" : " via " + best.via(), best.dev() == null ? "" : " dev " + best.dev(),
                overlayRoutes, String.join(", ", vxlan));
    }

    /** The probe host's default route when it is the main table's best match for the probe's address (else null). */
    private dev.kubepath.model.Route onlyDefaultRoute(dev.kubepath.ingest.ProbeText.Observed o) {
        Host h = o.host() == null ? null : snapshot.host(o.host()).orElse(null);
        if (h == null || !h.knows(dev.kubepath.model.Facet.ROUTES)) return null;
        dev.kubepath.model.Route best = null;
        for (var r : h.routes()) {
            if ("main".equals(r.table()) && r.dst().contains(o.ip()) && (best == null || r.dst().length() > best.dst().length())) best = r;
        }
        return best == null || best.dst().length() != 0 ? null : best;
    }

    /** The FDB's PUBLIC_IP_CONFLICT of the probe's host, when the host routes the probe's address through its VXLAN device. */
    private Draft overlayConflict(List<Draft> drafts, dev.kubepath.ingest.ProbeText.Observed o) {
        if (o.host() == null) return null;
        Host h = snapshot.host(o.host()).orElse(null);
        if (h == null) return null;
        dev.kubepath.model.Route best = null;
        for (var r : h.routes()) {
            if (r.dst().contains(o.ip()) && (best == null || r.dst().length() > best.dst().length())) best = r;
        }
        if (best == null || best.dev() == null || h.link(best.dev()).filter(dev.kubepath.model.Link::isVxlan).isEmpty()) return null;
        String dev = best.dev();
        for (Draft d : drafts) {
            if (d.code == Code.PUBLIC_IP_CONFLICT && d.hosts.contains(o.host()) && d.summary.startsWith(dev + " of " + o.host() + " sends")) return d;
        }
        return null;
    }

    /** Each host some finding names, labelled with the findings that name it (their places in the list). */
    private static Map<String, String> namedBy(List<Draft> drafts) {
        Map<String, StringBuilder> out = new HashMap<>();
        for (int i = 0; i < drafts.size(); i++) {
            for (String h : drafts.get(i).hosts) out.computeIfAbsent(h, k -> new StringBuilder()).append(i).append(',');
        }
        Map<String, String> labels = new HashMap<>();
        out.forEach((h, b) -> labels.put(h, b.toString()));
        return labels;
    }

    /**
     * Hosts that share a label in {@code used} (or have none there) share one in {@code now}: the classes made with
     * {@code used} hold, in each role, only hosts the findings treat alike.
     */
    private static boolean refines(Map<String, String> used, Map<String, String> now) {
        Map<String, String> seen = new HashMap<>();
        Set<String> hosts = new HashSet<>(used.keySet());
        hosts.addAll(now.keySet());
        for (String h : hosts) {
            String was = String.valueOf(used.get(h)), is = String.valueOf(now.get(h));
            if (!is.equals(seen.computeIfAbsent(was, k -> is))) return false;
        }
        // hosts labelled nowhere are one group with the hosts unlabelled before and now
        String unlabelled = seen.get("null");
        return unlabelled == null || unlabelled.equals("null");
    }

    /** No hosts, or neither a cluster object nor any host facet: nothing here can show the network is fine. */
    private boolean insufficient() {
        if (snapshot.hosts().isEmpty()) return true;
        var c = snapshot.cluster();
        boolean cluster = !c.nodes().isEmpty() || !c.pods().isEmpty() || !c.services().isEmpty() || c.leases() != null;
        boolean hostFacts = snapshot.hosts().stream().anyMatch(h -> !h.known().isEmpty());
        return !cluster && !hostFacts;
    }

    private static List<String> briefs(Trace t) {
        if (t.assumed().isEmpty()) return List.of();
        return t.assumed().stream().map(dev.kubepath.dataplane.Assumption::brief).distinct().toList();
    }

    static String result(Verdict v) {
        return switch (v) {
            case DELIVERED -> "ok";
            case REFUSED -> "refused";
            case TIMEOUT -> "timeout";
            case UNREACHABLE -> "unreachable";
            case INSUFFICIENT_INFO -> "unknown";
        };
    }

    /**
     * Every flow of the matrix (every host to every pod subnet, ClusterIP:port and NodeIP:nodePort) traced on its own
     * and put down to a finding: the reference the class-based doctor is tested against, and the symptom table of a
     * cluster small enough for a person to read it flow by flow.
     */
    private List<Symptom> flowByFlow(ReachabilityMatrix matrix, Attribution attribution) {
        List<Flow> flows = new ArrayList<>();
        List<Destination> destinations = matrix.destinations();
        for (String from : matrix.hostNames()) for (Destination d : destinations) flows.add(new Flow(from, d.probe(), service(d)));
        DataPlane dp = matrix.dataPlane();
        Trace[] traces = new Trace[flows.size()];
        IntStream.range(0, flows.size()).parallel().forEach(i -> traces[i] = dp.trace(flows.get(i).from(), flows.get(i).probe()));
        List<Symptom> symptoms = new ArrayList<>(flows.size());
        for (int i = 0; i < flows.size(); i++) symptoms.add(symptom(flows.get(i), traces[i], 1, attribution));
        return symptoms;
    }

    /**
     * The matrix's classes of failing flows (hosts alike, destinations alike), each put down to a finding through the
     * trace of the one flow that stands for it, and counted for all its flows: the flows that work are never listed,
     * and only one flow per failing class is traced again here.
     */
    private List<Symptom> byClass(ReachabilityMatrix matrix, Attribution attribution) {
        Summary summary = matrix.summarize(progress);
        List<Summary.FlowClass> failing = new ArrayList<>();
        for (Summary.Counts c : summary.byKind().values()) failing.addAll(c.failing());
        // host by host, as the flow-by-flow doctor meets them, so that findings list their hosts in the same order
        Map<String, Integer> order = new java.util.HashMap<>();
        for (String h : matrix.hostNames()) order.put(h, order.size());
        failing.sort(Comparator.comparing((Summary.FlowClass c) -> order.get(c.example().from())));
        DataPlane dp = matrix.dataPlane();
        Trace[] traces = new Trace[failing.size()];
        IntStream.range(0, failing.size()).parallel().forEach(i -> {
            var e = failing.get(i).example();
            traces[i] = dp.trace(e.from(), e.to().probe());
        });
        List<Symptom> symptoms = new ArrayList<>(failing.size());
        for (int i = 0; i < failing.size(); i++) {
            var e = failing.get(i).example();
            symptoms.add(symptom(new Flow(e.from(), e.to().probe(), service(e.to())), traces[i], failing.get(i).flows(), attribution));
        }
        return symptoms;
    }

    /** One traced flow (or class of {@code flows} flows) as a symptom, its failure put down to a finding. */
    private static Symptom symptom(Flow f, Trace t, long flows, Attribution attribution) {
        if (t.verdict().ok()) return new Symptom(f.from(), f.target(), f.service(), "ok", null, t.reason(), t.basis(), briefs(t), flows);
        Draft d = attribution.explain(f, t);
        String result = result(t.verdict());
        if (d != null) d.broken(flows == 1 ? f.label() + ": " + result : flows + " flows like " + f.label() + ": " + result, flows);
        return new Symptom(f.from(), f.target(), f.service(), result, d == null ? null : d.code.name(), t.reason(), t.basis(),
                briefs(t), flows);
    }

    private static String service(Destination d) {
        return switch (d) {
            case Destination.PodSubnet p -> null;
            case Destination.ClusterIp c -> c.service();
            case Destination.NodePort n -> n.service();
        };
    }

    /** The snapshot with only these services: the others' frontends are not traced (an INSUFFICIENT_INFO finding says why). */
    private static Snapshot withServices(Snapshot s, List<Service> services) {
        Cluster c = s.cluster();
        return new Snapshot(s.name(), s.hosts(), new Cluster(c.nodes(), c.pods(), services, c.endpoints(), c.flannel(), c.leases(), c.serviceCidr(), c.unplacedPublicIps(), c.partial()));
    }

    /**
     * Every host's service rules are known (IPVS or iptables): a service none of them mentions leads nowhere that
     * could be traced. While some host's rules are unknown, the service is traced: those hosts' flows end unknown.
     */
    private boolean rulesKnownSomewhere() {
        return snapshot.hosts().stream().allMatch(h -> h.knows(dev.kubepath.model.Facet.IPVS) || h.knows(dev.kubepath.model.Facet.IPTABLES));
    }

    private Set<Ipv4> ruled;

    /** Some host's kube-proxy rules mention the service's ClusterIP (an IPVS virtual server, an iptables match, the nftables cluster-ips set). */
    private boolean ruledSomewhere(Service s) {
        if (ruled == null) ruled = ruledAddresses();
        return ruled.contains(s.clusterIp());
    }

    /** Every address some host's IPVS or iptables rules name: each shared part of the hosts' lists read once. */
    private Set<Ipv4> ruledAddresses() {
        Set<Ipv4> out = new HashSet<>();
        Set<Object> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Host h : snapshot.hosts()) {
            for (var part : dev.kubepath.model.SharedList.parts(h.virtualServers())) {
                if (!seen.add(part)) continue;
                // a node's NodePort servers sit on its own addresses: those, not 10,000 generated servers
                if (part.items() instanceof dev.kubepath.model.NodePortServers np) {
                    if (!np.isEmpty()) out.addAll(np.addresses());
                } else {
                    for (var vs : part.items()) out.add(vs.address().ip());
                }
            }
            // kube-proxy's nftables mode: the set of active ClusterIPs
            h.nftTable("ip", "kube-proxy").flatMap(t -> t.set("cluster-ips")).ifPresent(set -> {
                for (var e : set.elements()) {
                    try {
                        out.add(Ipv4.parse(e.key()));
                    } catch (IllegalArgumentException notAnAddress) {
                        // an interval or a concatenation: not a single ClusterIP
                    }
                }
            });
            for (var c : h.chains()) {
                for (var r : c.rules()) if (r.match().dst() != null && r.match().dst().length() == 32) out.add(r.match().dst().network());
            }
        }
        return out;
    }

    /** Puts a failing flow down to a finding, by where its trace ended and why; creates the findings only a trace shows. */
    static final class Attribution {
        private final List<Draft> drafts;
        private final Checks checks;
        private final Map<String, HostFacts> facts = new LinkedHashMap<>();

        /** Indexes: a 1,000-host snapshot traces two million flows, and each failing one is looked up here. */
        private final Map<Code, List<Draft>> byCode = new java.util.EnumMap<>(Code.class);
        private final Map<String, Draft> byKey = new java.util.HashMap<>();

        Attribution(List<Draft> drafts, Checks checks, List<HostFacts> facts) {
            this.drafts = drafts;
            this.checks = checks;
            for (HostFacts f : facts) this.facts.put(f.name(), f);
            for (Draft d : drafts) index(d);
        }

        private void index(Draft d) {
            byCode.computeIfAbsent(d.code, k -> new ArrayList<>()).add(d);
            for (String h : d.hosts) byKey.putIfAbsent(d.code + "|" + h, d);
        }

        private Draft add(Draft d) {
            drafts.add(d);
            index(d);
            return d;
        }

        private List<Draft> of(Code c) {
            return byCode.getOrDefault(c, List.of());
        }

        // Long on purpose: one case per kind of root Cause, each naming its finding; a case that finds none falls
        // through to the endpoint finding below. Split up, the dispatch over the sealed Cause would be scattered.
        Draft explain(Flow flow, Trace t) {
            Step last = decisive(t);
            Cause cause = t.cause().root();
            String host = cause.host();
            String why = t.reason();
            switch (cause) {
                case Cause.Unknown u -> {
                    if (u.facet() == Facet.CONTAINERS) {
                        return insufficient(host, "pods", "the pods on the hosts' bridges are not in the snapshot: flows ending at a pod cannot be decided");
                    }
                    // one finding per kind of gap: the same fact missing on another host is the same gap
                    return insufficient(host, u.facet().name(), why);
                }
                case Cause.UnknownGateway g -> {
                    return insufficient(host, "GATEWAY", why);
                }
                case Cause.ListingCut c -> {
                    // one finding per cut listing: the flows it leaves undecided, and where the cut is
                    // the summary says what and how, the evidence where (a session's line, or the bundle file's)
                    Draft d = insufficient(host, "cut|" + c.cut().kind(), "flows that need what a cut listing does not show cannot be decided (e.g. "
                            + c.what() + " is unknown: " + c.cut().how() + ")");
                    if (d.evidence.isEmpty()) d.evidence(new Evidence(c.cut().file(), c.cut().line() > 0 ? c.cut().line() : null, c.cut().shownBy()));
                    return d;
                }
                case Cause.ForwardingOff f -> {
                    return find(Code.IP_FORWARD_OFF, host, () -> new Draft(Code.IP_FORWARD_OFF, Severity.CRITICAL,
                            "net.ipv4.ip_forward=0 on " + host).host(host).evidence(checks.ev(host, "sysctl.txt", "net.ipv4.ip_forward = 0", "net.ipv4.ip_forward"))
                            .fix("on " + host + ": sysctl -w net.ipv4.ip_forward=1"));
                }
                case Cause.Filtered f when "FORWARD".equals(f.chain()) -> {
                    return find(Code.FORWARD_DROP, host, () -> new Draft(Code.FORWARD_DROP, Severity.CRITICAL, "the FORWARD chain of " + host + " drops pod traffic")
                            .host(host).evidence(checks.ev(host, "iptables.txt", String.valueOf(f.rule()), "FORWARD"))
                            .fix("on " + host + ": iptables -A FORWARD -s <pod network> -j ACCEPT; iptables -A FORWARD -d <pod network> -j ACCEPT"));
                }
                case Cause.ForeignVtep fv -> {
                    for (Draft x : of(Code.PUBLIC_IP_CONFLICT)) {
                        for (Lease l : checks.leasesAnnouncing(fv.vtep())) if (x.subnets.contains(l.subnet().toString())) return x;
                    }
                }
                case Cause.UnderlayFiltered u -> {
                    return find(Code.VXLAN_PORT_FILTERED, host, () -> new Draft(Code.VXLAN_PORT_FILTERED, Severity.CRITICAL, "filter " + u.chain()
                            + " of " + host + " drops VXLAN (UDP " + u.port() + ") from " + u.from()).host(host)
                            .evidence(checks.ev(host, "iptables.txt", String.valueOf(u.rule()), u.chain(), String.valueOf(u.port())))
                            .fix("allow UDP " + u.port() + " between all nodes in the host firewall and the network's security groups"));
                }
                case Cause.UnderlayTooSmall m -> {
                    Draft d = find(Code.UNDERLAY_MTU, host, () -> new Draft(Code.UNDERLAY_MTU, Severity.WARNING, m.underlayDev() + " of " + host
                            + " has mtu " + m.mtu() + ": encapsulated packets of " + m.outerSize() + " bytes do not fit").host(host)
                            .evidence(checks.ev(host, "link.txt", m.underlayDev() + " mtu " + m.mtu(), m.underlayDev(), "mtu " + m.mtu()))
                            .fix("on " + host + ": ip link set " + m.underlayDev() + " mtu " + (m.outerSize())));
                    d.severity = Severity.CRITICAL; // a traced flow fails because of it
                    return d;
                }
                case Cause.ReversePathFiltered rp -> {
                    Draft d = find(Code.RP_FILTER_DROP, host, () -> new Draft(Code.RP_FILTER_DROP, Severity.CRITICAL, "rp_filter=" + rp.mode()
                            + " on " + host + " drops packets from " + rp.src() + " arriving on " + rp.ingress()).host(host)
                            .evidence(checks.ev(host, "sysctl.txt", "net.ipv4.conf.all.rp_filter = " + rp.mode(), "rp_filter"))
                            .fix("on " + host + ": sysctl -w net.ipv4.conf.all.rp_filter=2   # loose: any route back will do"));
                    d.severity = Severity.CRITICAL;
                    return d;
                }
                case Cause.VtepMacMismatch v -> {
                    return vtep(host, why, null);
                }
                case Cause.NoNeighbour n -> {
                    return vtep(host, why, n.gateway());
                }
                case Cause.NoFdb n -> {
                    return vtep(host, why, null);
                }
                case Cause.TooBig b -> {
                    Draft d = byHost(Code.MTU_MISMATCH, host);
                    if (d != null) return d;
                }
                case Cause.NoRealServers n -> {
                    String svc = flow.service();
                    for (Draft x : of(Code.NO_ENDPOINTS)) if (x.services.contains(svc)) return x;
                    Draft d = new Draft(Code.NO_ENDPOINTS, Severity.WARNING, svc + " has no endpoint in the IPVS rules of " + host + ": connections are refused")
                            .service(svc).host(host).evidence(checks.ev(host, "ipvs.txt", n.virtualServer(), "rr"))
                            .fix("kubectl get endpoints " + (svc == null ? "" : svc.replace('/', ' ')));
                    return add(d);
                }
                case Cause.NoRoute n -> {
                    Draft d = unrouted(n.where(), host);
                    if (d != null) return d;
                }
                case Cause.LeavesCluster l -> {
                    Draft d = unrouted(l.where(), host);
                    if (d != null) return d;
                    // an answer addressed to a ClusterIP (its request left unmasqueraded) is no want of rules on the host
                    // answering: that failure is the endpoint's, below
                    if (l.clusterIpOf() != null && !(t.cause() instanceof Cause.AnswerLost)) {
                        d = byHost(Code.NO_SERVICE_PROXY, host);
                        if (d != null) return d;
                        d = new Draft(Code.NO_SERVICE_PROXY, facts.containsKey(host) && facts.get(host).isNode() ? Severity.CRITICAL : Severity.WARNING,
                                host + " has no rule for " + flow.target() + ": the ClusterIP follows the default route").host(host).service(flow.service())
                                .fix("on " + host + ": systemctl restart kube-proxy");
                        return add(d);
                    }
                }
                case Cause.NoArpAnswer a -> {
                    Draft d = unrouted(new Cause.Where(a.nextHop(), null, null, null, null, false), host);
                    if (d != null) return d;
                }
                case Cause.NothingListens n -> {
                    Draft d = byHost(Code.NODEPORT_ON_NON_NODE, host);
                    if (d != null && flow.probe() instanceof Probe.Curl) return d;
                    // a node with no kube-proxy (kubeProxy: none, a stopped one whose rules are gone) has no rule for its
                    // NodePorts either: the connection reaches its own sockets, where nothing listens on the port
                    d = byHost(Code.NO_SERVICE_PROXY, host);
                    if (d != null && flow.service() != null && flow.probe() instanceof Probe.Curl) return d;
                    if (t.assumed().stream().anyMatch(a -> a.facet() == Facet.SOCKETS)) {
                        return insufficient(host, "sockets", "whether anything listens on the hosts where some flows end is not in the snapshot (no socket list): their refusals may be wrong");
                    }
                }
                default -> { }
            }
            return endpointUnreachable(flow, t, last, why);
        }

        /** A service flow whose failure no check named: a finding for its endpoint, at most one per endpoint. */
        private Draft endpointUnreachable(Flow flow, Trace t, Step last, String why) {
            String backend = t.backend() == null ? null : t.backend().toString();
            if (backend != null && flow.service() != null) {
                Draft known = byKey.get("endpoint|" + backend);
                if (known != null) {
                    known.host(flow.from());
                    return known;
                }
                // a failure that rests on an assumption is no certain outage, and one that the checks could not name
                // for lack of evidence may be any of their causes: at most a warning, saying what is missing
                String missing = t.basis() == Basis.ASSUMED ? "it rests on an assumption" : missingEvidence(t);
                Severity sev = missing != null ? Severity.WARNING : Severity.CRITICAL;
                Draft d = new Draft(Code.ENDPOINT_UNREACHABLE, sev, "endpoint " + backend + " of " + flow.service()
                        + " cannot be reached: " + why + (missing == null ? "" : " (the cause is not certain: " + missing + ")"))
                        .service(flow.service()).subnet(backend).host(flow.from())
                        .evidence(new Evidence("trace", null, last.host() + " " + last.stage().label() + ": " + last.detail()))
                        .fix("kubepath trace SNAPSHOT --from " + flow.from() + " --to " + flow.target());
                byKey.put("endpoint|" + backend, d);
                return add(d);
            }
            return null;
        }

        /**
         * What the checks would need to name the cause of a failure on this trace and the snapshot lacks: the leases, or
         * the links and addresses of a host the trace crossed. Null when nothing is missing.
         */
        private String missingEvidence(Trace t) {
            if (!checks.leasesKnown()) return "flannel's leases are not in the snapshot";
            Set<String> seen = new java.util.LinkedHashSet<>();
            for (Step s : t.steps()) seen.add(s.host());
            // the backend's node too: a lost lease or a moved bridge there is what the checks would name, and they
            // cannot where no bridge of the node is known to hold the pod
            if (t.backend() != null) {
                for (var pod : checks.pods()) {
                    if (!t.backend().equals(pod.ip()) || pod.node() == null) continue;
                    seen.add(pod.node());
                    HostFacts node = facts.get(pod.node());
                    if (node != null && node.bridges().stream().noneMatch(b -> b.prefix().contains(pod.ip()))) {
                        return "no bridge of " + pod.node() + " holding " + pod.ip() + " is in the snapshot";
                    }
                }
            }
            if (t.backend() != null) {
                for (HostFacts f : facts.values()) if (f.bridges().stream().anyMatch(b -> b.prefix().contains(t.backend()))) seen.add(f.name());
                // and the host whose lease holds the backend: its bridge and routes are where the checks would look
                for (Lease l : checks.leasesAnnouncing(null)) {
                    if (!l.subnet().contains(t.backend())) continue;
                    for (HostFacts f : facts.values()) if (f.underlay().contains(l.publicIp())) seen.add(f.name());
                }
            }
            // no known bridge holds the backend, and some host's addresses are unknown: it may be that host's pod
            if (t.backend() != null && facts.values().stream().noneMatch(f -> f.bridges().stream().anyMatch(b -> b.prefix().contains(t.backend())))) {
                for (HostFacts f : facts.values()) {
                    if (f.underlay().isEmpty() || !f.knows(Facet.ADDRESSES)) return "the addresses of " + f.name() + ", which may hold " + t.backend()
                            + f.host().filteredBy(Facet.ADDRESSES).map(by -> ", are known only as `" + by + "` showed them").orElse(", are not in the snapshot");
                }
            }
            for (String host : seen) {
                HostFacts f = facts.get(host);
                if (f == null) continue;
                if (f.underlay().isEmpty()) return "the underlay address of " + host + " is not in the snapshot";
                for (Facet x : List.of(Facet.LINKS, Facet.ADDRESSES, Facet.ROUTES)) {
                    if (f.knows(x)) continue;
                    String what = x.name().toLowerCase(java.util.Locale.ROOT);
                    var by = f.host().filteredBy(x);
                    if (by.isPresent()) return "the " + what + " of " + host + " are known only as `" + by.get() + "` showed them";
                    return "the " + what + " of " + host + " are not in the snapshot";
                }
            }
            return null;
        }

        /** A packet with no route to where it goes: the lease or bridge finding of its subnet, else the host's route finding. */
        private Draft unrouted(Cause.Where where, String host) {
            for (Code c : List.of(Code.LEASE_MISSING, Code.BRIDGE_SUBNET_MISMATCH)) {
                Draft d = bySubnet(where.ip(), c);
                if (d != null) return d;
            }
            // the dropping host's own route finding (another host may miss the same lease)
            for (Code c : List.of(Code.HOSTGW_NOT_ADJACENT, Code.ROUTE_MISSING, Code.ROUTE_STALE)) {
                Draft d = byHost(c, host);
                if (d == null || !holds(d, where.ip())) continue;
                if (c == Code.ROUTE_MISSING) d.severity = Severity.CRITICAL; // a traced flow fails because of it
                return d;
            }
            return null;
        }

        private static boolean holds(Draft d, Ipv4 ip) {
            for (String sub : d.subnets) if (sub.contains("/") && Prefix.parse(sub).contains(ip)) return true;
            return false;
        }

        /** The VTEP finding for a neighbour/FDB/MAC failure: of the gateway's lease, else of the host. */
        private Draft vtep(String host, String why, Ipv4 gateway) {
            if (gateway != null) {
                Draft d = bySubnet(gateway, Code.VTEP_MISMATCH);
                if (d != null) return d;
            }
            Draft v = byHost(Code.VTEP_MISMATCH, host);
            if (v != null) return v;
            return find(Code.VTEP_MISMATCH, host, () -> new Draft(Code.VTEP_MISMATCH, Severity.CRITICAL, "the overlay of " + host
                    + " disagrees with the leases: " + why).host(host).fix("on " + host + ": systemctl restart flanneld"));
        }

        /** One INSUFFICIENT_INFO finding per kind of gap, listing the hosts it touches. */
        private Draft insufficient(String host, String kind, String why) {
            Draft x = byKey.get("insufficient|" + kind);
            if (x != null) {
                if (!x.hosts.contains(host)) {
                    x.host(host);
                    x.fix.clear();
                    x.fix("collect the missing state on " + String.join(", ", x.hosts) + " (sh collect.sh OUTDIR on each) and run the doctor again");
                }
                return x;
            }
            Draft d = new Draft(Code.INSUFFICIENT_INFO, Severity.INFO, why).host(host)
                    .fix("collect the missing state on " + host + " (sh collect.sh OUTDIR on each) and run the doctor again");
            byKey.put("insufficient|" + kind, d);
            return add(d);
        }

        /** The step that decided the flow's fate: the drop, else the socket or IPVS answer (the reply's steps follow it). */
        private static Step decisive(Trace t) {
            for (int i = t.steps().size() - 1; i >= 0; i--) if (t.steps().get(i).stage() == Stage.DROP) return t.steps().get(i);
            for (int i = t.steps().size() - 1; i >= 0; i--) {
                Stage s = t.steps().get(i).stage();
                if (s == Stage.SOCKET || s == Stage.POD || s == Stage.IPVS) return t.steps().get(i);
            }
            return t.last();
        }

        private Draft byHost(Code code, String host) {
            return byKey.get(code + "|" + host);
        }

        private Draft find(Code code, String host, java.util.function.Supplier<Draft> make) {
            Draft d = byHost(code, host);
            if (d != null) return d;
            return add(make.get());
        }

        /** The finding of this code one of whose subnets holds the address. */
        private Draft bySubnet(Ipv4 ip, Code code) {
            for (Draft x : of(code)) {
                for (String sub : x.subnets) {
                    if (!sub.contains("/")) continue;
                    if (Prefix.parse(sub).contains(ip)) return x;
                }
            }
            return null;
        }
    }

}
