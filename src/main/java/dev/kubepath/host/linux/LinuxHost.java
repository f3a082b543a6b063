package dev.kubepath.host.linux;

import dev.kubepath.host.HostNetwork;
import dev.kubepath.host.HostNetworkException;
import dev.kubepath.host.NetChange;
import dev.kubepath.ingest.NftFacts;
import dev.kubepath.ingest.NftText;
import dev.kubepath.ingest.Nftables;
import dev.kubepath.ingest.Parsed;
import dev.kubepath.model.Facet;
import dev.kubepath.model.Host;
import dev.kubepath.model.HostBuilder;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.NftListing;
import dev.kubepath.model.NftTable;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

import dev.kubepath.model.Chain;
import dev.kubepath.model.Link;
import dev.kubepath.model.Rule;
import dev.kubepath.model.LinkKind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One lab host: a network namespace programmed with iproute2 and nft, read back from the kernel.
 *
 * <p>{@link #apply} sends consecutive link/addr/route/neigh changes as ONE {@code ip -n NS -batch -} and FDB
 * changes as ONE {@code bridge -n NS -batch -}, so a thousand routes cost two forks, not a thousand. Because FDB
 * entries depend only on their device existing, they are held back and sent after the pending ip batch; a link
 * add or delete, a sysctl or a virtual-server change flushes both batches first, keeping the caller's order
 * wherever it matters. A batch is not a transaction: iproute2 stops at the first failing line (no -force), the
 * lines before it stay applied, and the exception names the namespace, the line and iproute2's message.
 *
 * <p>IPVS is realised with nftables ({@link NftServiceProxy}). ClusterIPs must be local addresses (kube-proxy puts
 * them on the dummy device kube-ipvs0); this kernel has no dummy links, so they go as /32 on a BRIDGE named
 * kube-ipvs0, left down with no ports: the kernel still installs a local route for an address on a down device,
 * so the ClusterIP answers locally, while no connected prefix route and no ARP ever come from it. Virtual-server
 * addresses that are already on another device (a node IP for a NodePort) are not added again.
 *
 * kube-proxy asks for kube-ipvs0 as a Dummy link: it is made as that down bridge, and read back as Dummy.
 *
 * <p>iptables (ReplaceChains) is realised for table filter with nftables ({@link NftFilterChains}). Table nat goes to
 * the kernel whole through the real {@code iptables-restore} in the namespace when the host is made with
 * {@code natInKernel} (kube-proxy in iptables mode: its KUBE-SERVICES, KUBE-SVC-*, KUBE-SEP-* chains are the service
 * NAT), and is read back with {@code iptables-save -t nat} by the parser a bundle's iptables.txt goes through.
 * Otherwise (IPVS mode) the nat chains are held as given and read back as held, since their effect (masquerade of
 * marked packets) is already realised by {@link NftServiceProxy}'s masquerade; the chains of other tables too.
 */
public final class LinuxHost implements HostNetwork {
    static final String IPVS_DEVICE = "kube-ipvs0";
    private static final Pattern FAILED_LINE = Pattern.compile("Command failed -:(\\d+)");

    private final String hostName;
    private final Netns ns;
    private final Prefix clusterCidr;
    /** Table nat is realised with iptables-restore and read back with iptables-save (see the class comment). */
    private final boolean natInKernel;
    /** Table nat's chains as last applied by name (natInKernel), read back as such while the kernel holds them. Guarded by heldChains. */
    private final Map<String, Chain> natApplied = new LinkedHashMap<>();
    /** Chains of tables other than filter, held as given (see the class comment). */
    private final Map<String, Chain> heldChains = new LinkedHashMap<>();
    /**
     * nftables tables applied whole (kube-proxy's), by "family name": each read lists them from the kernel and reads
     * that by the parsers a bundle's nft.txt goes through; a table whose facts are the applied one's is the applied
     * one (with the comments nft keeps for people, which that reading passes over), any other is the kernel's.
     */
    private final Map<String, NftTable> nftTables = new LinkedHashMap<>();
    /** kube-proxy's ipsets, held (not in the kernel): see apply. Guarded by heldChains. */
    private final Map<String, dev.kubepath.model.IpSet> heldIpsets = new LinkedHashMap<>();

    /** @param clusterCidr the pod network; service traffic from it is not masqueraded (null: masquerade all). */
    public LinuxHost(String hostName, Netns ns, Prefix clusterCidr) {
        this(hostName, ns, clusterCidr, false);
    }

    /** @param natInKernel table nat through iptables-restore in the namespace (kube-proxy's iptables mode), not held */
    public LinuxHost(String hostName, Netns ns, Prefix clusterCidr, boolean natInKernel) {
        this.hostName = hostName;
        this.ns = ns;
        this.clusterCidr = clusterCidr;
        this.natInKernel = natInKernel;
        if (natInKernel && !IptablesNat.available(ns)) {
            throw new HostNetworkException(where() + ": kube-proxy's iptables mode needs iptables-restore and iptables-save (package iptables) in the lab");
        }
    }

    public LinuxHost(String hostName, Netns ns) {
        this(hostName, ns, null);
    }

    @Override
    public String name() {
        return hostName;
    }

    public Netns netns() {
        return ns;
    }

    /**
     * ip_forward, every device's rp_filter and br_netfilter's bridge-nf-call-iptables (absent where the module is not
     * loaded), as {@code sysctl} prints them ({@code net/ipv4/conf/flannel.1/rp_filter = 0}: the bundle's sysctl.txt
     * parser reads either separator). Per network namespace on this kernel, as the faults rp-filter and br-netfilter set them.
     */
    private static final String SYSCTLS = "grep -H . /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/*/rp_filter"
            + " /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null | sed 's|^/proc/sys/||; s|:| = |'";

    @Override
    public Host read() {
        HostBuilder b = Host.builder(hostName);
        List<String> applied;
        synchronized (heldChains) {
            applied = List.copyOf(nftTables.keySet());
        }
        // the sysctls the data plane decides by, the listening sockets, the nft tables and (iptables mode) table nat in
        // ONE exec: entering a namespace costs more than the reads
        StringBuilder script = new StringBuilder(SYSCTLS + "; echo " + SECTION + "; ss -H -4 -ltn; echo " + SECTION + " $?");
        for (String key : tableKeys(applied)) script.append("; nft list table ").append(key).append(" 2>&1; echo ").append(SECTION).append(" $?");
        if (natInKernel) script.append("; ").append(IptablesNat.SAVE).append(" 2>&1; echo ").append(SECTION).append(" $?");
        CommandResult r = ns.exec("sh", "-c", script.toString());
        String[] parts = r.stdout().split(SECTION, -1);
        int nat = 4 + applied.size();
        if (!r.ok() || parts.length != nat + 1 + (natInKernel ? 1 : 0)) throw new HostNetworkException(where() + ": cannot read sysctls, sockets and nft tables: " + r.stderr().strip());
        int ssExit = Integer.parseInt(parts[2].lines().findFirst().orElse("1").strip());
        new HostReader(ns).readInto(b, parts[0], new CommandResult(List.of("ss", "-H", "-4", "-ltn"), ssExit, parts[1].replaceFirst("^\n", ""), ""));
        List<Nftables.Table> tables = new ArrayList<>(table("ip " + NftServiceProxy.TABLE, parts[2], parts[3]));
        tables.addAll(table("ip " + NftFilterChains.TABLE, parts[3], parts[4]));
        List<Nftables.Table> kubeProxy = new ArrayList<>();
        for (int k = 0; k < applied.size(); k++) kubeProxy.addAll(table(applied.get(k), parts[4 + k], parts[5 + k]));
        NftFacts.Facts facts = facts(tables);
        List<VirtualServer> servers = facts.services() == null ? new ArrayList<>() : new ArrayList<>(facts.services());
        servers.sort(java.util.Comparator.comparing(VirtualServer::address).thenComparing(VirtualServer::protocol));
        b.virtualServers.addAll(servers);
        b.know(Facet.IPVS);
        b.links.replaceAll(l -> l.name().equals(IPVS_DEVICE) && l.kind() instanceof LinkKind.Bridge
                ? new Link(l.name(), new LinkKind.Dummy(), l.mtu(), l.mac(), l.up(), l.master()) : l);
        for (Chain c : facts.chains() == null ? List.<Chain>of() : facts.chains()) b.chain(c);
        synchronized (heldChains) {
            if (natInKernel) for (Chain c : IptablesNat.asApplied(IptablesNat.read(where(), parts[nat], parts[nat + 1]), natApplied)) b.chain(c);
            for (Chain c : heldChains.values()) b.chain(c);
            for (var set : heldIpsets.values()) b.ipset(set);
        }
        for (NftTable t : kubeProxyTables(kubeProxy)) {
            NftTable held;
            synchronized (heldChains) {
                held = nftTables.get(t.key());
            }
            b.nftTable(held != null && held.facts().equals(t.facts()) ? held : t);
        }
        b.know(Facet.IPTABLES);
        b.know(Facet.NFTABLES);
        return b.build();
    }

    private static final String SECTION = "@@kubepath-section@@";

    /** The lab's two tables, then the applied ones, in the order {@link #read} lists them. */
    private static List<String> tableKeys(List<String> applied) {
        List<String> keys = new ArrayList<>(List.of("ip " + NftServiceProxy.TABLE, "ip " + NftFilterChains.TABLE));
        keys.addAll(applied);
        return keys;
    }

    /** kube-proxy's tables as the kernel lists them, read as a bundle's nft.txt is (NftFacts, NftModel). */
    private List<NftTable> kubeProxyTables(List<Nftables.Table> listed) {
        NftFacts.Facts f = NftFacts.of(where() + ": nft list table", listed, true, true);
        if (!f.problems().isEmpty()) throw new HostNetworkException(where() + ": kube-proxy's nft table read back with a problem: " + f.problems().getFirst().message());
        return f.kubeProxy();
    }

    /** One nft listing of the combined read: {@code before} ends with the previous exit status line, {@code after} starts with its own. */
    private List<Nftables.Table> table(String key, String before, String after) {
        String text = before.substring(before.indexOf('\n') + 1);
        int exit = Integer.parseInt(after.lines().findFirst().orElse("1").strip());
        return listing(key, exit, text);
    }

    /**
     * {@code nft list table FAMILY NAME} (key) read by the parser a bundle's nft.txt goes through (NftText), so
     * {@code lab verify} checks it on the real nft; a table that does not exist is an empty listing.
     */
    private List<Nftables.Table> listing(String key, int exit, String text) {
        String command = "nft list table " + key;
        if (exit != 0) {
            if (text.contains("No such file or directory")) return List.of();
            throw new HostNetworkException(where() + ": '" + command + "' failed: " + text.strip());
        }
        Parsed<List<Nftables.Table>> p = NftText.parse(where() + ": " + command, text);
        if (!p.clean()) throw new HostNetworkException(where() + ": '" + command + "' printed what its parser cannot read: " + p.problems().getFirst().message());
        return p.value();
    }

    /**
     * The virtual servers and filter chains the lab's tables realise, read as a bundle's nft.txt is (NftFacts). A rule
     * is the iptables rule it stands for, so it keeps no nft text (iptables.txt of a lab bundle prints it as iptables does).
     */
    private NftFacts.Facts facts(List<Nftables.Table> tables) {
        NftFacts.Facts f = NftFacts.of(where() + ": nft list table", tables, false, false);
        if (!f.problems().isEmpty()) throw new HostNetworkException(where() + ": the lab's nft tables read back with a problem: " + f.problems().getFirst().message());
        if (f.chains() == null) return f;
        List<Chain> chains = new ArrayList<>();
        for (Chain c : f.chains()) {
            List<Rule> rules = new ArrayList<>();
            for (Rule r : c.rules()) rules.add(new Rule(r.chain(), r.match(), r.target(), r.comment(), null));
            chains.add(new Chain(c.table(), c.name(), c.policy(), rules));
        }
        return new NftFacts.Facts(chains, f.services(), f.kubeProxy(), f.problems());
    }

    /** Power off: the nftables tables this host realises (services, filter, nat) and the held chains are gone. */
    public void forgetTables() {
        for (String table : List.of(NftServiceProxy.TABLE, NftFilterChains.TABLE)) {
            ns.exec(List.of("nft", "-f", "-"), "table ip " + table + "\ndelete table ip " + table + "\n").orThrow();
        }
        if (natInKernel) IptablesNat.forget(ns);
        synchronized (heldChains) {
            natApplied.clear();
        }
        synchronized (heldChains) {
            for (String key : nftTables.keySet()) ns.exec(List.of("nft", "-f", "-"), "table " + key + "\ndelete table " + key + "\n").orThrow();
            heldChains.clear();
            nftTables.clear();
            heldIpsets.clear();
        }
    }

    private List<Chain> readFilterChains() {
        CommandResult r = ns.exec("nft", "list", "table", "ip", NftFilterChains.TABLE);
        List<Chain> chains = facts(listing("ip " + NftFilterChains.TABLE, r.exit(), r.ok() ? r.stdout() : r.stderr())).chains();
        return chains == null ? List.of() : chains;
    }

    /** Chains replace the same-named chains of their table; filter goes to the kernel as one nft transaction. */
    private void replaceChains(NetChange.ReplaceChains ch) {
        Map<String, Chain> filter = new LinkedHashMap<>();
        boolean filterChanged = false;
        for (Chain c : readFilterChains()) filter.put(c.name(), c);
        List<Chain> nat = new ArrayList<>();
        for (Chain c : ch.chains()) {
            if (c.table().equals("filter")) {
                filter.put(c.name(), c);
                filterChanged = true;
            } else if (natInKernel && c.table().equals("nat")) {
                nat.add(c);
            } else {
                synchronized (heldChains) {
                    heldChains.put(c.table() + "/" + c.name(), c);
                }
            }
        }
        if (!nat.isEmpty()) {
            IptablesNat.replace(ns, where() + ": " + ch.owner(), nat);
            synchronized (heldChains) {
                for (Chain c : nat) natApplied.put(c.name(), c);
            }
        }
        if (!filterChanged) return;
        String script;
        try {
            script = NftFilterChains.script(List.copyOf(filter.values()));
        } catch (IllegalArgumentException e) {
            throw new HostNetworkException(where() + ": " + ch.owner() + ": " + e.getMessage(), e);
        }
        CommandResult r = ns.exec(List.of("nft", "-f", "-"), script);
        if (!r.ok()) throw new HostNetworkException(where() + ": nft -f failed: " + r.stderr().strip() + "\nscript:\n" + script);
    }

    @Override
    public void apply(List<NetChange> changes) {
        Batch ip = new Batch("ip");
        Batch bridge = new Batch("bridge");
        for (NetChange c : changes) {
            switch (c) {
                case NetChange.ReplaceFdb f -> bridge.add(c, List.of(IpCommands.bridgeLine(c)));
                case NetChange.DeleteFdb f -> bridge.add(c, List.of(IpCommands.bridgeLine(c)));
                case NetChange.SetSysctl s -> {
                    flush(ip, bridge);
                    setSysctl(s);
                }
                case NetChange.ReplaceVirtualServers v -> {
                    flush(ip, bridge);
                    replaceVirtualServers(v);
                }
                case NetChange.ReplaceChains ch -> {
                    flush(ip, bridge);
                    replaceChains(ch);
                }
                case NetChange.ReplaceIpSets i -> {
                    // the lab emulates IPVS with nftables and expands set matches per member: no rule matches a kernel
                    // ipset, so the sets are held for reading back, not created in the namespace
                    synchronized (heldChains) {
                        heldIpsets.keySet().removeIf(name -> name.startsWith(i.owner()));
                        for (var set : i.sets()) heldIpsets.put(set.name(), set);
                    }
                }
                case NetChange.ReplaceNftTable t -> {
                    flush(ip, bridge);
                    replaceNftTable(t.table());
                }
                case NetChange.AddLink a -> {
                    if (!bridge.isEmpty()) flush(ip, bridge);
                    NetChange add = a.link().name().equals(IPVS_DEVICE) && a.link().kind() instanceof LinkKind.Dummy
                            ? new NetChange.AddLink(new Link(IPVS_DEVICE, new LinkKind.Bridge(), a.link().mtu(), a.link().mac(), false, null))
                            : c;
                    ip.add(c, IpCommands.ipLines(where(), add));
                }
                case NetChange.DeleteLink d -> {
                    if (!bridge.isEmpty()) flush(ip, bridge);
                    ip.add(c, IpCommands.ipLines(where(), c));
                }
                default -> ip.add(c, IpCommands.ipLines(where(), c));
            }
        }
        flush(ip, bridge);
    }

    private void flush(Batch ip, Batch bridge) {
        run(ip);
        run(bridge);
    }

    private void run(Batch batch) {
        if (batch.isEmpty()) return;
        CommandResult r = ns.tool(batch.tool, List.of("-batch", "-"), batch.script());
        // copies, not List.copyOf: lines the host adds itself (kube-ipvs0 addresses) have no NetChange
        List<NetChange> changes = new ArrayList<>(batch.changes);
        List<String> lines = new ArrayList<>(batch.lines);
        List<Integer> owners = new ArrayList<>(batch.owner);
        batch.clear();
        if (r.ok()) return;
        Matcher m = FAILED_LINE.matcher(r.stderr());
        String message = r.stderr().replaceAll("Command failed -:\\d+\\s*", "").strip();
        if (m.find()) {
            int n = Integer.parseInt(m.group(1));
            String line = n >= 1 && n <= lines.size() ? lines.get(n - 1) : "?";
            NetChange change = n >= 1 && n <= lines.size() ? changes.get(owners.get(n - 1)) : null;
            throw new HostNetworkException(where() + ": " + batch.tool + " -batch line " + n + " '" + line + "'"
                    + (change != null ? " (" + change + ")" : "") + ": " + message);
        }
        throw new HostNetworkException(where() + ": " + batch.tool + " -batch failed (exit " + r.exit() + "): " + message);
    }

    private void setSysctl(NetChange.SetSysctl s) {
        if (!s.key().matches("[a-z0-9_.-]+") || !s.value().matches("[A-Za-z0-9 _.:-]*")) {
            throw new HostNetworkException(where() + ": " + s + ": not a sysctl key=value");
        }
        CommandResult r = ns.exec("sysctl", "-w", s.key() + "=" + s.value());
        if (!r.ok()) throw new HostNetworkException(where() + ": " + s + ": " + r.stderr().strip());
    }

    /**
     * kube-proxy's nftables mode: the table as {@code nft list ruleset} prints it is a valid nft script, so the
     * kernel gets exactly what the simulation lists, in one transaction that first deletes the old table.
     */
    private void replaceNftTable(NftTable t) {
        String script = "table " + t.key() + "\ndelete table " + t.key() + "\n" + NftListing.render(List.of(t));
        CommandResult r = ns.exec(List.of("nft", "-f", "-"), script);
        if (!r.ok()) throw new HostNetworkException(where() + ": nft -f failed: " + r.stderr().strip() + "\nscript:\n" + script);
        synchronized (heldChains) {
            nftTables.put(t.key(), t);
        }
    }

    private void replaceVirtualServers(NetChange.ReplaceVirtualServers v) {
        List<VirtualServer> servers = v.virtualServers();
        Set<Ipv4> nodeAddresses = syncServiceAddresses(servers);
        String script = NftServiceProxy.script(servers, clusterCidr, nodeAddresses);
        CommandResult r = ns.exec(List.of("nft", "-f", "-"), script);
        if (!r.ok()) throw new HostNetworkException(where() + ": nft -f failed: " + r.stderr().strip() + "\nscript:\n" + script);
    }

    /**
     * Puts every virtual-server address that is not already local elsewhere on kube-ipvs0, and removes the rest;
     * returns the host's addresses elsewhere (those of its NodePort virtual servers).
     */
    private Set<Ipv4> syncServiceAddresses(List<VirtualServer> servers) {
        HostBuilder b = Host.builder(hostName);
        new HostReader(ns).readInto(b);
        Host now = b.build();
        Set<Ipv4> elsewhere = new LinkedHashSet<>();
        Set<Ipv4> onDevice = new LinkedHashSet<>();
        for (IfAddress a : now.addresses()) (a.dev().equals(IPVS_DEVICE) ? onDevice : elsewhere).add(a.ip());
        Set<Ipv4> wanted = new LinkedHashSet<>();
        for (VirtualServer s : servers) if (!elsewhere.contains(s.address().ip())) wanted.add(s.address().ip());
        Batch ip = new Batch("ip");
        if (now.link(IPVS_DEVICE).isEmpty() && !wanted.isEmpty()) {
            ip.add(null, List.of("link add " + IPVS_DEVICE + " type bridge"));
        }
        for (Ipv4 a : wanted) if (!onDevice.contains(a)) ip.add(null, List.of("addr add " + a + "/32 dev " + IPVS_DEVICE));
        for (Ipv4 a : onDevice) if (!wanted.contains(a)) ip.add(null, List.of("addr del " + a + "/32 dev " + IPVS_DEVICE));
        run(ip);
        return elsewhere;
    }

    private String where() {
        return hostName + " (netns " + ns.name() + ")";
    }

    /** Lines for one iproute2 -batch, remembering which change each line came from. */
    private static final class Batch {
        final String tool;
        final List<NetChange> changes = new ArrayList<>();
        final List<String> lines = new ArrayList<>();
        final List<Integer> owner = new ArrayList<>();

        Batch(String tool) {
            this.tool = tool;
        }

        void add(NetChange c, List<String> newLines) {
            changes.add(c);
            for (String l : newLines) {
                lines.add(l);
                owner.add(changes.size() - 1);
            }
        }

        boolean isEmpty() {
            return lines.isEmpty();
        }

        String script() {
            return String.join("\n", lines) + "\n";
        }

        void clear() {
            changes.clear();
            lines.clear();
            owner.clear();
        }
    }
}
