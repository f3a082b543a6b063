package dev.kubepath.ingest;

import dev.kubepath.model.Facet;
import dev.kubepath.model.HostBuilder;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The files of a bundle's host directory, one entry per facet: the file, what it holds (for messages), whether a
 * bundle must have it, its parser, and how what it yields lands on the host. The bundle reader reads them in this
 * order: ipset.txt before iptables.txt (iptables rules name the sets), link.txt after addr.txt (its links, with
 * their details, replace the ones addr.txt lists).
 * <p>
 * To add a facet: its parser, one entry here, and a {@link Formats.Format} per output format of it (so transcripts
 * and blocks without a prompt find it; a block recognised by its format is read by that format's parser, so the
 * entry's parser must yield the same type). What the model has no component for lands with
 * {@link HostBuilder#list} under a new {@link Facet} constant and is read back with {@code Host.list(facet, type)};
 * a landing may report what it cannot place as problems.
 */
public final class HostFacets {
    private HostFacets() {}

    /** (file name, file text, the host as read so far) to what was read. */
    @FunctionalInterface
    public interface Parser<T> {
        Parsed<T> parse(String file, String text, HostBuilder sofar);
    }

    /** Puts what a file yielded on the host; what it cannot place goes to {@code problems}, naming {@code file}. */
    @FunctionalInterface
    public interface Landing<T> {
        void land(HostBuilder b, T value, String file, List<ParseProblem> problems);
    }

    /**
     * One host file.
     *
     * @param file     the file's name in the host's directory
     * @param what     the commands that print it, for the message when a required file is missing
     * @param required a bundle without it is reported
     * @param parser   reads the file
     * @param land     puts what was read on the host, making its facets known
     */
    public record Entry<T>(String file, String what, boolean required, Parser<T> parser, Landing<T> land) {}

    private static <T> Entry<T> entry(String file, String what, boolean required, BiFunction<String, String, Parsed<T>> parser,
                                      BiConsumer<HostBuilder, T> land) {
        return new Entry<>(file, what, required, (f, t, sofar) -> parser.apply(f, t), simply(land));
    }

    /** A landing that cannot fail. */
    private static <T> Landing<T> simply(BiConsumer<HostBuilder, T> land) {
        return (b, value, file, problems) -> land.accept(b, value);
    }

    /** Lands a list on one of the host's lists, making its facet known. */
    private static <T> BiConsumer<HostBuilder, List<T>> addTo(Function<HostBuilder, List<T>> list, Facet facet) {
        return (b, items) -> {
            list.apply(b).addAll(items);
            b.know(facet);
        };
    }

    /** Lands a map on one of the host's maps, making its facet known. */
    private static <K, V> BiConsumer<HostBuilder, Map<K, V>> putIn(Function<HostBuilder, Map<K, V>> map, Facet facet) {
        return (b, entries) -> {
            map.apply(b).putAll(entries);
            b.know(facet);
        };
    }

    public static final List<Entry<?>> ALL = List.of(
            entry("addr.txt", "ip addr / ifconfig -a", true, AddrFile::parse, (b, addr) -> {
                addr.links().forEach(b::link);
                b.addresses.addAll(addr.addresses());
                b.know(Facet.LINKS, Facet.ADDRESSES);
            }),
            entry("link.txt", "ip -d link", false, AddrFile::parse, (b, link) -> {
                b.links.clear();
                link.links().forEach(b::link);
            }),
            entry("route.txt", "ip route / route -n", true, RouteFile::parse, addTo(b -> b.routes, Facet.ROUTES)),
            entry("neigh.txt", "ip neigh / arp -n", false, NeighFile::parse, addTo(b -> b.neighbours, Facet.NEIGHBOURS)),
            entry("fdb.txt", "bridge fdb show", false, BridgeFdbText::parse, addTo(b -> b.fdb, Facet.FDB)),
            entry("ipvs.txt", "ipvsadm -Ln", false, IpvsadmText::parse, addTo(b -> b.virtualServers, Facet.IPVS)),
            entry("ipset.txt", "ipset list", false, IpSets::parse, (b, ipsets) -> {
                ipsets.forEach(b::ipset);
                b.know(Facet.IPSETS);
            }),
            new Entry<>("iptables.txt", "iptables-save", false,
                    (f, t, sofar) -> IptablesFile.parse(f, t, sofar.knows(Facet.IPSETS) ? sofar.ipsets : null),
                    simply(addTo(b -> b.chains, Facet.IPTABLES))),
            entry("sysctl.txt", "sysctl -a", false, SysctlText::parse, putIn(b -> b.sysctls, Facet.SYSCTLS)),
            entry("units.txt", "unit states", false, UnitsText::parse, putIn(b -> b.daemons, Facet.DAEMONS)),
            entry("docker-opts.txt", "cat /run/flannel/docker", false, DockerOpts::parse, (b, opts) -> b.list(Facet.DOCKER_OPTS, List.of(opts))),
            // last: what the ruleset realises is taken only where iptables.txt and ipvs.txt have not said it
            new Entry<>("nft.txt", "nft list ruleset", false, (f, t, sofar) -> NftText.parse(f, t), HostFacets::landNft));

    private static void landNft(HostBuilder b, List<Nftables.Table> tables, String file, List<ParseProblem> problems) {
        b.list(Facet.NFT, tables);
        NftFacts.Facts facts = NftFacts.of(file, tables, b.knows(Facet.IPTABLES), b.knows(Facet.IPVS));
        problems.addAll(facts.problems());
        // kube-proxy's nftables mode, as the structure the data plane evaluates (its virtual servers below serve the doctor)
        facts.kubeProxy().forEach(b::nftTable);
        b.know(Facet.NFTABLES);
        if (facts.chains() != null) {
            b.chains.addAll(facts.chains());
            b.know(Facet.IPTABLES);
        }
        if (facts.services() != null) {
            b.virtualServers.addAll(facts.services());
            b.know(Facet.IPVS);
        }
    }
}
