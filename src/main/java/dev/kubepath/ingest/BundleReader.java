package dev.kubepath.ingest;

import dev.kubepath.model.Cluster;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Facet;
import dev.kubepath.model.FlannelConfig;
import dev.kubepath.model.Host;
import dev.kubepath.model.HostBuilder;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Node;
import dev.kubepath.model.PartialListing;
import dev.kubepath.model.Pod;
import dev.kubepath.model.PublicIpAnnotation;
import dev.kubepath.model.Service;
import dev.kubepath.model.Snapshot;
import dev.kubepath.net.Ipv4;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * Reads a bundle directory (see docs/bundle-format.md) into a {@link Snapshot}. Nothing in a bundle makes it throw:
 * a missing directory or required file, an unreadable line, a file holding the same command twice are all
 * {@link ParseProblem}s. A facet whose file is absent (or yielded nothing but problems) stays unknown on the host.
 */
public final class BundleReader {
    /**
     * The snapshot, every problem met, each host's /run/flannel/subnet.env and each host's nft ruleset (nft.txt) when
     * the bundle has them (the model's Host has no place for either; the ruleset's facts are in the host).
     */
    public record Result(Snapshot snapshot, List<ParseProblem> problems, Map<String, SubnetEnv> subnetEnvs,
                         Map<String, List<Nftables.Table>> nftables) {
        public Result {
            problems = List.copyOf(problems);
            subnetEnvs = Map.copyOf(subnetEnvs);
            nftables = Map.copyOf(nftables);
        }

        public Result(Snapshot snapshot, List<ParseProblem> problems, Map<String, SubnetEnv> subnetEnvs) {
            this(snapshot, problems, subnetEnvs, Map.of());
        }
    }

    private final List<ParseProblem> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Path root;

    private BundleReader(Path root) {
        this.root = root;
    }

    public static Result read(Path bundle) {
        return new BundleReader(bundle).run();
    }

