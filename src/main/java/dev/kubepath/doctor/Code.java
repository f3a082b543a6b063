package dev.kubepath.doctor;

/**
 * The stable codes of findings (docs/doctor.md). Codes are never renamed: scripts match on them. The order here is
 * the order of findings of equal severity in a report: causes before their consequences.
 */
public enum Code {
    LEASE_MISSING("a host's bridge subnet or pod addresses have no lease"),
    BRIDGE_SUBNET_MISMATCH("the bridge subnet differs from the host's own lease: flanneld restarted, docker not"),
    ROUTE_MISSING("no route to a leased subnet: another host's, or the host's own pod subnet"),
    HOSTGW_NOT_ADJACENT("host-gw with a peer on another underlay subnet: its route needs a gateway on the link, the kernel refuses it"),
    ROUTE_STALE("a route via the overlay to a subnet no lease holds"),
    SUBNET_ENV_STALE("/run/flannel/subnet.env's FLANNEL_SUBNET differs from the host's lease or flannel.1's address"),
    DOCKER_OPTS_STALE("docker's --bip (mk-docker-opts.sh's /run/flannel/docker) differs from subnet.env's FLANNEL_SUBNET or docker0's address"),
    OVERLAY_DOWN("the host's VXLAN device is down: flanneld has not brought the overlay up there"),
    PUBLIC_IP_CONFLICT("leases announce one PublicIP, or a lease's PublicIP is not its node's address"),
    VTEP_MISMATCH("neighbour/FDB entries or the owner's VXLAN MAC disagree with the lease"),
    VXLAN_PORT_FILTERED("a host's filter chain drops or rejects flannel's VXLAN port: the overlay to it is cut"),
    UNDERLAY_MTU("the underlay device's MTU is below flannel.1's + 50 bytes: large packets across the overlay fail"),
    RP_FILTER_DROP("reverse-path filtering (rp_filter) drops packets that arrive on one device and route back by another"),
    IP_FORWARD_OFF("net.ipv4.ip_forward=0 on a host that forwards pod traffic"),
    FORWARD_DROP("the filter FORWARD chain drops pod traffic"),
    NO_SERVICE_PROXY("no kube-proxy or no service rules: ClusterIPs unreachable from the host"),
    NO_ENDPOINTS("a service with no endpoints: connections are refused"),
    ENDPOINT_UNREACHABLE("an endpoint some hosts cannot reach"),
    STALE_IPVS_DESTINATION("an IPVS/iptables backend that is no current endpoint"),
    MTU_MISMATCH("a bridge MTU above the overlay MTU"),
    BR_NETFILTER_OFF("net.bridge.bridge-nf-call-iptables=0: traffic between pods on one bridge skips kube-proxy's rules"),
    NODEPORT_ON_NON_NODE("a host that is not a node: its NodePorts refuse"),
    OBSERVED_FAILURE("a probe that failed in the pasted session where the snapshot's trace of it does not fail"),
    INSUFFICIENT_INFO("what the snapshot does not say, so could not be decided");

    private final String meaning;

    Code(String meaning) {
        this.meaning = meaning;
    }

    /** Why a finding of this code matters even when no traced flow fails because of it yet. */
    public String stillMatters() {
        return switch (this) {
            case LEASE_MISSING -> "another host may take the subnet, and pods started here are unreachable from other hosts";
            case BRIDGE_SUBNET_MISMATCH -> "pods started on the bridge get addresses no host routes to";
            case HOSTGW_NOT_ADJACENT -> "pods here cannot reach the subnets of nodes behind a router, whatever the router forwards";
            case ROUTE_MISSING -> "pods here cannot reach those subnets once they talk to them";
            case VTEP_MISMATCH -> "overlay frames to that subnet are dropped as soon as traffic flows there";
            case IP_FORWARD_OFF -> "the host forwards nothing between its pods, the overlay and the underlay";
            case FORWARD_DROP -> "pod traffic crossing the host is dropped";
            case NO_SERVICE_PROXY -> "ClusterIPs are not translated on this host";
            case ENDPOINT_UNREACHABLE -> "the endpoint cannot be reached";
            case SUBNET_ENV_STALE -> "docker (--bip) and flannel's CNI plugin take the subnet from subnet.env at their next start, so new pods would land in a subnet no lease routes to";
            case DOCKER_OPTS_STALE -> "docker takes --bip from /run/flannel/docker at its next start, so docker0 and its new pods land in a subnet no lease of this host routes to";
            case VXLAN_PORT_FILTERED -> "overlay traffic from the filtered hosts is dropped as soon as it flows";
            case UNDERLAY_MTU -> "packets near the overlay MTU (bulk transfers, pings with DF) fail; small ones pass";
            case RP_FILTER_DROP -> "packets arriving on one device whose route back leaves by another are dropped";
            case BR_NETFILTER_OFF -> "a pod calling a service whose chosen endpoint sits on the same bridge gets its answer from the pod's "
                    + "own address, not the service's, and the connection fails";
            case OVERLAY_DOWN -> "no packet leaves or enters this host through the overlay: its pods cannot reach other hosts' pods, nor they its pods";
            case PUBLIC_IP_CONFLICT -> "VXLAN frames for these subnets go to the wrong host once traffic flows there";
            default -> meaning;
        };
    }

    public String meaning() {
        return meaning;
    }
}
