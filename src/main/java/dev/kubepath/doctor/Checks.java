package dev.kubepath.doctor;

import dev.kubepath.ingest.DockerOpts;

import dev.kubepath.model.Chain;
import dev.kubepath.model.Cluster;
import dev.kubepath.model.Daemon;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Facet;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.PartialListing;
import dev.kubepath.model.Pod;
import dev.kubepath.model.PublicIpAnnotation;
import dev.kubepath.model.Route;
import dev.kubepath.model.Rule;
import dev.kubepath.model.Service;
import dev.kubepath.model.Snapshot;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The static checks: each compares what a host's kernel holds with what the leases and the cluster objects say it
 * should hold, and writes one finding per host and cause, with the lines it rests on and the fix.
 */
final class Checks {
    private final Snapshot snapshot;
    private final Cluster cluster;
    private final List<HostFacts> hosts;
    private final EvidenceSource source;
    private final ClusterIndex index;
    /** Each host's FLANNEL_SUBNET from /run/flannel/subnet.env; a host not in it has no such file in the snapshot. */
    private final Map<String, Prefix> subnetEnvs;
    /** Hosts whose flannel.N address was inferred from their lease (not observed): it cannot show the lease is not the file's. */
    private final java.util.Set<String> vtepInferred;
    final List<Draft> drafts = new ArrayList<>();

    Checks(Snapshot snapshot, List<HostFacts> hosts, ClusterIndex index, EvidenceSource source, Map<String, Prefix> subnetEnvs,
           java.util.Set<String> vtepInferred) {
        this.snapshot = snapshot;
        this.cluster = snapshot.cluster();
        this.hosts = hosts;
        this.index = index;
        this.source = source;
        this.subnetEnvs = Map.copyOf(subnetEnvs);
        this.vtepInferred = java.util.Set.copyOf(vtepInferred);
    }

    /** Lists each node's public-ip annotation: after the fix, each node shows its own. */
    private static final String PUBLIC_IP_CHECK = "kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name} "
            + "{.metadata.annotations.flannel\\.alpha\\.coreos\\.com/public-ip}{\"\\n\"}{end}'   # check: each node its own";

    List<Draft> run() {
        if (cluster.leases() == null) {
            drafts.add(new Draft(Code.INSUFFICIENT_INFO, Severity.INFO,
                    "flannel's leases are not in the snapshot: leases, routes and VTEPs were not checked")
                    .evidence(absent(null, "leases.txt", "no lease listing")).fix("collect the leases: sh collect.sh --cluster OUTDIR"));
        }
        if (cluster.leases() != null) prepareRoutes();
        for (HostFacts f : hosts) {
            if (cluster.leases() != null) {
                leases(f);
                routes(f);
                hostGwAdjacency(f);
                vteps(f);
            }
            subnetEnv(f);
            dockerOpts(f);
            overlayDown(f);
            mtu(f);
            underlayMtu(f);
            vxlanFiltered(f);
            reversePath(f);
            bridgeNetfilter(f);
            forwarding(f);
            forwardCatchAll(f);
            serviceProxy(f);
            nodePorts(f);
            staleDestinations(f);
        }
        if (cluster.leases() != null) {
            staleRouteFindings();
            publicIps();
        } else {
            for (HostFacts f : hosts) sharedVtepDestinations(f);
            staleVtepMacs();
        }
        unplacedPublicIps();
        endpoints();
        return drafts;
    }

    List<Pod> pods() {
        return cluster.pods();
    }

    // ---- listings shown in part -----------------------------------------------------------------------------------

    /** The INSUFFICIENT_INFO findings of conclusions withheld because a listing was shown only in part, by what and listing. */
    private final Map<String, Draft> withheld = new java.util.LinkedHashMap<>();

    /** Some conclusion was withheld because a Kubernetes listing was shown only in part: the verdict cannot be ok. */
    boolean withheld() {
        return !withheld.isEmpty();
    }

    /** How the pod listing was cut where it may lack a pod of any host (empty when it shows every pod). */
    private Optional<PartialListing> podsCut() {
        return cluster.partial(PartialListing.Kind.PODS, null);
    }

    /**
     * A conclusion that would rest on what a cut listing lacks is not drawn: one INSUFFICIENT_INFO line per question
     * and listing, naming the hosts, the question (and the finding it would have decided) and where the cut is.
     */
    private void notConcluded(HostFacts f, String question, PartialListing cut) {
        notConcluded(f.name(), null, question, cut);
    }

    private void notConcluded(String host, String service, String question, PartialListing cut) {
        Draft d = withheld.computeIfAbsent(question + "|" + cut.kind(), k -> {
            Draft x = new Draft(Code.INSUFFICIENT_INFO, Severity.INFO, "")
                    .evidence(new Evidence(cut.file(), cut.line() > 0 ? cut.line() : null, cut.shownBy()))
                    .fix("paste the whole listing (kubectl get " + switch (cut.kind()) {
                        case NODES -> "nodes -o wide";
                        case PODS -> "pods -A -o wide";
                        case SERVICES -> "svc -A";
                        case ENDPOINTS -> "ep -A";
                    } + ", no filter) and run the doctor again");
            drafts.add(x);
            return x;
        });
        if (host != null) d.host(host);
        if (service != null) d.service(service);
        List<String> who = new ArrayList<>(d.hosts);
        who.addAll(d.services);
        d.summary = "not concluded for " + String.join(", ", who) + ": " + question + ", since " + cut.how()
                + " (what it does not show is unknown, not absent)";
    }

    /** flannel's leases are in the snapshot (an empty listing counts: it says no lease is held). */
    boolean leasesKnown() {
        return cluster.leases() != null;
    }

    // ---- evidence -----------------------------------------------------------------------------------------------

    Evidence ev(String host, String file, String modelText, String... needles) {
        return source.find(host, file, needles).orElseGet(() -> new Evidence(source.name(host, file), null, modelText));
    }

    Evidence absent(String host, String file, String what) {
        return new Evidence(source.name(host, file), null, what);
    }

    Evidence leaseLine(Lease l) {
        String text = "lease " + l.subnet() + " PublicIP " + l.publicIp() + (l.vtepMac() != null ? " VtepMAC " + l.vtepMac() : "");
        Optional<Evidence> e = source.find(null, "leases.txt", l.publicIp().toString())
                .or(() -> source.find(null, "nodes.json", "/public-ip\"", "\"" + l.publicIp() + "\"")); // --kube-subnet-mgr: node annotations
        return e.orElseGet(() -> source.find(null, "leases.txt", l.subnet().network().toString())
                .orElseGet(() -> new Evidence(source.name(null, "leases.txt"), null, text)));
    }

    private Evidence leaseListing;

    /** The registry's listing, once: every lease finding of a large cluster cites it. */
    Evidence leaseListing() {
        if (leaseListing == null) leaseListing = findLeaseListing();
        return leaseListing;
    }

    private static final int LEASES_LISTED = 8;

    private Evidence findLeaseListing() {
        List<String> subnets = cluster.leases().stream().map(l -> l.subnet().toString()).toList();
        // a thousand subnets on one evidence line read as noise: past a screenful the count and the first few say it
        String text = "leases held: " + (subnets.isEmpty() ? "none" : subnets.size() <= LEASES_LISTED ? String.join(", ", subnets)
                : subnets.size() + " (" + String.join(", ", subnets.subList(0, LEASES_LISTED)) + " and " + (subnets.size() - LEASES_LISTED) + " more)");
        return source.find(null, "leases.txt", "etcdctl", "ls")
                .or(() -> source.find(null, "leases.txt", "etcdctl", "get"))
                .map(e -> new Evidence(e.file(), e.line(), e.text() + "   (" + text + ")"))
                .orElseGet(() -> new Evidence(source.name(null, "leases.txt"), null, text));
    }

    private Evidence addressLine(HostFacts f, IfAddress a) {
        return ev(f.name(), "addr.txt", a.ip() + "/" + a.prefixLength() + " dev " + a.dev(), a.ip().toString());
    }

    private Evidence routeLine(HostFacts f, Route r) {
        return ev(f.name(), "route.txt", r.describe(), r.dst().network().toString());
    }

    private static String on(HostFacts f, String command) {
        return "on " + f.name() + ": " + command;
    }

    // ---- overlay ------------------------------------------------------------------------------------------------

    private void leases(HostFacts f) {
        List<Pod> pods = index.podsOn(f.name()).stream().filter(p -> p.ip() != null).toList();
        // the host's own containers are its pods too, where the pod list or the bridge's address line lacks them
        List<dev.kubepath.model.Container> containers = f.bridges().isEmpty() && f.knows(Facet.CONTAINERS)
                ? f.host().containers().stream().filter(c -> c.ip() != null && !leased(c.ip())).toList() : List.of();
        if (f.bridges().isEmpty() && pods.isEmpty() && containers.isEmpty()) {
            // no pod listed there: with a cut pod listing that is no "no pods", and a host with pods and no lease is LEASE_MISSING
            if (podsCut().isPresent() && !f.knows(Facet.CONTAINERS) && (f.isNode() || f.onOverlay()) && !f.underlay().isEmpty()
                    && f.ownLeases().isEmpty() && unreachableOwnLeases(f).isEmpty() && announcedElsewhere(f) == null) {
                notConcluded(f, "whether the host holds pods, which would need a lease it does not hold (LEASE_MISSING)", podsCut().get());
            }
            return;
        }
        if (!f.isNode() && !f.onOverlay()) return;
        if (f.underlay().isEmpty()) {
            // a pod bridge subnet no lease holds is a lost lease whichever address the host has (the seed's operator
            // saw it from ifconfig docker and etcdctl ls alone)
            List<IfAddress> unleased = f.bridges().stream()
                    .filter(b -> !leased(b.ip())).toList();
            // ...provided every lease is another host's (its PublicIP is a known address of another host): a lease no
            // host claims may be this one's, moved to a new subnet while the bridge kept the old (BRIDGE_SUBNET_MISMATCH)
            if (!unleased.isEmpty() && everyLeaseClaimedBesides(f)) {
                Draft d = new Draft(Code.LEASE_MISSING, Severity.CRITICAL, "no lease holds " + String.join(", ",
                        unleased.stream().map(b -> b.prefix().toString()).toList()) + ", the " + unleased.get(0).dev() + " subnet of "
                        + f.name() + ": no host routes to its pods").host(f.name());
                for (IfAddress b : unleased) d.subnet(b.prefix()).evidence(addressLine(f, b));
                d.evidence(leaseListing());
                d.fix(on(f, "systemctl restart flanneld") + "   # takes a lease (a new subnet when its old one is gone) and routes to every lease");
                d.fix(on(f, "systemctl restart docker") + "   # the bridge takes the subnet of /run/flannel/subnet.env; pods are re-created in it");
                d.fix("etcdctl ls /coreos.com/network/subnets   # check: a lease holds the new bridge subnet of " + f.name());
                drafts.add(d);
                return;
            }
            drafts.add(new Draft(Code.INSUFFICIENT_INFO, Severity.INFO, "the underlay address of " + f.name()
                    + " is not in the snapshot: which lease is its own cannot be told").host(f.name())
                    .evidence(absent(f.name(), "addr.txt", "no underlay (eth0) address")).fix("collect ip addr on " + f.name()));
            return;
        }
        if (f.ownLeases().isEmpty() && announcedElsewhere(f) != null) return; // PUBLIC_IP_CONFLICT names it
        // a lease announcing an address no host has is still this host's when its flannel.N shows it (--public-ip):
        // the host holds a lease, and a bridge outside it is BRIDGE_SUBNET_MISMATCH, not a lost lease
        List<Lease> ownLeases = f.ownLeases().isEmpty() ? unreachableOwnLeases(f) : f.ownLeases();
        if (ownLeases.isEmpty()) {
            Draft d = new Draft(Code.LEASE_MISSING, Severity.CRITICAL, f.name() + " (" + f.primary() + ") holds no lease: no host routes to "
                    + (f.bridges().isEmpty() ? "its pods" : String.join(", ", f.bridgeSubnets().stream().map(Prefix::toString).toList())));
            d.host(f.name());
            for (IfAddress b : f.bridges()) d.subnet(b.prefix()).evidence(addressLine(f, b));
            for (Pod p : pods) {
                if (!leased(p.ip())) {
                    if (f.bridges().isEmpty()) d.subnet(Prefix.of(p.ip(), 24));
                    d.evidence(ev(null, "pods.txt", "pod " + p.key() + " " + p.ip() + " on " + f.name(), p.ip().toString()));
                }
            }
            for (var c : containers) {
                d.subnet(Prefix.of(c.ip(), c.prefixLength()))
                        .evidence(ev(f.name(), "containers", "container " + c.pod() + " " + c.ip() + "/" + c.prefixLength() + " on " + c.bridge(), c.ip().toString()));
            }
            d.evidence(leaseListing());
            d.fix(on(f, "systemctl restart flanneld") + "   # takes a lease (a new subnet when its old one is gone) and routes to every lease");
            d.fix(on(f, "systemctl restart docker") + "   # docker0 takes the subnet of /run/flannel/subnet.env; pods are re-created in it");
            d.fix("etcdctl ls /coreos.com/network/subnets   # check: one lease has PublicIP " + f.primary());
            drafts.add(d);
            return;
        }
        for (IfAddress b : f.bridges()) {
            if (ownLeases.stream().anyMatch(l -> l.subnet().contains(b.prefix()))) continue;
            Lease own = ownLeases.get(0);
            if (b.dev().equals("cni0")) {
                drafts.add(cniBridgeMismatch(f, b, own));
                continue;
            }
            if (staleDockerOpts(f, b)) continue; // DOCKER_OPTS_STALE names the cause, and restarting docker alone does not fix it
            String whose = f.ownLeases().contains(own) ? "" : " (announcing PublicIP " + own.publicIp() + ", " + f.name()
                    + "'s by its " + f.vxlan().name() + ")";
            Draft d = new Draft(Code.BRIDGE_SUBNET_MISMATCH, Severity.CRITICAL, b.dev() + " of " + f.name() + " is " + b.prefix()
                    + " but its lease is " + own.subnet() + whose + ": flanneld took a new lease and docker was not restarted");
            d.host(f.name()).subnet(b.prefix()).subnet(own.subnet()).evidence(addressLine(f, b)).evidence(leaseLine(own));
            if (!whose.isEmpty()) d.evidence(ev(f.name(), "addr.txt", f.vxlan().name() + " of " + f.name(), f.vxlan().name()));
            d.fix(on(f, "systemctl restart docker") + "   # docker0 takes " + own.subnet() + " from /run/flannel/subnet.env; pods are re-created in it");
            drafts.add(d);
        }
    }