    private Result run() {
        if (!Files.isDirectory(root)) {
            problem(root.toString(), "bundle directory does not exist");
            return new Result(new Snapshot(name(), List.of(), Cluster.EMPTY), problems, Map.of());
        }
        Path hostsDir = root.resolve("hosts");
        List<Path> hostDirs = hostDirs(hostsDir);
        // The cluster's files are read on another thread while the hosts' are (the first lease read starts the JSON
        // reader, a third of a second alone), unless a host directory is named by an address: then its node's name
        // must be known first. The cluster's problems come first all the same.
        BundleReader clusterReader = new BundleReader(root);
        java.util.concurrent.CompletableFuture<Cluster> reading = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> clusterReader.readCluster(root.resolve("cluster")));
        boolean byAddress = hostDirs != null && hostDirs.stream().anyMatch(d -> Ipv4.isValid(d.getFileName().toString()));
        Cluster known = byAddress ? joined(reading) : null;
        Map<String, SubnetEnv> envs = new LinkedHashMap<>();
        List<Host> hosts = readHosts(hostsDir, hostDirs, known == null ? Cluster.EMPTY : known, envs);
        Cluster cluster = joined(reading);
        problems.addAll(0, clusterReader.problems);
        if (hostDirs != null) unmatchedNodes(hostsDir, hosts, cluster);
        Map<String, List<Nftables.Table>> nft = new LinkedHashMap<>();
        for (Host h : hosts) if (h.knows(Facet.NFT)) nft.put(h.name(), h.list(Facet.NFT, Nftables.Table.class));
        return new Result(new Snapshot(name(), hosts, cluster), problems, envs, nft);
    }

    private String name() {
        Path f = root.getFileName();
        return f == null ? root.toString() : f.toString();
    }

    private void problem(String file, String message) {
        problems.add(new ParseProblem(file, 0, message));
    }

    private String rel(Path p) {
        try {
            return root.relativize(p).toString();
        } catch (IllegalArgumentException e) {
            return p.toString();
        }
    }

    /** The file's text with only the last output of each repeated command kept (earlier ones are reported). */
    private String text(Path file) {
        String name = rel(file);
        String text;
        try {
            text = Transcript.text(Files.readAllBytes(file));
        } catch (IOException e) {
            problem(name, "cannot read: " + e.getMessage());
            return null;
        }
        List<Transcript.Section> sections = Transcript.of(text).sections();
        Map<String, Transcript.Section> last = new HashMap<>();
        for (Transcript.Section s : sections) if (s.command() != null) last.put(s.command(), s);
        if (last.size() == sections.stream().filter(s -> s.command() != null).count()) return text;
        String[] lines = text.split("\n", -1);
        for (Transcript.Section s : sections) {
            if (s.command() == null || last.get(s.command()) == s) continue;
            problems.add(new ParseProblem(name, s.promptLine(), "'" + s.command() + "' appears again later in the file; only its last output is read"));
            for (Transcript.Line l : s.lines()) lines[l.number() - 1] = "";
        }
        return String.join("\n", lines);
    }

    /** A file's text read a second time (its problems were reported the first time); null when it cannot be read. */
    private static String raw(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        } catch (IOException | java.io.UncheckedIOException e) {
            return null;
        }
    }

    /** Parses the first of the given files that exists; null when none does. */
    private <T> T parse(Path dir, boolean required, String what, List<String> names,
                        List<BiFunction<String, String, Parsed<T>>> parsers) {
        for (int i = 0; i < names.size(); i++) {
            Path f = dir.resolve(names.get(i));
            if (!Files.isRegularFile(f)) continue;
            String text = text(f);
            if (text == null) return null;
            // each block of the file is read in its own format (the file's own parser for blocks with no signature)
            String key = rel(f).startsWith("cluster/") ? "cluster/" + names.get(i) : names.get(i);
            BiFunction<String, String, Parsed<T>> own = parsers.get(i);
            Formats.Format fallback = new Formats.Format(key, names.get(i), c -> false, s -> false, false, own::apply);
            LineLedger.Result r = LineLedger.read(rel(f), text, Formats.forFile(key), fallback);
            problems.addAll(r.problems());
            @SuppressWarnings("unchecked") T value = (T) r.value();
            boolean rejected = r.problems().stream().anyMatch(p -> !p.message().startsWith("note: "));
            if (value == null || rejected && empty(value)) return null; // nothing but problems: still unknown
            return value;
        }
        if (required) problem(rel(dir.resolve(names.get(0))), "missing (" + what + "; expected " + String.join(" or ", names) + ")");
        return null;
    }

    private <T> T parse(Path dir, boolean required, String what, String name, BiFunction<String, String, Parsed<T>> parser) {
        return parse(dir, required, what, List.of(name), List.of(parser));
    }

    private static boolean empty(Object value) {
        return value == null || value instanceof Collection<?> c && c.isEmpty() || value instanceof Map<?, ?> m && m.isEmpty()
                || value instanceof Interfaces i && i.links().isEmpty() && i.addresses().isEmpty();
    }

    private Cluster readCluster(Path dir) {
        if (!Files.isDirectory(dir)) {
            problem(rel(dir), "cluster directory is missing: no nodes, pods, services or leases");
            return Cluster.EMPTY;
        }
        reportUnexpected(dir, CLUSTER_FILES);
        List<Node> nodes = parse(dir, true, "kubectl get nodes", List.of("nodes.json", "nodes.txt"),
                List.of(KubectlJson::nodes, KubectlText::nodes));
        List<Pod> pods = parse(dir, true, "kubectl get pods -A", List.of("pods.json", "pods.txt"),
                List.of(KubectlJson::pods, KubectlText::pods));
        List<Service> services = parse(dir, true, "kubectl get svc -A", List.of("services.json", "services.txt"),
                List.of(KubectlJson::services, KubectlText::services));
        List<Endpoints> slices = parse(dir, false, "kubectl get endpointslices -A", List.of("endpointslices.json"),
                List.of(KubectlJson::endpointSlices));
        List<Endpoints> endpoints = parse(dir, false, "kubectl get endpoints -A", List.of("endpoints.json", "endpoints.txt"),
                List.of(KubectlJson::endpoints, KubectlText::endpoints));
        if (slices != null) { // EndpointSlices are the source; Endpoints only for services that have no slice
            List<Endpoints> merged = new ArrayList<>(slices);
            for (Endpoints e : orEmpty(endpoints)) if (slices.stream().noneMatch(x -> x.key().equals(e.key()))) merged.add(e);
            endpoints = merged;
        }
        if (services != null && Files.isRegularFile(dir.resolve("services.json"))) {
            Parsed<List<Service>> resolved = TargetPorts.resolve(rel(dir.resolve("services.json")), raw(dir.resolve("services.json")),
                    services, orEmpty(endpoints), raw(dir.resolve("pods.json")));
            problems.addAll(resolved.problems());
            services = resolved.value();
        }
        FlannelConfig flannel = parse(dir, false, "flannel network config", List.of("flannel-config.json", "kube-flannel-cfg.json"),
                List.of(FlannelConfigJson::parse, FlannelConfigJson::fromConfigMap));
        List<Lease> leases = Files.isRegularFile(dir.resolve("leases.txt")) || !kubeSubnetManager(dir)
                ? parse(dir, true, "flannel subnet leases", "leases.txt", LeasesText::parse)
                : kubeLeases(dir.resolve("nodes.json"));
        String leasesText = Files.isRegularFile(dir.resolve("leases.txt")) ? raw(dir.resolve("leases.txt")) : null;
        List<PublicIpAnnotation> unplaced = leasesText == null ? List.of() : LeasesText.unplacedPublicIps(leasesText);
        List<PartialListing> partial = new ArrayList<>();
        if (nodes != null) partial(dir, PartialListing.Kind.NODES, List.of("nodes.json", "nodes.txt"), partial);
        if (pods != null) partial(dir, PartialListing.Kind.PODS, List.of("pods.json", "pods.txt"), partial);
        if (services != null) partial(dir, PartialListing.Kind.SERVICES, List.of("services.json", "services.txt"), partial);
        if (endpoints != null && slices == null) partial(dir, PartialListing.Kind.ENDPOINTS, List.of("endpoints.json", "endpoints.txt"), partial);
        return new Cluster(orEmpty(nodes), orEmpty(pods), orEmpty(services), orEmpty(endpoints), flannel, leases, null, unplaced, partial);
    }

    /**
     * A listing pasted through a filter or narrowed by kubectl ({@code kubectl get pods -o wide | grep node2}, {@code
     * kubectl get svc -n default}): the objects it shows are read as they are; the listing is marked partial, so that
     * what it lacks stays unknown. The first of the files that exists is the one read (as {@link #parse}).
     */
    private void partial(Path dir, PartialListing.Kind kind, List<String> names, List<PartialListing> out) {
        for (String n : names) {
            Path f = dir.resolve(n);
            if (!Files.isRegularFile(f)) continue;
            Partial.Shown s = Partial.listing(raw(f));
            // nodes have no namespace: kubectl get nodes without -A shows them all
            if (s != null && !(kind == PartialListing.Kind.NODES && s.namespace() != null)) {
                out.add(new PartialListing(kind, s.by(), s.namespace(), rel(f), s.line()));
            }
            return;
        }
    }

    /** flannel with --kube-subnet-mgr keeps no leases in etcd: its nodes' annotations in nodes.json are the leases. */
    private static boolean kubeSubnetManager(Path dir) {
        String nodes = raw(dir.resolve("nodes.json"));
        return nodes != null && nodes.contains("/kube-subnet-manager\"");
    }

    private List<Lease> kubeLeases(Path nodesJson) {
        Parsed<List<Lease>> p = LeasesText.parse(rel(nodesJson), text(nodesJson));
        problems.addAll(p.problems());
        return p.value();
    }

    private static <T> List<T> orEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }

    /** What the other thread read, or what failed there, as itself. */
    private static Cluster joined(java.util.concurrent.CompletableFuture<Cluster> reading) {
        try {
            return reading.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException x) throw x;
            if (e.getCause() instanceof Error x) throw x;
            throw e;
        }
    }

    /** The host directories, in name order; null (with the problem said) when there are none to read. */
    private List<Path> hostDirs(Path dir) {
        if (!Files.isDirectory(dir)) {
            problem(rel(dir), "hosts directory is missing: no host state");
            return null;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            problem(rel(dir), "cannot list: " + e.getMessage());
            return null;
        }
    }

    private List<Host> readHosts(Path dir, List<Path> hostDirs, Cluster cluster, Map<String, SubnetEnv> envs) {
        List<Host> hosts = new ArrayList<>();
        if (hostDirs == null) return hosts;
        if (hostDirs.isEmpty()) problem(rel(dir), "no host directories");
        // hosts are read in parallel (a 1,000-host bundle is a million lines); their problems and subnet.env files
        // are put back in host order afterwards, so the result does not depend on the scheduling
        int before = problems.size();
        Map<String, SubnetEnv> found = new java.util.concurrent.ConcurrentHashMap<>();
        hosts.addAll(hostDirs.parallelStream().map(h -> readHost(h, cluster, found)).toList());
        for (Host h : hosts) if (found.containsKey(h.name())) envs.put(h.name(), found.get(h.name()));
        synchronized (problems) {
            problems.subList(before, problems.size()).sort(java.util.Comparator.comparing(ParseProblem::file).thenComparingInt(ParseProblem::line));
        }
        return hosts;
    }

    /** A node of the listing whose host has no directory: its state is unknown, and said so. */
    private void unmatchedNodes(Path dir, List<Host> hosts, Cluster cluster) {
        java.util.Set<String> read = new java.util.HashSet<>();
        for (Host h : hosts) read.add(h.name());
        for (Node n : cluster.nodes()) {
            if (!read.contains(n.name())) {
                problem(rel(dir.resolve(n.name())), "no directory for node " + n.name()
                        + (n.internalIp() != null ? " (or " + n.internalIp() + ")" : "") + ": its host state is unknown");
            }
        }
    }

    /** A directory named by a node's InternalIP is that node's host. */
    private static String hostName(String dirName, Cluster cluster) {
        if (Ipv4.isValid(dirName)) {
            Ipv4 ip = Ipv4.parse(dirName);
            for (Node n : cluster.nodes()) if (ip.equals(n.internalIp())) return n.name();
        }
        return dirName;
    }

    private static final String SUBNET_ENV = "subnet.env";
    /** Besides the facets: flanneld's subnet.env, and the kubelet's failed sandboxes (read by the doctor as evidence). */
    private static final List<String> HOST_FILES = Stream.concat(HostFacets.ALL.stream().map(HostFacets.Entry::file),
            Stream.of(SUBNET_ENV, "kubelet.log")).toList();
    private static final List<String> CLUSTER_FILES = List.of("nodes.json", "nodes.txt", "pods.json", "pods.txt",
            "services.json", "services.txt", "endpoints.json", "endpoints.txt", "endpointslices.json", "flannel-config.json", "kube-flannel-cfg.json", "leases.txt", "events.txt");

    /** A misspelt file name would silently leave a facet unknown, so files the format does not name are reported. */
    private void reportUnexpected(Path dir, List<String> expected) {
        try (Stream<Path> s = Files.list(dir)) {
            s.sorted().forEach(f -> {
                if (!expected.contains(f.getFileName().toString())) problem(rel(f), "not a bundle file; not read (expected one of " + String.join(", ", expected) + ")");
            });
        } catch (IOException e) {
            problem(rel(dir), "cannot list: " + e.getMessage());
        }
    }

    private Host readHost(Path dir, Cluster cluster, Map<String, SubnetEnv> envs) {
        reportUnexpected(dir, HOST_FILES);
        String name = hostName(dir.getFileName().toString(), cluster);
        HostBuilder b = Host.builder(name);
        for (HostFacets.Entry<?> facet : HostFacets.ALL) read(dir, b, facet);
        // flanneld's own file, not a facet of the host: the doctor reads it beside the snapshot
        SubnetEnv env = parse(dir, false, "flannel subnet.env", SUBNET_ENV, SubnetEnv::parse);
        if (env != null) envs.put(name, env);
        return b.build();
    }

    private <T> void read(Path dir, HostBuilder b, HostFacets.Entry<T> facet) {
        String[] text = new String[1]; // the file as read for its parser, so that whether it is filtered is told without reading it again
        T value = parse(dir, facet.required(), facet.what(), facet.file(), (f, t) -> {
            text[0] = t;
            return facet.parser().parse(f, t, b);
        });
        if (value == null) return;
        java.util.Set<Facet> before = java.util.EnumSet.noneOf(Facet.class);
        for (Facet f : Facet.values()) if (b.knows(f)) before.add(f);
        facet.land().land(b, value, rel(dir.resolve(facet.file())), problems);
        // a filtered paste (ip route | grep flannel): its lines stay as observed facts, the listing is not the whole
        String shownBy = Partial.shownBy(text[0]);
        if (shownBy == null) return;
        List<String> partial = new ArrayList<>();
        for (Facet f : Facet.values()) {
            if (f == Facet.FILTERED || before.contains(f) || !b.knows(f)) continue;
            b.filtered(f, shownBy);
            partial.add(f.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (!partial.isEmpty()) {
            problems.add(new ParseProblem(rel(dir.resolve(facet.file())), 0, "note: shown only through a filter (" + shownBy
                    + "): its lines are read, but the " + String.join(" and ", partial) + " of " + b.name()
                    + " stay unknown (what the filter left out is not absent)"));
        }
    }
}
