package dev.kubepath.host.linux;

import dev.kubepath.host.HostNetworkException;
import dev.kubepath.host.NetChange;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Translates changes into iproute2 batch lines: {@code ip -batch} lines (link, addr, route, neigh) and
 * {@code bridge -batch} lines (fdb; iproute2 6.1's {@code ip -batch} rejects "fdb" with 'Object "fdb" is unknown').
 */
public final class IpCommands {
    private IpCommands() {}

    public static boolean isBridgeChange(NetChange c) {
        return c instanceof NetChange.ReplaceFdb || c instanceof NetChange.DeleteFdb;
    }

    static boolean isIpChange(NetChange c) {
        return switch (c) {
            case NetChange.SetSysctl s -> false;
            case NetChange.ReplaceVirtualServers v -> false;
            case NetChange.ReplaceChains ch -> false;
            case NetChange.ReplaceNftTable t -> false;
            case NetChange.ReplaceIpSets i -> false;
            case NetChange.ReplaceFdb f -> false;
            case NetChange.DeleteFdb f -> false;
            default -> true;
        };
    }

    /** The ip -batch lines of one change (an added link that starts up or enslaved takes more than one line). */
    public static List<String> ipLines(String host, NetChange c) {
        return switch (c) {
            case NetChange.AddLink a -> addLink(host, a.link());
            case NetChange.DeleteLink d -> List.of("link del " + d.name());
            case NetChange.SetLinkUp u -> List.of("link set " + u.name() + (u.up() ? " up" : " down"));
            case NetChange.SetLinkMtu m -> List.of("link set " + m.name() + " mtu " + m.mtu());
            case NetChange.SetMaster m -> List.of("link set " + m.name() + (m.master() == null ? " nomaster" : " master " + m.master()));
            case NetChange.AddAddress a -> List.of("addr add " + a.address().ip() + "/" + a.address().prefixLength() + " dev " + a.address().dev());
            case NetChange.DeleteAddress a -> List.of("addr del " + a.address().ip() + "/" + a.address().prefixLength() + " dev " + a.address().dev());
            case NetChange.ReplaceRoute r -> List.of("route replace " + route(r.route()));
            case NetChange.DeleteRoute r -> List.of("route del " + route(r.route()));
            case NetChange.ReplaceNeighbour n -> List.of(neighbour("neigh replace ", n.neighbour()));
            case NetChange.DeleteNeighbour n -> List.of("neigh del " + n.neighbour().ip() + " dev " + n.neighbour().dev());
            default -> throw new IllegalArgumentException(c + " is not an ip change");
        };
    }

    public static String bridgeLine(NetChange c) {
        return switch (c) {
            case NetChange.ReplaceFdb f -> fdb("fdb replace ", f.entry()) + (f.entry().permanent() ? " permanent" : " dynamic");
            case NetChange.DeleteFdb f -> fdb("fdb del ", f.entry());
            default -> throw new IllegalArgumentException(c + " is not a bridge change");
        };
    }

    private static String fdb(String verb, FdbEntry e) {
        return verb + e.mac() + " dev " + e.dev() + (e.dst() != null ? " dst " + e.dst() : "") + " self";
    }

    private static List<String> addLink(String host, Link l) {
        StringBuilder sb = new StringBuilder("link add ").append(l.name());
        if (l.mac() != null) sb.append(" address ").append(l.mac());
        if (l.mtu() > 0) sb.append(" mtu ").append(l.mtu());
        switch (l.kind()) {
            case LinkKind.Vxlan x -> {
                sb.append(" type vxlan id ").append(x.vni()).append(" dstport ").append(x.port())
                        .append(x.learning() ? " learning" : " nolearning");
                if (x.local() != null) sb.append(" local ").append(x.local());
                if (x.underlayDev() != null) sb.append(" dev ").append(x.underlayDev());
            }
            case LinkKind.Bridge b -> sb.append(" type bridge");
            case LinkKind.Veth v -> {
                int slash = v.peer().indexOf('/');
                if (slash < 0) sb.append(" type veth peer name ").append(v.peer());
                else sb.append(" type veth peer name ").append(v.peer().substring(slash + 1))
                        .append(" netns ").append(v.peer(), 0, slash);
            }
            case LinkKind.Dummy d -> throw new HostNetworkException(host + ": cannot add " + l.name()
                    + ": dummy links are not available in this kernel (no CONFIG_DUMMY); the lab holds ClusterIPs on a bridge named kube-ipvs0 instead");
            case LinkKind.Ethernet e -> throw new HostNetworkException(host + ": cannot add " + l.name()
                    + ": an Ethernet device is hardware, not something ip link add makes (use a veth pair)");
            case LinkKind.Loopback lo -> throw new HostNetworkException(host + ": cannot add " + l.name()
                    + ": every namespace has exactly one loopback device, lo");
        }
        List<String> lines = new ArrayList<>(List.of(sb.toString()));
        if (l.master() != null) lines.add("link set " + l.name() + " master " + l.master());
        if (l.up()) lines.add("link set " + l.name() + " up");
        return lines;
    }

    /** The route in ip route's argument order; table main, universe scope and metric 0 are left to defaults. */
    static String route(Route r) {
        StringBuilder sb = new StringBuilder();
        if (r.type() != Route.Type.UNICAST) sb.append(r.type().name().toLowerCase(Locale.ROOT)).append(' ');
        sb.append(r.dst());
        if (r.via() != null) sb.append(" via ").append(r.via());
        if (r.dev() != null) sb.append(" dev ").append(r.dev());
        if (r.table() != null && !Route.MAIN.equals(r.table())) sb.append(" table ").append(r.table());
        if (r.metric() != 0) sb.append(" metric ").append(r.metric());
        if (r.scope() != null && r.scope() != defaultScope(r)) sb.append(" scope ").append(scopeWord(r.scope()));
        if (r.src() != null) sb.append(" src ").append(r.src());
        if (r.onlink()) sb.append(" onlink");
        return sb.toString();
    }

    /** What ip route chooses when no scope is given: host for local, link for a gatewayless unicast, else global. */
    static Route.Scope defaultScope(Route r) {
        if (r.type() == Route.Type.LOCAL) return Route.Scope.HOST;
        if (r.type() == Route.Type.BROADCAST) return Route.Scope.LINK;
        if (r.type() == Route.Type.UNICAST && r.via() == null && r.dev() != null) return Route.Scope.LINK;
        return Route.Scope.UNIVERSE;
    }

    private static String scopeWord(Route.Scope s) {
        return switch (s) {
            case UNIVERSE -> "global";
            case LINK -> "link";
            case HOST -> "host";
        };
    }

    private static String neighbour(String verb, Neighbour n) {
        StringBuilder sb = new StringBuilder(verb).append(n.ip());
        if (n.mac() != null) sb.append(" lladdr ").append(n.mac());
        sb.append(" dev ").append(n.dev()).append(" nud ").append(n.state().name().toLowerCase(Locale.ROOT));
        return sb.toString();
    }
}