    /**
     * cni0 is not docker's: flannel's CNI plugin gives it the subnet's .1 on the first pod and never changes it. When
     * the node's subnet changed (a new podCIDR), every new sandbox fails in the bridge plugin ("already has an IP
     * address different from ...", cited from the kubelet's journal and the pod events when the bundle has them),
     * so new pods stay in ContainerCreating while the old ones keep their addresses.
     */
    private Draft cniBridgeMismatch(HostFacts f, IfAddress b, Lease own) {
        String want = own.subnet().address(1) + "/" + own.subnet().length();
        Draft d = new Draft(Code.BRIDGE_SUBNET_MISMATCH, Severity.CRITICAL, "cni0 of " + f.name() + " is " + b.prefix()
                + " but its lease is " + own.subnet() + ": the node's subnet changed and cni0 kept its old address, so flannel's"
                + " CNI plugin fails every new pod there (\"cni0\" already has an IP address different from " + want + ")");
        d.host(f.name()).subnet(b.prefix()).subnet(own.subnet()).evidence(addressLine(f, b)).evidence(leaseLine(own));
        String needle = "already has an IP address different from " + want;
        source.find(f.name(), "kubelet.log", needle).ifPresent(d::evidence);
        source.find(null, "events.txt", needle).ifPresent(d::evidence);
        d.fix(on(f, "ip link delete cni0") + "   # the CNI plugin re-creates it with " + want + " on the next pod sandbox");
        d.fix("kubectl delete pod --field-selector spec.nodeName=" + f.name() + "   # the pods still in " + b.prefix()
                + " are re-created in " + own.subnet() + " (no host routes to the old subnet)");
        return d;
    }

    /**
     * subnet.env is what flanneld last wrote, and what docker (--bip) and flannel's CNI plugin read at their next start:
     * a FLANNEL_SUBNET that is not the host's lease (or not flannel.1's subnet) puts the next pods in a subnet no lease
     * routes to. The kernel does not read the file, so no traced flow fails because of it: at most a warning. Without
     * the file nothing is said (unknown, not missing); a host that holds no lease is LEASE_MISSING's.
     */
    private void subnetEnv(HostFacts f) {
        Prefix env = subnetEnvs.get(f.name());
        if (env == null) return;
        List<String> differs = new ArrayList<>();
        Lease own = null;
        if (cluster.leases() != null && !f.underlay().isEmpty() && !f.ownLeases().isEmpty()) {
            own = f.ownLeases().stream().filter(l -> l.subnet().equals(env)).findFirst().orElse(null);
            if (own == null) {
                own = f.ownLeases().get(0);
                differs.add("its lease is " + own.subnet());
            } else {
                own = null; // the file agrees with the lease: the lease is no evidence of a difference
            }
        }
        // flannel.1 holds subnet.0/32 of the lease flanneld runs with (the named rule of docs/doctor.md)
        IfAddress vtep = vtepInferred.contains(f.name()) ? null : f.host().addresses().stream()
                .filter(a -> (f.vxlan() != null && a.dev().equals(f.vxlan().name())) || a.dev().startsWith("flannel."))
                .findFirst().orElse(null);
        if (vtep != null && !env.contains(vtep.ip())) differs.add(vtep.dev() + " holds " + vtep.ip());
        if (differs.isEmpty()) return;
        String envFile = source.name(f.name(), "subnet.env");
        Draft d = new Draft(Code.SUBNET_ENV_STALE, Severity.WARNING, envFile + " of " + f.name() + " gives FLANNEL_SUBNET in "
                + env + " but " + String.join(" and ", differs) + " (no traced flow fails because of it; it still matters: "
                + Code.SUBNET_ENV_STALE.stillMatters() + ")");
        d.host(f.name()).subnet(env);
        if (own != null) d.subnet(own.subnet());
        d.evidence(ev(f.name(), "subnet.env", "FLANNEL_SUBNET=" + env, "FLANNEL_SUBNET"));
        if (own != null) d.evidence(leaseLine(own));
        if (vtep != null && !env.contains(vtep.ip())) d.evidence(addressLine(f, vtep));
        d.fix(on(f, "systemctl restart flanneld") + "   # flanneld rewrites /run/flannel/subnet.env from its lease");
        boolean bridgeTookIt = f.bridges().stream().anyMatch(b -> b.prefix().equals(env));
        if (bridgeTookIt) d.fix(on(f, "systemctl restart docker") + "   # docker0 already took " + env + "; it takes the lease's subnet from the rewritten file, pods are re-created in it");
        drafts.add(d);
    }

    /** The host's docker opts (docker-opts.txt) with a --bip, or null. */
    private static DockerOpts dockerOptsOf(HostFacts f) {
        if (!f.knows(Facet.DOCKER_OPTS)) return null;
        return f.host().list(Facet.DOCKER_OPTS, DockerOpts.class).stream().filter(o -> o.subnet() != null).findFirst().orElse(null);
    }

    /** docker0 holds the --bip of a docker opts file that subnet.env no longer agrees with: docker ran with a stale file. */
    private boolean staleDockerOpts(HostFacts f, IfAddress bridge) {
        DockerOpts opts = dockerOptsOf(f);
        Prefix env = subnetEnvs.get(f.name());
        return opts != null && env != null && !opts.subnet().equals(env) && bridge.prefix().equals(opts.subnet());
    }

    /**
     * mk-docker-opts.sh turns subnet.env into docker's --bip (/run/flannel/docker, read by docker.service's
     * EnvironmentFile): a --bip other than FLANNEL_SUBNET means flanneld re-wrote subnet.env and mk-docker-opts.sh did
     * not run after it (or docker started before flanneld). When docker0 holds that --bip, docker ran with the stale
     * file: critical, its pods sit in a subnet no lease of the host routes to. When docker0 holds neither, dockerd was
     * not started with the file's options. A --mtu above flannel.N's MTU (flanneld writes FLANNEL_MTU from it) is a warning.
     * Without the file, nothing is said.
     */
    private void dockerOpts(HostFacts f) {
        DockerOpts opts = dockerOptsOf(f);
        if (opts == null) return;
        Prefix env = subnetEnvs.get(f.name());
        IfAddress docker0 = f.bridges().stream().filter(b -> b.dev().equals("docker0")).findFirst().orElse(null);
        Evidence bipLine = ev(f.name(), "docker-opts.txt", "--bip=" + opts.bip(), "--bip=" + opts.bip());
        if (env != null && !opts.subnet().equals(env)) {
            boolean ran = docker0 != null && docker0.prefix().equals(opts.subnet());
            Draft d = new Draft(Code.DOCKER_OPTS_STALE, ran ? Severity.CRITICAL : Severity.WARNING, source.name(f.name(), "docker-opts.txt")
                    + " of " + f.name() + " gives --bip=" + opts.bip() + " but subnet.env gives FLANNEL_SUBNET in " + env
                    + ": flanneld re-wrote subnet.env and mk-docker-opts.sh did not run after it (or docker started before flanneld)"
                    + (ran ? "; docker0 holds " + docker0.prefix() + ", so docker ran with the stale file"
                    : " (docker0 has not taken it: no traced flow fails because of it; docker takes it at its next start)"));
            d.host(f.name()).subnet(opts.subnet()).subnet(env).evidence(bipLine)
                    .evidence(ev(f.name(), "subnet.env", "FLANNEL_SUBNET=" + env, "FLANNEL_SUBNET"));
            if (ran) d.evidence(addressLine(f, docker0));
            d.fix(on(f, "/opt/bin/mk-docker-opts.sh -d /run/flannel/docker") + "   # re-writes --bip from /run/flannel/subnet.env (as flanneld's unit's ExecStartPost does)");
            d.fix(on(f, "systemctl restart docker") + "   # docker0 takes " + env + "; pods are re-created in it");
            drafts.add(d);
        } else if (docker0 != null && !docker0.prefix().equals(opts.subnet()) && f.knows(Facet.ADDRESSES)) {
            Draft d = new Draft(Code.DOCKER_OPTS_STALE, carriesPods(f, docker0) ? Severity.CRITICAL : Severity.WARNING, "docker0 of " + f.name()
                    + " is " + docker0.prefix() + " but " + source.name(f.name(), "docker-opts.txt") + " gives --bip=" + opts.bip()
                    + ": dockerd was not started with flannel's options (its unit does not read the file, or it started before mk-docker-opts.sh wrote it)");
            d.host(f.name()).subnet(docker0.prefix()).subnet(opts.subnet()).evidence(addressLine(f, docker0)).evidence(bipLine);
            d.fix(on(f, "systemctl cat docker") + "   # check: EnvironmentFile=/run/flannel/docker and $DOCKER_OPTS (or $DOCKER_NETWORK_OPTIONS) on ExecStart");
            d.fix(on(f, "systemctl restart docker") + "   # docker0 takes " + opts.bip());
            drafts.add(d);
        }
        if (opts.mtu() != null && f.vxlan() != null && f.vxlan().mtu() != Link.MTU_UNKNOWN && opts.mtu() > f.vxlan().mtu()) {
            drafts.add(new Draft(Code.MTU_MISMATCH, Severity.WARNING, source.name(f.name(), "docker-opts.txt") + " of " + f.name() + " gives --mtu="
                    + opts.mtu() + " > " + f.vxlan().mtu() + " of " + f.vxlan().name() + " (flanneld's FLANNEL_MTU): full-size packets of docker's pods to other hosts are dropped or fragmented")
                    .host(f.name())
                    .evidence(ev(f.name(), "docker-opts.txt", "--mtu=" + opts.mtu(), "--mtu=" + opts.mtu()))
                    .evidence(ev(f.name(), "addr.txt", f.vxlan().name() + " mtu " + f.vxlan().mtu(), f.vxlan().name(), "mtu", String.valueOf(f.vxlan().mtu())))
                    .fix(on(f, "/opt/bin/mk-docker-opts.sh -d /run/flannel/docker") + "   # --mtu from FLANNEL_MTU of /run/flannel/subnet.env")
                    .fix(on(f, "systemctl restart docker")));
        }
    }

    private java.util.Set<Ipv4> underlays;

    /** Every lease's PublicIP is an underlay address of a host other than {@code f}. */
    private boolean everyLeaseClaimedBesides(HostFacts f) {
        if (underlays == null) {
            underlays = new java.util.HashSet<>();
            for (HostFacts x : hosts) underlays.addAll(x.underlay());
        }
        for (Lease l : cluster.leases()) if (!underlays.contains(l.publicIp()) || f.underlay().contains(l.publicIp())) return false;
        return true;
    }

    private java.util.Map<String, List<Lease>> unreachableOwn;

    /**
     * The leases this host's flanneld wrote under a PublicIP no host has (--public-ip, a NAT interface): they are its
     * own by its VXLAN device's MAC (the VtepMAC) or address (the subnet's .0), as PUBLIC_IP_CONFLICT reads them. Worked
     * out once: such leases are few, so a large cluster pays one pass over the leases.
     */
    private List<Lease> unreachableOwnLeases(HostFacts f) {
        if (cluster.leases() == null) return List.of();
        if (unreachableOwn == null) {
            unreachableOwn = new java.util.HashMap<>();
            java.util.Set<Ipv4> onHosts = new java.util.HashSet<>();
            for (HostFacts x : hosts) onHosts.addAll(x.underlay());
            for (Lease l : cluster.leases()) {
                if (onHosts.contains(l.publicIp())) continue;
                HostFacts owner = vtepOwner(l);
                // the owner's addresses unknown: the PublicIP may be one of them, and the lease is then its by address
                if (owner != null && owner.knows(Facet.ADDRESSES) && !owner.underlay().isEmpty()) {
                    unreachableOwn.computeIfAbsent(owner.name(), k -> new ArrayList<>()).add(l);
                }
            }
        }
        return unreachableOwn.getOrDefault(f.name(), List.of());
    }

    /** Some lease's subnet holds the address. */
    private boolean leased(Ipv4 ip) {
        return index.inLease(Prefix.of(ip, 32), true);
    }

    /** This run's keys for what it notes on the shared parts of the hosts' routes. */
    private final Object routedKey = new Object(), unleasedKey = new Object();

    /**
     * What the route checks work out of each part of the hosts' routes (the leases they hold, the routes no lease
     * holds), for every host at once on every core: it is most of the checks' time at a thousand hosts, and it
     * touches no finding, so the checks that follow, host by host, find it done.
     */
    private void prepareRoutes() {
        hosts.parallelStream().filter(f -> f.knows(Facet.ROUTES) && f.onOverlay()).forEach(f -> {
            for (var part : f.routeParts()) {
                part.memo(routedKey, index::leasesRouted);
                unleased(part);
            }
        });
    }

    private List<Route> unleased(dev.kubepath.model.SharedList.Part<Route> part) {
        return part.memo(unleasedKey, rs -> rs.stream().filter(r -> !index.inLease(r.dst(), false)).toList());
    }

    /**
     * The positions (in the lease listing) of the leases some route of the host holds: by its main table's unicast
     * routes, or (with {@code device}) by its routes through that device. Worked out once per shared part of the
     * routes, then joined, so a host costs its own routes and no scan of the leases.
     */
    private java.util.BitSet routed(HostFacts f, String device) {
        java.util.BitSet out = new java.util.BitSet(cluster.leases().size());
        for (var part : f.routeParts()) {
            ClusterIndex.RoutedLeases r = part.memo(routedKey, index::leasesRouted);
            out.or(device == null ? r.main() : r.through(device));
        }
        return out;
    }

    /**
     * HOSTGW_NOT_ADJACENT: a host-gw lease whose PublicIP is on none of the host's connected subnets, with no route
     * to its subnet. host-gw routes a peer's subnet via the peer's address, which must be on the link: the kernel
     * refuses any other gateway ("Nexthop has invalid gateway") and flanneld logs "Error adding route to ..." and
     * goes on (backend/hostgw, backend/route_network.go). A router between the subnets cannot help.
     */
    private void hostGwAdjacency(HostFacts f) {
        if (!f.knows(Facet.ROUTES) || !f.knows(Facet.ADDRESSES) || f.underlay().isEmpty()) return;
        Host h = f.host();
        Draft d = null;
        for (Lease l : hostGwLeases()) {
            if (f.ownLeases().contains(l) || f.underlay().contains(l.publicIp())) continue;
            boolean onLink = h.addresses().stream().anyMatch(a -> a.prefix().length() > 0 && a.prefix().length() < 32 && a.prefix().contains(l.publicIp()));
            boolean routed = h.routes().stream().anyMatch(r -> Route.MAIN.equals(r.table()) && r.dst().equals(l.subnet()));
            if (onLink || routed) continue;
            if (d == null) d = new Draft(Code.HOSTGW_NOT_ADJACENT, Severity.CRITICAL, "").host(f.name());
            d.subnet(l.subnet()).evidence(leaseLine(l));
        }
        if (d == null) return;
        Draft out = new Draft(Code.HOSTGW_NOT_ADJACENT, Severity.CRITICAL, "host-gw cannot route " + String.join(", ", d.subnets) + " on " + f.name()
                + ": the peers' addresses are not on its link (host-gw needs the nodes on one L2 network; the kernel refuses the gateway)");
        out.hosts.addAll(d.hosts);
        out.subnets.addAll(d.subnets);
        out.evidence.addAll(d.evidence);
        out.evidence(absent(f.name(), "route.txt", "no route to " + String.join(", ", d.subnets)));
        out.fix("put the nodes on one L2 subnet, or use the vxlan backend with \"DirectRouting\": true (direct routes on the subnet, VXLAN across routers)");
        drafts.add(out);
    }

    private boolean isOverlayRoute(HostFacts f, Route r) {
        if (r.dev() == null || r.dst().length() == 0 || r.type() != Route.Type.UNICAST) return false;
        return r.dev().startsWith("flannel.") || (f.vxlan() != null && f.vxlan().name().equals(r.dev()));
    }

    private void routes(HostFacts f) {
        if (!f.knows(Facet.ROUTES) || !f.onOverlay()) return;
        Host h = f.host();
        staleRoutes(f, h);
        if (f.underlay().isEmpty()) return; // which lease is its own cannot be told: missing routes are not judged
        // indexed: a 5,000-host cluster has 5,000 leases and 5,000 routes per host; only the leases no route holds are
        // visited, in the listing's order
        java.util.BitSet routed = routed(f, null);
        List<Lease> leases = cluster.leases();
        Draft missing = null;
        for (int i = routed.nextClearBit(0); i < leases.size(); i = routed.nextClearBit(i + 1)) {
            Lease l = leases.get(i);
            // its own lease under an address no host has (--public-ip) is no lease its flanneld missed
            if (f.ownLeases().contains(l) || unreachableOwnLeases(f).contains(l)) continue;
            if (missing == null) {
                missing = new Draft(Code.ROUTE_MISSING, Severity.CRITICAL, "");
                missing.host(f.name());
            }
            missing.subnet(l.subnet()).evidence(leaseLine(l));
        }
        if (missing != null) {
            Draft d = new Draft(Code.ROUTE_MISSING, Severity.CRITICAL, f.name() + " has no route to " + String.join(", ", missing.subnets)
                    + ": its flanneld missed those leases");
            d.hosts.addAll(missing.hosts);
            d.subnets.addAll(missing.subnets);
            d.evidence.addAll(missing.evidence);
            d.evidence(absent(f.name(), "route.txt", "no route to " + String.join(", ", missing.subnets)));
            d.fix(on(f, "systemctl restart flanneld") + "   # adds a route, neighbour and FDB entry for every lease");
            drafts.add(d);
        }
        java.util.BitSet ownUnrouted = index.leasePositionsOf(f.underlay());
        ownUnrouted.andNot(routed);
        for (int i = ownUnrouted.nextSetBit(0); i >= 0; i = ownUnrouted.nextSetBit(i + 1)) ownSubnetUnrouted(f, leases.get(i));
    }

    /**
     * The host holds the lease and has no route to its subnet: its own pods are reached by the default route, out of
     * the cluster. The kernel makes that route from the bridge's address, so the bridge lost its address (or went
     * down). Only judged where the addresses are listed, no bridge holds another subnet (BRIDGE_SUBNET_MISMATCH says
     * that), and some pod or endpoint is in the subnet or the bridge device is there: a node without pods has no cni0 yet.
     */
    private void ownSubnetUnrouted(HostFacts f, Lease l) {
        if (!f.knows(Facet.ADDRESSES) || f.bridges().stream().anyMatch(b -> !l.subnet().contains(b.prefix()))) return;
        // a route through a bridge to another subnet: the bridge holds that subnet (the kernel made the route from
        // its address, unlisted here), which is BRIDGE_SUBNET_MISMATCH's to judge, not a missing route
        for (Route r : f.host().routes()) {
            if (r.dev() != null && r.dst().length() > 0 && !l.subnet().contains(r.dst())
                    && f.host().link(r.dev()).map(k -> k.kind() instanceof LinkKind.Bridge).orElse(r.dev().equals("docker0") || r.dev().equals("cni0"))) return;
        }
        List<Ipv4> inside = new ArrayList<>();
        for (Pod p : index.podsOn(f.name())) if (p.ip() != null && l.subnet().contains(p.ip())) inside.add(p.ip());
        for (Endpoints e : cluster.endpoints()) {
            for (Endpoints.Address a : e.addresses()) if (l.subnet().contains(a.ip()) && !inside.contains(a.ip())) inside.add(a.ip());
        }
        Optional<IfAddress> held = f.bridges().stream().findFirst();
        String bridge = held.map(IfAddress::dev).orElse(f.host().link("cni0").isPresent() ? "cni0" : "docker0");
        Optional<Link> link = f.host().link(bridge);
        // no pod known here and no bridge device: a node before its first pod (cni0 comes with it). Else, with no pod
        // known in the subnet, a warning, which a flow the tracer sees dropped for it makes critical (Doctor)
        if (inside.isEmpty() && held.isEmpty() && link.isEmpty()) return;
        String why = held.isPresent()
                ? bridge + " holds " + held.get().ip() + "/" + held.get().prefixLength() + " but the kernel has no route for it"
                        + (link.isPresent() && !link.get().up() ? ": " + bridge + " is down" : "")
                : "no bridge holds an address in it" + (link.isPresent() ? " (" + bridge + " has none)" : "");
        String pods = inside.isEmpty() ? "any pod of it (" + podsCut().map(c -> "whether one is there is unknown: " + c.because())
                .orElse("the snapshot lists none there") + ")"
                : "its pods (" + String.join(", ", inside.stream().limit(3).map(Ipv4::toString).toList()) + (inside.size() > 3 ? ", ..." : "") + ")";
        Draft d = new Draft(Code.ROUTE_MISSING, inside.isEmpty() ? Severity.WARNING : Severity.CRITICAL, f.name() + " has no route to its own pod subnet "
                + l.subnet() + ": " + why + "; " + pods + " would be sought by the default route, out of the cluster");
        d.host(f.name()).subnet(l.subnet()).evidence(leaseLine(l));
        held.ifPresent(a -> d.evidence(addressLine(f, a)));
        if (held.isEmpty()) d.evidence(absent(f.name(), "addr.txt", "no bridge address in " + l.subnet()));
        d.evidence(absent(f.name(), "route.txt", "no route to " + l.subnet()));
        String gateway = l.subnet().address(1) + "/" + l.subnet().length();
        if (held.isPresent()) d.fix(on(f, "ip link set " + bridge + " up") + "   # the kernel adds " + l.subnet() + " dev " + bridge);
        else if (bridge.equals("cni0")) d.fix(on(f, "ip addr add " + gateway + " dev cni0") + "   # what flannel's CNI plugin gives it on the first pod");
        else d.fix(on(f, "systemctl restart docker") + "   # docker0 takes " + gateway + " from /run/flannel/subnet.env");
        drafts.add(d);
    }

    /** Hosts with the same stale overlay routes (as dst/dev/via), each with its routes: one finding per such group. */
    private final Map<List<String>, List<Map.Entry<HostFacts, List<Route>>>> staleGroups = new java.util.LinkedHashMap<>();

    private void staleRoutes(HostFacts f, Host h) {
        // the routes no lease holds are found once per shared part; which of them are the host's overlay routes is its own
        List<Route> stale = new ArrayList<>();
        for (var part : f.routeParts()) {
            for (Route r : unleased(part)) if (isOverlayRoute(f, r)) stale.add(r);
        }
        if (stale.isEmpty()) return;
        List<String> key = stale.stream().map(r -> r.dst() + " " + r.dev() + " " + r.via()).toList();
        staleGroups.computeIfAbsent(key, k -> new ArrayList<>()).add(Map.entry(f, stale));
    }

    /** Hosts a group's finding cites one by one (evidence and fixes); the others are counted. */
    private static final int STALE_HOSTS_SHOWN = 50;

    /**
     * ROUTE_STALE, one finding per set of stale routes: after a lease is lost every other host keeps its route, and a
     * thousand hosts with the same stale route are one finding naming them all, not a thousand.
     */
    private void staleRouteFindings() {
        for (var group : staleGroups.values()) {
            List<Route> routes = group.getFirst().getValue();
            List<String> names = group.stream().map(e -> e.getKey().name()).toList();
            String who = names.size() == 1 ? names.getFirst() : names.size() + " hosts (" + String.join(", ", names.subList(0, Math.min(3, names.size())))
                    + (names.size() > 3 ? ", ..." : "") + ")";
            Draft d = new Draft(Code.ROUTE_STALE, Severity.WARNING, who + " route" + (names.size() == 1 ? "s" : "") + " through the overlay to "
                    + String.join(", ", routes.stream().map(r -> r.dst().toString()).toList()) + ", which no lease holds");
            for (String n : names) d.host(n);
            for (Route r : routes) d.subnet(r.dst());
            for (var e : group.subList(0, Math.min(STALE_HOSTS_SHOWN, group.size()))) {
                for (Route r : e.getValue()) {
                    d.evidence(routeLine(e.getKey(), r));
                    d.fix(on(e.getKey(), "ip route del " + r.dst() + " dev " + r.dev()));
                    if (r.via() != null) d.fix(on(e.getKey(), "ip neigh del " + r.via() + " dev " + r.dev()));
                }
            }
            if (group.size() > STALE_HOSTS_SHOWN) d.fix("# and the same on the other " + (group.size() - STALE_HOSTS_SHOWN) + " hosts named");
            d.evidence(leaseListing());
            drafts.add(d);
        }
        staleGroups.clear();
    }

    private List<Lease> hostGwLeases;

    /** The host-gw leases, in the listing's order: found once, not once per host (a vxlan cluster has none). */
    private List<Lease> hostGwLeases() {
        if (hostGwLeases == null) hostGwLeases = cluster.leases().stream().filter(l -> "host-gw".equals(l.backendType())).toList();
        return hostGwLeases;
    }

    private void vteps(HostFacts f) {
        Host h = f.host();
        Link vx = f.vxlan();
        for (Lease own : f.ownLeases()) {
            if (vx != null && vx.mac() != null && own.vtepMac() != null && !vx.mac().equals(own.vtepMac())) {
                drafts.add(new Draft(Code.VTEP_MISMATCH, Severity.CRITICAL, "lease " + own.subnet() + " names VtepMAC " + own.vtepMac()
                        + " but " + vx.name() + " of its owner " + f.name() + " is " + vx.mac() + ": the owner drops every frame sent to it")
                        .host(f.name()).subnet(own.subnet()).evidence(leaseLine(own))
                        .evidence(ev(f.name(), "addr.txt", vx.name() + " link/ether " + vx.mac(), vx.mac().toString()))
                        .fix(on(f, "systemctl restart flanneld") + "   # it writes its lease again with " + vx.name() + "'s MAC"));
            }
        }
        // which lease is its own (it holds no neighbour or FDB entry for it) cannot be told without its underlay address
        if (vx == null || f.underlay().isEmpty()) return;
        // only the leases routed through the VXLAN device need entries: with DirectRouting flanneld routes a peer on
        // its own underlay subnet via eth0 and writes no neighbour or FDB entry for it (vxlan_network.go)
        java.util.BitSet routed = routed(f, vx.name());
        // only the leases whose entries do not agree are visited: the agreeing ones are found part by part of the
        // shared neighbour and FDB lists (5,000 hosts x 5,000 leases otherwise)
        List<EntryPart<Neighbour>> neigh = entryParts(h.neighbours(), vx.name(), neighbourKey, true);
        List<EntryPart<FdbEntry>> fdb = entryParts(h.fdb(), vx.name(), fdbKey, false);
        java.util.BitSet visit = new java.util.BitSet();
        if (f.knows(Facet.NEIGHBOURS)) visit.or(disagreeing(neigh, routed));
        if (f.knows(Facet.FDB)) visit.or(disagreeing(fdb, routed));
        Draft d = null;
        // without a route the missing entries are part of ROUTE_MISSING: flanneld missed the lease altogether
        for (int i = visit.nextSetBit(0); i >= 0; i = visit.nextSetBit(i + 1)) {
            Lease l = cluster.leases().get(i);
            if (f.ownLeases().contains(l) || l.vtepMac() == null) continue;
            List<Evidence> wrong = new ArrayList<>();
            if (f.knows(Facet.NEIGHBOURS)) {
                Neighbour n = first(neigh, l.subnet().network());
                if (n == null) wrong.add(absent(f.name(), "neigh.txt", "no neighbour " + l.subnet().network() + " on " + vx.name()));
                else if (n.mac() != null && !n.mac().equals(l.vtepMac())) wrong.add(ev(f.name(), "neigh.txt", n.describe(), n.ip().toString()));
            }
            if (f.knows(Facet.FDB)) {
                FdbEntry e = first(fdb, l.vtepMac());
                if (e == null) wrong.add(absent(f.name(), "fdb.txt", "no FDB entry for " + l.vtepMac() + " on " + vx.name()));
                else if (e.dst() != null && !e.dst().equals(l.publicIp())) wrong.add(ev(f.name(), "fdb.txt", e.describe(), e.mac().toString()));
            }
            if (wrong.isEmpty()) continue;
            if (d == null) {
                d = new Draft(Code.VTEP_MISMATCH, Severity.CRITICAL, "the neighbour/FDB entries of " + f.name() + " disagree with the leases");
                d.host(f.name());
                drafts.add(d);
            }
            d.subnet(l.subnet()).evidence(leaseLine(l));
            wrong.forEach(d::evidence);
        }
        if (d != null) d.fix(on(f, "systemctl restart flanneld") + "   # rewrites the neighbour and FDB entry of every lease");
    }

    private final Object neighbourKey = new Object(), fdbKey = new Object();

    /**
     * One shared part of a host's neighbour (or FDB) list on the VXLAN device, read once for every host holding it:
     * the first entry per address (MAC), the leases whose entry it holds, and those it holds agreeing with the lease
     * (neighbour subnet.0 -> VtepMAC, FDB VtepMAC -> PublicIP; an entry without a MAC or destination is not wrong).
     */
    private record EntryPart<E>(Map<Object, E> first, java.util.BitSet held, java.util.BitSet agreeing) {}

    private record PartKey(Object kind, String dev) {}

    @SuppressWarnings("unchecked")
    private <E> List<EntryPart<E>> entryParts(List<E> entries, String device, Object kind, boolean neighbours) {
        List<EntryPart<E>> out = new ArrayList<>();
        for (var part : dev.kubepath.model.SharedList.parts(entries)) {
            out.add((EntryPart<E>) part.memo(new PartKey(kind, device), items -> neighbours
                    ? entryPart(items, device, x -> ((Neighbour) x).dev(), x -> ((Neighbour) x).ip(), index::leasesAtNetwork,
                            (x, l) -> ((Neighbour) x).mac() == null || ((Neighbour) x).mac().equals(l.vtepMac()))
                    : entryPart(items, device, x -> ((FdbEntry) x).dev(), x -> ((FdbEntry) x).mac(), index::leasesWithMac,
                            (x, l) -> ((FdbEntry) x).dst() == null || ((FdbEntry) x).dst().equals(l.publicIp()))));
        }
        return out;
    }

    private <E> EntryPart<E> entryPart(List<E> items, String device, java.util.function.Function<E, String> devOf,
                                       java.util.function.Function<E, Object> keyOf, java.util.function.Function<Object, int[]> leasesAt,
                                       java.util.function.BiPredicate<E, Lease> agrees) {
        Map<Object, E> first = new java.util.HashMap<>();
        for (E x : items) if (device.equals(devOf.apply(x))) first.putIfAbsent(keyOf.apply(x), x);
        java.util.BitSet held = new java.util.BitSet(), agreeing = new java.util.BitSet();
        first.forEach((k, x) -> {
            for (int i : leasesAt.apply(k)) {
                held.set(i);
                if (agrees.test(x, cluster.leases().get(i))) agreeing.set(i);
            }
        });
        return new EntryPart<>(first, held, agreeing);
    }

    /** The routed leases whose entry (the first part holding one decides, as the kernel's first match) is missing or wrong. */
    private static <E> java.util.BitSet disagreeing(List<EntryPart<E>> parts, java.util.BitSet routed) {
        java.util.BitSet held = new java.util.BitSet(), agreeing = new java.util.BitSet();
        for (EntryPart<E> p : parts) {
            java.util.BitSet ok = (java.util.BitSet) p.agreeing().clone();
            ok.andNot(held);
            agreeing.or(ok);
            held.or(p.held());
        }
        java.util.BitSet out = (java.util.BitSet) routed.clone();
        out.andNot(agreeing);
        return out;
    }

    private static <E> E first(List<EntryPart<E>> parts, Object key) {
        for (EntryPart<E> p : parts) {
            E x = p.first().get(key);
            if (x != null) return x;
        }
        return null;
    }

    /**
     * VTEP_MISMATCH without the leases: flannel.N of a host holds its subnet's .0/32 (the named rule of docs/doctor.md)
     * and flanneld writes, on every peer, the neighbour entry {@code S.0 dev flannel.N lladdr VtepMAC}. A peer's entry
     * for that address with another MAC sends the overlay's frames to a MAC the owner's device does not have, and the
     * owner drops them: its flannel.N changed MAC after flanneld announced it (systemd 242's MACAddressPolicy, a
     * re-created device: flannel#1155, cri-o#2546). Compared only where the owner's listing shows the device's MAC and
     * its address (neither inferred), and only one host holds that address; entries and addresses shown through a
     * filter count (each is an exact fact), as in the traces. Without the leases no flow is traced into
     * the subnet, so no traced flow fails because of it: a warning that says why it still matters.
     */
    private void staleVtepMacs() {
        Map<Ipv4, List<HostFacts>> owners = new java.util.HashMap<>();
        for (HostFacts f : hosts) {
            Link vx = f.vxlan();
            if (vx == null || vx.mac() == null || vtepInferred.contains(f.name())) continue;
            for (IfAddress a : f.host().addresses()) {
                if (a.dev().equals(vx.name()) && a.prefixLength() == 32) owners.computeIfAbsent(a.ip(), k -> new ArrayList<>()).add(f);
            }
        }
        if (owners.isEmpty()) return;
        // an entry shown is used even through a filter (arp -an | grep flannel.1): it exists, whatever grep left out
        for (HostFacts peer : hosts) {
            for (Neighbour n : peer.host().neighbours()) {
                List<HostFacts> held = owners.get(n.ip());
                if (held == null || held.size() != 1 || n.mac() == null) continue;
                HostFacts owner = held.get(0);
                Link vx = owner.vxlan();
                if (owner == peer || !n.dev().equals(vx.name()) || n.mac().equals(vx.mac())) continue;
                IfAddress vtep = new IfAddress(vx.name(), n.ip(), 32);
                drafts.add(new Draft(Code.VTEP_MISMATCH, Severity.WARNING, "the neighbour entry of " + peer.name() + " for " + n.ip() + " on "
                        + n.dev() + " says " + n.mac() + ", but " + vx.name() + " of " + owner.name() + ", which holds " + n.ip() + ", is "
                        + vx.mac() + ": " + owner.name() + " drops the overlay frames " + peer.name() + " sends it (a MAC its device does not"
                        + " have; its VXLAN device changed MAC after flanneld announced it). No traced flow fails because of it (the leases"
                        + " are not in the snapshot, so no flow into " + owner.name() + "'s subnet is traced); it still matters: "
                        + Code.VTEP_MISMATCH.stillMatters())
                        .host(peer.name()).host(owner.name())
                        .evidence(ev(peer.name(), "neigh.txt", n.describe(), n.ip().toString()))
                        .evidence(ev(owner.name(), "addr.txt", vx.name() + " link/ether " + vx.mac(), vx.mac().toString()))
                        .evidence(addressLine(owner, vtep))
                        .fix(on(owner, "systemctl restart flanneld") + "   # it announces " + vx.name() + "'s MAC again; the peers rewrite their entries")
                        .fix("on " + owner.name() + " with systemd 242 or later: a /etc/systemd/network/50-flannel.link with [Match] OriginalName=flannel*"
                                + " and [Link] MACAddressPolicy=none, so systemd leaves the MAC flanneld set"));
            }
        }
    }

    /**
     * PUBLIC_IP_CONFLICT without the leases: flanneld writes one FDB entry per peer, the peer's VtepMAC to its
     * PublicIP, so two VTEP MACs sent to one address are two peers announcing one PublicIP (every node picked the
     * same NAT interface: VirtualBox's 10.0.2.15). Read off the FDB alone, as an operator reads it.
     */
    private void sharedVtepDestinations(HostFacts f) {
        if (!f.knows(Facet.FDB) || f.vxlan() == null) return;
        java.util.Map<Ipv4, List<FdbEntry>> byDst = new java.util.LinkedHashMap<>();
        for (FdbEntry e : f.host().fdb()) {
            if (e.dst() == null || !e.dev().equals(f.vxlan().name()) || e.mac().bits() == 0) continue; // 00:00:00:00:00:00: a flood entry, no peer
            byDst.computeIfAbsent(e.dst(), k -> new ArrayList<>()).add(e);
        }
        for (var e : byDst.entrySet()) {
            if (e.getValue().stream().map(FdbEntry::mac).distinct().count() < 2) continue;
            boolean ownAddress = f.underlay().contains(e.getKey()) || f.host().routes().stream().anyMatch(r -> e.getKey().equals(r.src()));
            boolean noNode = !cluster.nodes().isEmpty() && cluster.nodes().stream().noneMatch(n -> e.getKey().equals(n.internalIp()));
            Draft d = new Draft(Code.PUBLIC_IP_CONFLICT, Severity.CRITICAL, f.vxlan().name() + " of " + f.name() + " sends the VXLAN frames of "
                    + e.getValue().size() + " peers (VTEP MACs " + String.join(", ", e.getValue().stream().map(x -> x.mac().toString()).toList())
                    + ") to one address, " + e.getKey() + (ownAddress ? ", its own" : "") + (noNode ? ", which is no node's InternalIP" : "")
                    + ": the peers announce one PublicIP (flanneld picked the same interface on each, a NAT one), so the overlay"
                    + " between them is cut").host(f.name());
            for (FdbEntry x : e.getValue()) d.evidence(ev(f.name(), "fdb.txt", x.describe(), x.mac().toString()));
            d.fix("on each node: start flanneld with --iface (or --public-ip) naming the interface of its InternalIP, then restart it");
            d.fix(PUBLIC_IP_CHECK);
            drafts.add(d);
        }
    }

    /**
     * PUBLIC_IP_CONFLICT: two leases announce one PublicIP (every node picked the same NAT interface), or a node's
     * own lease announces an address other than its InternalIP, or a host's lease (known by its flannel.N address or
     * MAC) announces an address no host has (flanneld picked a NAT interface, or --public-ip names one).
     */
    private void publicIps() {
        java.util.Map<Ipv4, List<Lease>> byIp = new java.util.LinkedHashMap<>();
        for (Lease l : cluster.leases()) byIp.computeIfAbsent(l.publicIp(), k -> new ArrayList<>()).add(l);
        unreachablePublicIps(byIp);
        for (var e : byIp.entrySet()) {
            if (e.getValue().size() < 2) continue;
            Draft d = new Draft(Code.PUBLIC_IP_CONFLICT, Severity.CRITICAL, e.getValue().size() + " leases announce PublicIP " + e.getKey()
                    + " (" + String.join(", ", e.getValue().stream().map(l -> l.subnet().toString()).toList())
                    + "): VXLAN frames for all of them go to one host");
            for (Lease l : e.getValue()) d.subnet(l.subnet()).evidence(leaseLine(l));
            for (HostFacts f : hosts) if (f.underlay().contains(e.getKey())) d.host(f.name());
            d.fix("on each node: start flanneld with --iface (or --public-ip) naming the interface of its InternalIP, then systemctl restart flanneld");
            drafts.add(d);
        }
        for (HostFacts f : hosts) {
            Lease away = announcedElsewhere(f);
            if (away == null) continue;
            Draft d = new Draft(Code.PUBLIC_IP_CONFLICT, Severity.CRITICAL, "lease " + away.subnet() + " (the podCIDR of node " + f.name()
                    + ") announces PublicIP " + away.publicIp() + ", an address no host has; " + f.name() + " is "
                    + f.node().internalIp() + ": the other hosts send its VXLAN frames nowhere");
            d.host(f.name()).subnet(away.subnet()).evidence(leaseLine(away));
            source.find(null, "nodes.json", "/public-ip-overwrite\"").ifPresent(d::evidence);
            d.fix("kubectl annotate node " + f.name() + " flannel.alpha.coreos.com/public-ip-overwrite-   # or set it to " + f.node().internalIp());
            d.fix(on(f, "restart flanneld (the kube-flannel pod, or k3s)") + "   # it annotates the node with public-ip " + f.node().internalIp());
            drafts.add(d);
        }
        for (HostFacts f : hosts) {
            if (f.node() == null || f.node().internalIp() == null) continue;
            for (Lease l : f.ownLeases()) {
                if (l.publicIp().equals(f.node().internalIp()) || byIp.get(l.publicIp()).size() > 1) continue;
                drafts.add(new Draft(Code.PUBLIC_IP_CONFLICT, Severity.WARNING, "lease " + l.subnet() + " of " + f.name() + " announces PublicIP "
                        + l.publicIp() + ", not its InternalIP " + f.node().internalIp() + ": other hosts send its VXLAN frames there")
                        .host(f.name()).subnet(l.subnet()).evidence(leaseLine(l))
                        .evidence(ev(null, "nodes.txt", "node " + f.name() + " InternalIP " + f.node().internalIp(), f.name()))
                        .fix(on(f, "start flanneld with --iface naming the interface of " + f.node().internalIp() + ", then systemctl restart flanneld")));
            }
        }
    }

    /**
     * PUBLIC_IP_CONFLICT from public-ip annotations pasted without their nodes' subnets ({@code kubectl get nodes -o
     * yaml | grep public-ip}): no lease can be placed from them, but the same address on several nodes is the fault
     * itself (every node picked the same NAT interface: VirtualBox's 10.0.2.15). The lines are taken as several nodes
     * because the annotation repeats, as a grep over several nodes prints it; the finding says so.
     */
    private void unplacedPublicIps() {
        java.util.Map<Ipv4, List<PublicIpAnnotation>> byIp = new java.util.LinkedHashMap<>();
        for (PublicIpAnnotation a : cluster.unplacedPublicIps()) byIp.computeIfAbsent(a.publicIp(), k -> new ArrayList<>()).add(a);
        for (var e : byIp.entrySet()) {
            List<Lease> placed = cluster.leases() == null ? List.of()
                    : cluster.leases().stream().filter(l -> l.publicIp().equals(e.getKey())).toList();
            int nodes = e.getValue().size() + placed.size();
            if (nodes < 2 || placed.size() >= 2) continue; // two placed leases: publicIps() names them with their subnets
            List<String> names = e.getValue().stream().map(PublicIpAnnotation::node).filter(java.util.Objects::nonNull).toList();
            String which = names.size() == e.getValue().size() ? "nodes " + String.join(", ", names)
                    : "which nodes is unknown: the lines name " + (names.isEmpty() ? "none" : "only " + String.join(", ", names));
            Draft d = new Draft(Code.PUBLIC_IP_CONFLICT, Severity.CRITICAL, nodes + " nodes' flannel annotations carry one public-ip, "
                    + e.getKey() + " (" + which + "; " + (placed.isEmpty() ? "their subnets are not shown"
                    : "one is lease " + placed.getFirst().subnet() + ", the others' subnets are not shown")
                    + "): VXLAN frames for all of them go to one host. Read as " + nodes
                    + " nodes because the annotation repeats, as a grep over several nodes prints it");
            for (PublicIpAnnotation a : e.getValue()) d.evidence(new Evidence(source.name(null, "leases.txt"), a.line(), a.text()));
            for (Lease l : placed) d.subnet(l.subnet()).evidence(leaseLine(l));
            for (HostFacts f : hosts) if (f.underlay().contains(e.getKey())) d.host(f.name());
            d.fix("on each node: start flanneld with --iface (or --public-ip) naming the interface of its InternalIP, then restart it");
            d.fix(PUBLIC_IP_CHECK);
            drafts.add(d);
        }
    }

    /**
     * The lease of this node's podCIDR when it announces a PublicIP that no host of the snapshot has (the kube subnet
     * manager's public-ip-overwrite set to a wrong address): the lease is this node's, under an address nobody answers.
     */
    private Lease announcedElsewhere(HostFacts f) {
        if (cluster.leases() == null || f.node() == null || f.node().podCidr() == null || f.node().internalIp() == null
                || !f.ownLeases().isEmpty()) return null;
        for (Lease l : cluster.leases()) {
            if (!l.subnet().equals(f.node().podCidr())) continue;
            boolean someonesAddress = hosts.stream().anyMatch(h -> h.underlay().contains(l.publicIp()));
            return someonesAddress ? null : l;
        }
        return null;
    }

    private void unreachablePublicIps(java.util.Map<Ipv4, List<Lease>> byIp) {
        java.util.Set<Ipv4> onHosts = new java.util.HashSet<>();
        for (HostFacts f : hosts) onHosts.addAll(f.underlay());
        for (var e : byIp.entrySet()) {
            if (onHosts.contains(e.getKey())) continue;
            for (Lease l : e.getValue()) {
                HostFacts owner = vtepOwner(l);
                if (owner == null) continue; // a lease of a host not in the snapshot: its address may be real
                // the owner's own addresses unknown: the PublicIP may well be one of them
                if (!owner.knows(Facet.ADDRESSES) || owner.underlay().isEmpty()) continue;
                if (l.equals(announcedElsewhere(owner))) continue; // the kube subnet manager's overwrite: its own finding names the annotation
                drafts.add(new Draft(Code.PUBLIC_IP_CONFLICT, Severity.CRITICAL, "lease " + l.subnet() + " of " + owner.name() + " announces PublicIP "
                        + l.publicIp() + ", which no host of the cluster has: other hosts send its VXLAN frames there and nothing answers")
                        .host(owner.name()).subnet(l.subnet()).evidence(leaseLine(l))
                        .evidence(ev(owner.name(), "addr.txt", owner.vxlan().name() + " of " + owner.name(), owner.vxlan().name()))
                        .fix(on(owner, "start flanneld with --iface naming the interface of " + owner.primary() + " (or without a --public-ip "
                                + l.publicIp() + "), then systemctl restart flanneld")));
            }
        }
    }

    /** The leases announcing this PublicIP (null: every lease). */
    List<Lease> leasesAnnouncing(Ipv4 publicIp) {
        if (cluster.leases() == null) return List.of();
        if (publicIp == null) return cluster.leases();
        return cluster.leases().stream().filter(l -> l.publicIp().equals(publicIp)).toList();
    }

    /** The host whose VXLAN device is the lease's: its MAC is the lease's VtepMAC, or its address the lease's subnet.0. */
    private HostFacts vtepOwner(Lease l) {
        for (HostFacts f : hosts) {
            if (f.vxlan() == null) continue;
            if (l.vtepMac() != null && l.vtepMac().equals(f.vxlan().mac())) return f;
            for (IfAddress a : f.host().addresses()) {
                if (a.dev().equals(f.vxlan().name()) && a.ip().equals(l.subnet().network())) return f;
            }
        }
        return null;
    }

    private void mtu(HostFacts f) {
        if (!f.knows(Facet.LINKS) || f.vxlan() == null) return;
        int overlay = f.vxlan().mtu();
        for (IfAddress b : f.bridges()) {
            Link l = f.host().link(b.dev()).orElse(null);
            if (l == null || overlay == Link.MTU_UNKNOWN || l.mtu() <= overlay) continue;
            // a bridge with no port takes no MTU from dockerd --mtu: it reports the default 1500 (kernel 3.10, CentOS 7)
            // until a container's veth joins it; its pods' packets are what the rule is about, and it has none
            if (!carriesPods(f, b)) {
                // "no pod there" from a cut pod listing is unknown: the bridge may carry pods the listing left out
                if (!f.knows(Facet.CONTAINERS) && podsCut().isPresent()) {
                    notConcluded(f, "whether " + b.dev() + " (mtu " + l.mtu() + " > " + overlay + " of " + f.vxlan().name()
                            + ") carries pods, which makes it MTU_MISMATCH (an empty bridge reports 1500 whatever dockerd's --mtu)", podsCut().get());
                }
                continue;
            }
            drafts.add(new Draft(Code.MTU_MISMATCH, Severity.WARNING, l.name() + " of " + f.name() + " has mtu " + l.mtu() + " > " + overlay
                    + " of " + f.vxlan().name() + ": full-size packets of its pods to other hosts are dropped or fragmented")
                    .host(f.name()).subnet(b.prefix())
                    .evidence(ev(f.name(), "addr.txt", l.name() + " mtu " + l.mtu(), l.name(), "mtu", String.valueOf(l.mtu())))
                    .evidence(ev(f.name(), "addr.txt", f.vxlan().name() + " mtu " + overlay, f.vxlan().name(), "mtu", String.valueOf(overlay)))
                    .fix(on(f, "start dockerd with --mtu=" + overlay + "   # FLANNEL_MTU of /run/flannel/subnet.env (mk-docker-opts.sh: DOCKER_OPT_MTU)"))
                    .fix(on(f, "systemctl restart docker")));
        }
    }

    /**
     * OVERLAY_DOWN: the listed VXLAN device is down (no UP flag, or no carrier). flanneld brings flannel.N up with its
     * lease's SUBNET.0/32 and routes the other leases through it; the kernel keeps no route through a device that is
     * down. A warning: no traced flow is put down to it (with the leases known, their missing routes are ROUTE_MISSING).
     */
    private void overlayDown(HostFacts f) {
        Link vx = f.vxlan();
        if (!f.knows(Facet.LINKS) || vx == null || vx.up()) return;
        // a device only an inference rule gave (no line shows it) says nothing of its state
        Optional<Evidence> line = source.find(f.name(), "link.txt", vx.name()).or(() -> source.find(f.name(), "addr.txt", vx.name()));
        if (line.isEmpty()) return;
        boolean addressed = f.host().addresses().stream().anyMatch(a -> a.dev().equals(vx.name()));
        boolean routed = f.knows(Facet.ROUTES) && f.host().routes().stream().anyMatch(r -> vx.name().equals(r.dev()));
        String state = vx.name() + " of " + f.name() + " is down" + (addressed ? "" : " and has no address")
                + (f.knows(Facet.ROUTES) && !routed ? ", and no route goes through it" : "");
        drafts.add(new Draft(Code.OVERLAY_DOWN, Severity.WARNING, state + ": flanneld has not configured the overlay on this host"
                + " (it sets " + vx.name() + " up with its lease's SUBNET.0/32 and routes the other hosts' subnets through it)")
                .host(f.name()).evidence(line.get())
                .fix(on(f, "journalctl -u flanneld   # or kubectl logs -n kube-flannel the kube-flannel pod of " + f.name() + ": why it stopped"))
                .fix(on(f, "systemctl restart flanneld   # or delete the kube-flannel pod of " + f.name())));
    }

    /** The underlay device flannel.N sends from: its own dev, else the device of the host's primary address. */
    private static Link underlayOf(HostFacts f) {
        if (f.vxlan() != null && f.vxlan().kind() instanceof LinkKind.Vxlan x && x.underlayDev() != null) {
            Optional<Link> l = f.host().link(x.underlayDev());
            if (l.isPresent()) return l.get();
        }
        Ipv4 primary = f.primary();
        for (IfAddress a : f.host().addresses()) if (a.ip().equals(primary)) return f.host().link(a.dev()).orElse(null);
        return null;
    }

    /** UNDERLAY_MTU: flannel.N's MTU + 50 (the VXLAN header) above the underlay device's MTU. */
    private void underlayMtu(HostFacts f) {
        if (!f.knows(Facet.LINKS) || f.vxlan() == null || f.vxlan().mtu() == Link.MTU_UNKNOWN) return;
        Link under = underlayOf(f);
        if (under == null || under.mtu() == Link.MTU_UNKNOWN || f.vxlan().mtu() + 50 <= under.mtu()) return;
        int overlay = f.vxlan().mtu();
        drafts.add(new Draft(Code.UNDERLAY_MTU, Severity.WARNING, under.name() + " of " + f.name() + " has mtu " + under.mtu() + " < "
                + f.vxlan().name() + "'s " + overlay + " + 50: encapsulated packets above " + (under.mtu() - 50)
                + " bytes do not fit (with DF: message too long; arriving from other hosts: dropped)")
                .host(f.name())
                .evidence(ev(f.name(), "link.txt", under.name() + " mtu " + under.mtu(), under.name(), "mtu " + under.mtu()))
                .evidence(ev(f.name(), "link.txt", f.vxlan().name() + " mtu " + overlay, f.vxlan().name(), "mtu " + overlay))
                .fix(on(f, "ip link set " + under.name() + " mtu " + (overlay + 50) + "   # or the underlay's real MTU, if the network carries it"))
                .fix(on(f, "or lower the overlay: start flanneld with an underlay of mtu " + under.mtu() + " (flannel.1 then gets "
                        + (under.mtu() - 50) + "), then systemctl restart flanneld docker")));
    }

    /** VXLAN_PORT_FILTERED: a rule of filter INPUT dropping or rejecting UDP to flannel.N's port. */
    private void vxlanFiltered(HostFacts f) {
        if (!f.knows(Facet.IPTABLES) || f.vxlan() == null || !(f.vxlan().kind() instanceof LinkKind.Vxlan x)) return;
        Optional<Chain> input = f.host().chain("filter", "INPUT");
        if (input.isEmpty()) return;
        for (Rule r : input.get().rules()) {
            boolean cuts = r.target() instanceof Rule.Target.Drop || r.target() instanceof Rule.Target.Reject;
            if (!cuts || r.match().protocol() != Protocol.UDP || r.match().dport() == null || r.match().dport() != x.port()) continue;
            String from = r.match().src() == null ? "any host" : (r.match().notSrc() ? "all but " : "") + r.match().src();
            drafts.add(new Draft(Code.VXLAN_PORT_FILTERED, Severity.CRITICAL, "filter INPUT of " + f.name() + " drops VXLAN (UDP " + x.port()
                    + ") from " + from + ": overlay traffic from there to its pods and flannel.1 is lost")
                    .host(f.name())
                    .evidence(ev(f.name(), "iptables.txt", r.describe(), "-A INPUT", "--dport " + x.port()))
                    .fix(on(f, "iptables -D " + r.describe().replaceFirst("^-A ", "")))
                    .fix("allow UDP " + x.port() + " between all nodes in the host firewall and the network's security groups"));
        }
    }

    /**
     * RP_FILTER_DROP (warning): strict rp_filter on a host with underlay addresses on two devices, where replies
     * and VXLAN frames may arrive on the device the route back does not use. A traced drop makes it critical.
     */
    private void reversePath(HostFacts f) {
        if (!f.knows(Facet.SYSCTLS) || !"1".equals(String.valueOf(f.host().sysctls().get(Host.RP_FILTER_ALL)).trim())) return;
        java.util.Set<String> devs = new java.util.TreeSet<>();
        for (IfAddress a : f.host().addresses()) if (f.underlay().contains(a.ip())) devs.add(a.dev());
        if (devs.size() < 2) return;
        drafts.add(new Draft(Code.RP_FILTER_DROP, Severity.WARNING, "net.ipv4.conf.all.rp_filter=1 on " + f.name() + ", which has addresses on "
                + String.join(" and ", devs) + ": a packet arriving on one whose route back leaves by the other is dropped")
                .host(f.name()).evidence(ev(f.name(), "sysctl.txt", "net.ipv4.conf.all.rp_filter = 1", "net.ipv4.conf.all.rp_filter"))
                .fix(on(f, "sysctl -w net.ipv4.conf.all.rp_filter=2   # loose: any route back will do"))
                .fix(on(f, "echo net.ipv4.conf.all.rp_filter=2 > /etc/sysctl.d/99-rp-filter.conf   # keep it across reboots")));
    }

    /** BR_NETFILTER_OFF: a node with pods on a bridge and kube-proxy, where bridged traffic bypasses iptables. */
    private void bridgeNetfilter(HostFacts f) {
        if (!f.knows(Facet.SYSCTLS) || f.bridges().isEmpty()) return;
        String v = f.host().sysctls().get(Host.BRIDGE_NF_CALL_IPTABLES);
        if (v == null || !v.trim().equals("0")) return;
        if (f.knows(Facet.DAEMONS) && f.host().daemon(Daemon.KUBE_PROXY) == Daemon.State.NOT_FOUND) return;
        drafts.add(new Draft(Code.BR_NETFILTER_OFF, Severity.WARNING, "net.bridge.bridge-nf-call-iptables=0 on " + f.name()
                + ": a pod's connection to a service whose endpoint is on the same bridge is answered from the endpoint's address, "
                + "which the pod does not expect")
                .host(f.name()).evidence(ev(f.name(), "sysctl.txt", "net.bridge.bridge-nf-call-iptables = 0", "bridge-nf-call-iptables"))
                .fix(on(f, "modprobe br_netfilter && sysctl -w net.bridge.bridge-nf-call-iptables=1"))
                .fix(on(f, "echo br_netfilter > /etc/modules-load.d/br_netfilter.conf   # keep it across reboots")));
    }

    private boolean carriesPods(HostFacts f, IfAddress bridge) {
        if (f.host().containers().stream().anyMatch(c -> c.bridge().equals(bridge.dev()))) return true;
        return index.podsOn(f.name()).stream().anyMatch(p -> p.ip() != null && bridge.prefix().contains(p.ip()));
    }

    private void forwarding(HostFacts f) {
        if (f.bridges().isEmpty() && !f.onOverlay()) return;
        if (f.knows(Facet.SYSCTLS) && !f.host().ipForward()) {
            drafts.add(new Draft(Code.IP_FORWARD_OFF, Severity.CRITICAL, "net.ipv4.ip_forward=0 on " + f.name()
                    + ": it forwards nothing between its pods, the overlay and the underlay")
                    .host(f.name()).evidence(ev(f.name(), "sysctl.txt", "net.ipv4.ip_forward = 0", "net.ipv4.ip_forward"))
                    .fix(on(f, "sysctl -w net.ipv4.ip_forward=1"))
                    .fix(on(f, "echo net.ipv4.ip_forward=1 > /etc/sysctl.d/99-ip-forward.conf   # keep it across reboots")));
        }
        Optional<Prefix> cidr = cluster.clusterCidr();
        if (!f.knows(Facet.IPTABLES) || cidr.isEmpty()) return;
        Optional<Chain> fwd = f.host().chain("filter", "FORWARD");
        if (fwd.isEmpty() || !"DROP".equals(fwd.get().policy())) return;
        Prefix net = cidr.get();
        boolean opened = fwd.get().rules().stream().anyMatch(r -> r.target() instanceof Rule.Target.Accept && (r.match().equals(Rule.Match.ANY)
                || (r.match().dst() != null && !r.match().notDst() && r.match().dst().contains(net) && onlyAddressMatch(r.match()))));
        if (opened) return;
        drafts.add(new Draft(Code.FORWARD_DROP, Severity.CRITICAL, "the FORWARD chain of " + f.name() + " has policy DROP and no rule accepting "
                + net + ": pod traffic arriving from the overlay is dropped")
                .host(f.name()).subnet(net)
                .evidence(ev(f.name(), "iptables.txt", ":FORWARD DROP", ":FORWARD", "DROP"))
                .fix(on(f, "iptables -A FORWARD -s " + net + " -j ACCEPT"))
                .fix(on(f, "iptables -A FORWARD -d " + net + " -j ACCEPT   # the two rules flanneld adds (--iptables-forward-rules)")));
    }

    /**
     * kube-proxy's filter chains: their ACCEPTs take masquerade-marked or RELATED/ESTABLISHED packets only (kube-proxy's
     * "kubernetes forwarding rules"), never a new connection between pods, and their REJECTs are services without
     * endpoints. So a jump to one of them, shown or not, lets a new pod connection go on down the chain.
     */
    private static final java.util.Set<String> KUBE_PROXY_FILTER_CHAINS = java.util.Set.of("KUBE-FORWARD", "KUBE-SERVICES",
            "KUBE-EXTERNAL-SERVICES", "KUBE-NODEPORTS", "KUBE-FIREWALL", "KUBE-PROXY-FIREWALL");

    /**
     * FORWARD_DROP from the chain's order: a catch-all REJECT or DROP in the filter FORWARD chain (firewalld's
     * {@code -A FORWARD -j REJECT --reject-with icmp-host-prohibited}, a logging REJECT an operator added) ends it for
     * every forwarded packet no earlier rule accepted. flanneld appends its {@code -s/-d NETWORK -j ACCEPT} after it,
     * where no packet reaches them (flannel#1033, #1619, kubeadm#139), whatever the policy and the cluster CIDR. Said only
     * where no rule before it may accept a new connection between pods; a chain jumped to that the snapshot does not
     * show is an assumption the summary names (firewalld's zones may accept the pod network), and so is a chain read
     * from a fragment (no {@code *filter} line: rules before those shown may be missing). A host counts as a node of the
     * cluster when it is on the overlay, has a pod bridge, or its FORWARD chain jumps to kube-proxy's chains.
     */
    private void forwardCatchAll(HostFacts f) {
        if (!f.knows(Facet.IPTABLES)) return;
        Optional<Chain> fwd = f.host().chain("filter", "FORWARD");
        if (fwd.isEmpty()) return;
        List<Rule> rules = fwd.get().rules();
        boolean node = f.onOverlay() || !f.bridges().isEmpty()
                || rules.stream().anyMatch(r -> r.target() instanceof Rule.Target.Jump j && KUBE_PROXY_FILTER_CHAINS.contains(j.chain()));
        if (!node) return;
        int end = -1;
        for (int i = 0; i < rules.size() && end < 0; i++) {
            Rule r = rules.get(i);
            if ((r.target() instanceof Rule.Target.Reject || r.target() instanceof Rule.Target.Drop) && r.match().equals(Rule.Match.ANY)) end = i;
        }
        if (end < 0) return;
        for (Draft d : drafts) if (d.code == Code.FORWARD_DROP && d.hosts.contains(f.name())) return; // the policy's finding names it
        Optional<Prefix> cidr = cluster.clusterCidr();
        List<String> unshown = new ArrayList<>();
        for (Rule r : rules.subList(0, end)) if (mayAcceptNewPodTraffic(f, r, cidr, unshown, new java.util.HashSet<>())) return;
        Rule last = rules.get(end);
        boolean fragment = fwd.get().policy() == null;
        List<String> assuming = new ArrayList<>();
        if (!unshown.isEmpty()) assuming.add(String.join(", ", unshown) + " (not in the snapshot) accept none of it");
        if (fragment) assuming.add("the rules shown are the chain's first (the listing has no *filter line and no policy)");
        String verb = last.target() instanceof Rule.Target.Reject ? "rejects" : "drops";
        String net = cidr.map(Prefix::toString).orElse("the pod network");
        // not numbered: the chain as read leaves out rules that only log (-j LOG), so its index is not the listing's
        Draft d = new Draft(Code.FORWARD_DROP, assuming.isEmpty() ? Severity.CRITICAL : Severity.WARNING, "the catch-all " + target(last)
                + " of the FORWARD chain of " + f.name() + " " + verb + " every forwarded packet no earlier rule accepted, and none of the rules"
                + " before it accepts a new connection between pods: pod traffic between hosts is " + (verb.equals("rejects") ? "rejected" : "dropped")
                + " there, and flanneld's ACCEPT rules for " + net + ", which it appends to the chain, are never reached"
                + (assuming.isEmpty() ? "" : " (assuming " + String.join(", and ", assuming) + ")"))
                .host(f.name()).evidence(ev(f.name(), "iptables.txt", last.text(), catchAllNeedles(last)));
        cidr.ifPresent(d::subnet);
        String at = "iptables -I FORWARD 1 "; // at the top, as flanneld's own FLANNEL-FWD chain goes (flannel pull request 1650)
        String src = cidr.map(Prefix::toString).orElse("CLUSTER_CIDR");
        d.fix(on(f, at + "-s " + src + " -j ACCEPT") + "   # ahead of the catch-all " + target(last));
        d.fix(on(f, at + "-d " + src + " -j ACCEPT"));
        if (unshown.stream().anyMatch(c -> c.startsWith("FORWARD_"))) {
            d.fix(on(f, "firewall-cmd --permanent --zone=trusted --add-source=" + src + " && firewall-cmd --reload")
                    + "   # firewalld writes the catch-all REJECT; this keeps the pod network out of it across reloads");
        }
        drafts.add(d);
    }

    private static String target(Rule r) {
        return r.target() instanceof Rule.Target.Reject ? "REJECT" : "DROP";
    }

    /** The words of a catch-all rule that find its line in an iptables listing of any form (save, -S, -L). */
    private static String[] catchAllNeedles(Rule r) {
        String target = target(r);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("reject-with (\\S+)").matcher(r.text() == null ? "" : r.text());
        return m.find() ? new String[] {target, m.group(1)} : new String[] {target};
    }

    /**
     * A rule before a catch-all that may accept a new connection between pods: an ACCEPT whose match a new pod packet
     * may fit (not RELATED/ESTABLISHED only, not loopback, not a source or destination outside the cluster CIDR when
     * it is known), or a jump to a chain that holds one. A chain the snapshot does not show is added to {@code unshown}
     * (an assumption); kube-proxy's chains accept no new pod connection.
     */
    private boolean mayAcceptNewPodTraffic(HostFacts f, Rule r, Optional<Prefix> cidr, List<String> unshown, java.util.Set<String> visiting) {
        if (r.target() instanceof Rule.Target.Accept) return !excludesNewPodTraffic(r.match(), cidr);
        if (!(r.target() instanceof Rule.Target.Jump j) || KUBE_PROXY_FILTER_CHAINS.contains(j.chain())) return false;
        if (excludesNewPodTraffic(r.match(), cidr)) return false;
        Optional<Chain> c = f.host().chain("filter", j.chain());
        if (c.isEmpty()) {
            if (!unshown.contains(j.chain())) unshown.add(j.chain());
            return false;
        }
        if (!visiting.add(j.chain())) return false;
        for (Rule x : c.get().rules()) if (mayAcceptNewPodTraffic(f, x, cidr, unshown, visiting)) return true;
        return false;
    }

    private static boolean excludesNewPodTraffic(Rule.Match m, Optional<Prefix> cidr) {
        if (m.ctstate() != null && !m.ctstate().contains("NEW")) return true;
        if ("lo".equals(m.inInterface()) || "lo".equals(m.outInterface())) return true;
        if (cidr.isPresent()) {
            Prefix net = cidr.get();
            if (m.src() != null && !m.notSrc() && !m.src().overlaps(net)) return true;
            if (m.dst() != null && !m.notDst() && !m.dst().overlaps(net)) return true;
        }
        return false;
    }

    private static boolean onlyAddressMatch(Rule.Match m) {
        return m.inInterface() == null && m.outInterface() == null && m.ctstate() == null && m.protocol() == null && m.markValue() == null;
    }

    // ---- services -----------------------------------------------------------------------------------------------

    private Boolean hasClusterIps;

    private boolean hasClusterIps() {
        if (hasClusterIps == null) hasClusterIps = cluster.services().stream().anyMatch(s -> s.clusterIp() != null);
        return hasClusterIps;
    }

    private void serviceProxy(HostFacts f) {
        if (!hasClusterIps()) return;
        Host h = f.host();
        // a unit the listing does not name is unknown, not absent (units.txt lists what was asked: "not-found" says absent)
        Daemon.State kp = f.knows(Facet.DAEMONS) ? h.daemons().get(Daemon.KUBE_PROXY) : null;
        boolean rules = !h.virtualServers().isEmpty() || h.chain("nat", "KUBE-SERVICES").isPresent()
                || h.nftTable("ip", "kube-proxy").isPresent(); // kube-proxy's nftables mode
        // "no rules" only where every place a mode keeps them is known: IPVS, iptables' nat table and nftables
        boolean rulesKnown = rules || (f.knows(Facet.IPVS) && f.knows(Facet.IPTABLES) && f.knows(Facet.NFTABLES));
        boolean nftEmpty = f.knows(Facet.NFTABLES) && h.nftTable("ip", "kube-proxy").isEmpty();
        boolean notRunning = kp != null && kp != Daemon.State.ACTIVE;
        if (!notRunning && !(rulesKnown && !rules)) return;
        Severity sev = f.isNode() ? Severity.CRITICAL : Severity.WARNING;
        String why = (kp == Daemon.State.NOT_FOUND ? "no kube-proxy" : notRunning ? "kube-proxy is " + kp.word() : "kube-proxy runs")
                + (!rulesKnown ? "" : !rules ? (kp != null && !notRunning ? " but there are no service rules" : " and no service rules")
                : notRunning ? " (its last rules stay in the kernel and go stale as services and pods change)" : "");
        Draft d = new Draft(Code.NO_SERVICE_PROXY, sev, f.name() + ": " + why + ": ClusterIPs are not translated there").host(f.name());
        if (kp != null) d.evidence(source.find(f.name(), "units.txt", "kube-proxy.service").or(() -> source.find(f.name(), "units.txt", "kube-proxy"))
                .orElseGet(() -> absent(f.name(), "units.txt", "kube-proxy " + kp.word())));
        if (f.knows(Facet.IPVS) && h.virtualServers().isEmpty()) d.evidence(ev(f.name(), "ipvs.txt", "ipvsadm -Ln: no virtual servers", "ipvsadm"));
        if (nftEmpty) d.evidence(absent(f.name(), "nft.txt", "nft list ruleset: no table ip kube-proxy"));
        if (f.isNode()) d.fix(on(f, kp == Daemon.State.NOT_FOUND ? "install and start kube-proxy" : "systemctl restart kube-proxy"));
        else d.fix("reach ClusterIPs from a node, or run kube-proxy on " + f.name() + " (it need not be a node)");
        drafts.add(d);
    }

    private void nodePorts(HostFacts f) {
        // no node listed: the node list is not in the snapshot (a cluster serving NodePorts has nodes), so "not a node" is unknown
        if (f.isNode() || f.primary() == null || cluster.nodes().isEmpty()) return;
        List<String> ports = new ArrayList<>();
        for (Service s : cluster.services()) for (Service.Port p : s.ports()) if (p.nodePort() > 0) ports.add(s.key() + " " + p.nodePort());
        if (ports.isEmpty()) return;
        Optional<PartialListing> nodesCut = cluster.partial(PartialListing.Kind.NODES);
        if (nodesCut.isPresent()) { // not listed is not "not a node": the filter may have left it out
            notConcluded(f, "whether the host is a node, whose NodePorts answer (else NODEPORT_ON_NON_NODE)", nodesCut.get());
            return;
        }
        List<String> nodes = hosts.stream().filter(HostFacts::isNode).map(x -> x.name() + " " + x.primary()).toList();
        Draft d = new Draft(Code.NODEPORT_ON_NON_NODE, Severity.INFO, f.name() + " (" + f.primary() + ") is not a node: NodePorts ("
                + String.join(", ", ports) + ") are refused there").host(f.name());
        d.evidence(ev(null, "nodes.txt", "nodes: " + String.join(", ", cluster.nodes().stream().map(n -> n.name()).toList()), "NAME"));
        d.fix("use a node's address for NodePorts: " + (nodes.isEmpty() ? "(no node in the snapshot)" : String.join(", ", nodes)));
        cluster.services().stream().filter(s -> s.ports().stream().anyMatch(p -> p.nodePort() > 0)).forEach(s -> d.service(s.key()));
        drafts.add(d);
    }

    /** A real server of a virtual server that is no endpoint of its service. */
    private record Stale(VirtualServer vs, VirtualServer.RealServer real, Service service) {}

    /** This run's key for what it notes on the shared parts of the hosts' IPVS tables. */
    private final Object staleKey = new Object();
    private Map<Long, Service> servicesByFrontend;
    private Map<Integer, Service> servicesByNodePort;

    private void staleDestinations(HostFacts f) {
        if (!f.knows(Facet.IPVS)) return;
        // the parts many hosts share (every node's ClusterIP servers) are looked at once, not once per host
        for (var part : dev.kubepath.model.SharedList.parts(f.host().virtualServers())) {
            List<Stale> stale = part.items() instanceof dev.kubepath.model.NodePortServers np ? nodePortStale(np) : part.memo(staleKey, this::stale);
            for (Stale x : stale) {
                drafts.add(new Draft(Code.STALE_IPVS_DESTINATION, Severity.WARNING, x.vs().describe() + " on " + f.name() + " still sends to "
                        + x.real().address() + ", which is no endpoint of " + x.service().key())
                        .host(f.name()).service(x.service().key())
                        .evidence(ev(f.name(), "ipvs.txt", "-> " + x.real().address() + " " + x.real().forward(), x.real().address().toString()))
                        .fix(on(f, "systemctl restart kube-proxy   # it rebuilds the virtual servers from the endpoints")));
            }
        }
    }

    /** A NodePort template's real servers that are no endpoint of its service. */
    private record TemplateStale(int index, Service service, List<VirtualServer.RealServer> reals) {}

    private final Object templateKey = new Object();
    private java.util.Set<Ipv4> clusterIps;

    /**
     * The stale destinations of a node's NodePort servers: each node's are generated from templates every node shares,
     * so the templates are compared once and each node's addresses only stamped on. An address that is also a
     * ClusterIP (whose servers {@link #serviceOf} would take for the ClusterIP's) goes the long way.
     */
    private List<Stale> nodePortStale(dev.kubepath.model.NodePortServers np) {
        List<TemplateStale> byTemplate = np.templates().memo(templateKey, this::templateStale);
        if (clusterIps == null) {
            clusterIps = new java.util.HashSet<>();
            for (Service s : cluster.services()) if (s.clusterIp() != null) clusterIps.add(s.clusterIp());
        }
        int n = np.templates().items().size();
        List<Stale> out = new ArrayList<>();
        for (int a = 0; a < np.addresses().size(); a++) {
            if (clusterIps.contains(np.addresses().get(a))) {
                out.addAll(stale(np.subList(a * n, (a + 1) * n)));
                continue;
            }
            for (TemplateStale t : byTemplate) {
                VirtualServer vs = np.get(a * n + t.index());
                for (VirtualServer.RealServer r : t.reals()) out.add(new Stale(vs, r, t.service()));
            }
        }
        return out;
    }

    private List<TemplateStale> templateStale(List<VirtualServer> templates) {
        List<TemplateStale> out = new ArrayList<>();
        for (int i = 0; i < templates.size(); i++) {
            VirtualServer t = templates.get(i);
            Service s = serviceOfNodePort(t.address().port());
            if (s == null) continue;
            Optional<Endpoints> ep = endpointsOf(s);
            if (ep.isEmpty() || !ep.get().complete()) continue;
            List<VirtualServer.RealServer> reals = staleReals(s, ep.get(), t.reals());
            if (!reals.isEmpty()) out.add(new TemplateStale(i, s, reals));
        }
        return out;
    }

    private synchronized Service serviceOfNodePort(int port) {
        indexServices();
        return servicesByNodePort.get(port);
    }

    private List<Stale> stale(List<VirtualServer> servers) {
        List<Stale> out = new ArrayList<>();
        for (VirtualServer vs : servers) {
            Service s = serviceOf(vs);
            if (s == null) continue;
            Optional<Endpoints> ep = endpointsOf(s);
            if (ep.isEmpty() || !ep.get().complete()) continue; // endpoints unknown or partly shown: nothing to compare with
            for (VirtualServer.RealServer r : staleReals(s, ep.get(), vs.reals())) out.add(new Stale(vs, r, s));
        }
        return out;
    }

    /** Per service, its real-server lists already compared: a ClusterIP's and every node's NodePort servers share one. */
    private final Map<Service, Map<List<VirtualServer.RealServer>, List<VirtualServer.RealServer>>> staleReals = new java.util.concurrent.ConcurrentHashMap<>();

    private List<VirtualServer.RealServer> staleReals(Service s, Endpoints ep, List<VirtualServer.RealServer> reals) {
        Map<List<VirtualServer.RealServer>, List<VirtualServer.RealServer>> seen =
                staleReals.computeIfAbsent(s, k -> java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>()));
        return seen.computeIfAbsent(reals, k -> k.stream()
                .filter(r -> ep.addresses().stream().noneMatch(a -> a.ip().equals(r.address().ip()))).toList());
    }

    private Map<String, Endpoints> endpointsByService;

    /** As {@link dev.kubepath.model.Cluster#endpointsOf}, by a map: 10,000 services are looked up per IPVS part. */
    private synchronized Optional<Endpoints> endpointsOf(Service s) {
        if (endpointsByService == null) {
            endpointsByService = new java.util.HashMap<>();
            for (Endpoints e : cluster.endpoints()) endpointsByService.putIfAbsent(e.namespace() + "/" + e.name(), e);
        }
        return Optional.ofNullable(endpointsByService.get(s.namespace() + "/" + s.name()));
    }

    /** The service of a virtual server: its ClusterIP:port, else its NodePort (the first service, as listed). */
    private synchronized Service serviceOf(VirtualServer vs) {
        indexServices();
        Service byIp = servicesByFrontend.get(vs.address().ip().unsigned() << 16 | vs.address().port());
        return byIp != null ? byIp : servicesByNodePort.get(vs.address().port());
    }

    private synchronized void indexServices() {
        if (servicesByFrontend == null) {
            servicesByFrontend = new java.util.HashMap<>();
            servicesByNodePort = new java.util.HashMap<>();
            for (Service s : cluster.services()) {
                for (Service.Port p : s.ports()) {
                    if (s.clusterIp() != null) servicesByFrontend.putIfAbsent(s.clusterIp().unsigned() << 16 | p.port(), s);
                    if (p.nodePort() > 0) servicesByNodePort.putIfAbsent(p.nodePort(), s);
                }
            }
        }
    }

    private void endpoints() {
        // the namespaces the Endpoints listing shows, told by an object of a service the services listing has there (a table
        // without a NAMESPACE column, `kubectl get ep -n kube-system`, is read as default: a name match keeps it honest);
        // a selector service of such a namespace with no object was never written
        java.util.Set<String> services = new java.util.HashSet<>(), listed = new java.util.HashSet<>();
        for (Service s : cluster.services()) services.add(s.key());
        for (Endpoints e : cluster.endpoints()) if (services.contains(e.namespace() + "/" + e.name())) listed.add(e.namespace());
        for (Service s : cluster.services()) {
            if (s.headless() || s.selector().isEmpty()) continue;
            Optional<Endpoints> ep = endpointsOf(s);
            Optional<PartialListing> cut = cluster.partial(PartialListing.Kind.ENDPOINTS, s.namespace());
            if (ep.isEmpty() && listed.contains(s.namespace()) && cut.isPresent()) {
                // a cut listing (kubectl get ep | grep web) that does not show the object is no "never written"
                notConcluded(null, s.key(), "whether the service has an Endpoints object (none at all is NO_ENDPOINTS)", cut.get());
                continue;
            }
            if (ep.isEmpty() && listed.contains(s.namespace())) {
                // the endpoints controller writes an Endpoints object for every selector service, <none> when no pod is
                // ready: none at all, where the listing shows the namespace, is a controller that did not (kubernetes#20652)
                drafts.add(new Draft(Code.NO_ENDPOINTS, Severity.WARNING, s.key() + " selects " + selector(s) + " but the Endpoints listing, which"
                        + " shows namespace " + s.namespace() + ", has no Endpoints object for it: the endpoints controller (kube-controller-manager)"
                        + " did not write one, so kube-proxy has no backend for it and connections to it are refused")
                        .service(s.key())
                        .evidence(source.find(null, "services.txt", s.name(), selector(s)).or(() -> source.find(null, "services.json", "\"" + s.name() + "\""))
                                .orElseGet(() -> absent(null, "services.json", "service " + s.key() + " selector " + selector(s))))
                        .evidence(absent(null, "endpoints.txt", "no Endpoints object " + s.key()))
                        .fix("kubectl get endpoints -n " + s.namespace() + " " + s.name() + "   # NotFound: the controller has not written it")
                        .fix("kubectl -n kube-system logs -l component=kube-controller-manager   # the endpoints controller's errors; restart it if it stopped"));
                continue;
            }
            if (ep.isPresent() && ep.get().addresses().isEmpty()) {
                drafts.add(new Draft(Code.NO_ENDPOINTS, Severity.WARNING, s.key() + " has no ready endpoint: connections to it are refused")
                        .service(s.key()).evidence(ev(null, "endpoints.json", "endpoints " + s.key() + ": none", s.name()))
                        .fix("kubectl get pods -n " + s.namespace() + " -l " + selector(s) + " -o wide   # are its pods running and ready?")
                        .fix("kubectl describe endpoints -n " + s.namespace() + " " + s.name()));
            }
        }
    }

    static String selector(Service s) {
        return String.join(",", s.selector().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList());
    }

    static boolean inCluster(Ipv4 ip, Cluster c) {
        return c.clusterCidr().map(p -> p.contains(ip)).orElse(false);
    }
}
