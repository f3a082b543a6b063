package dev.kubepath.doctor;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each fault injected into the healthy seed cluster (pod on mcwk8s05, NodePort 41527): the doctor on the simulated
 * cluster's snapshot names the fault's code, and every critical finding is one the fault explains.
 */
class FaultDoctorTest {
    static final Prefix SUBNET_05 = Prefix.parse("172.17.98.0/24");
    SimCluster c;

    @BeforeEach
    void healthy() {
        c = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")));
        SeedCluster.bootHealthy(c);
        SeedCluster.deploy(c, SeedCluster.NODE_PORT_BEFORE);
    }

    Report doctor() {
        return Doctor.examine(c.snapshot());
    }

    static void onlyCritical(Report r, Code... explained) {
        assertThat(r.findings()).filteredOn(f -> f.severity() == Severity.CRITICAL).extracting(Finding::code)
                .as(ReportText.human(r)).isNotEmpty().isSubsetOf(Set.of(explained));
    }

    @Test
    void aHealthyClusterHasNoCriticalFindingAndEveryFlowToThePodWorks() {
        Report r = doctor();
        assertThat(r.findings()).as(ReportText.human(r)).noneMatch(f -> f.severity() == Severity.CRITICAL);
        assertThat(r.symptoms()).filteredOn(s -> s.to().equals("10.0.0.36:41527") || s.to().equals("10.0.0.35:41527"))
                .isNotEmpty().allSatisfy(s -> assertThat(s.result()).isEqualTo("ok"));
    }

    @Test
    void aLostLeaseIsLeaseMissingOnItsHost() {
        c.faults().deleteLease(SUBNET_05);
        Report r = doctor();
        assertThat(r.findings(Code.LEASE_MISSING)).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly(SeedCluster.NODE05);
            assertThat(f.subnets()).contains("172.17.98.0/24");
            assertThat(f.brokenFlows()).contains("mcwk8s03 -> 10.0.0.36:41527 (default/mcwtest-svc): timeout");
        });
        onlyCritical(r, Code.LEASE_MISSING, Code.NO_SERVICE_PROXY);
    }

    /** 05's flanneld hangs past its lease's TTL, then restarts into 172.17.89.0/24; docker0 keeps 172.17.98.1/24. */
    void flanneldRestartedWithoutDocker() {
        c.faults().hangFlanneld(SeedCluster.NODE05);
        c.advance(Duration.ofHours(25));
        c.pinNextSubnet(SeedCluster.NODE05, Prefix.parse("172.17.89.0/24"));
        c.systemctl(SeedCluster.NODE05, "restart", "flanneld");
    }

    @Test
    void flanneldRestartedWithoutDockerIsABridgeSubnetMismatch() {
        flanneldRestartedWithoutDocker();
        Report r = doctor();
        assertThat(r.findings(Code.BRIDGE_SUBNET_MISMATCH)).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly(SeedCluster.NODE05);
            assertThat(f.subnets()).containsExactly("172.17.98.0/24", "172.17.89.0/24");
            assertThat(f.fix()).singleElement().satisfies(x -> assertThat(x).startsWith("on mcwk8s05: systemctl restart docker"));
            assertThat(f.brokenFlows()).isNotEmpty();
        });
        onlyCritical(r, Code.BRIDGE_SUBNET_MISMATCH);
    }

    @Test
    void aBridgeAddressMissingFromTheListingIsInferredFromItsKernelRoute() {
        flanneldRestartedWithoutDocker();
        // the address listing lost docker0's line; "172.17.98.0/24 dev docker0 proto kernel scope link src 172.17.98.1" is there
        var s = c.snapshot();
        var hosts = new java.util.ArrayList<>(s.hosts());
        hosts.replaceAll(h -> {
            if (!h.name().equals(SeedCluster.NODE05)) return h;
            var b = h.toBuilder();
            b.addresses.removeIf(a -> a.dev().equals("docker0"));
            return b.build();
        });
        Report r = Doctor.examine(new dev.kubepath.model.Snapshot(s.name(), hosts, s.cluster()));
        assertThat(r.inferred()).anySatisfy(f -> {
            assertThat(f.rule()).isEqualTo(dev.kubepath.dataplane.Inference.Rule.BRIDGE_FROM_KERNEL_ROUTE);
            assertThat(f.toString()).startsWith("address 172.17.98.1/24 on docker0 (inferred");
        });
        assertThat(r.findings(Code.BRIDGE_SUBNET_MISMATCH)).singleElement()
                .satisfies(f -> assertThat(f.subnets()).containsExactly("172.17.98.0/24", "172.17.89.0/24"));
        onlyCritical(r, Code.BRIDGE_SUBNET_MISMATCH);
    }

    @Test
    void ipForwardOffIsFoundOnItsHost() {
        c.faults().setIpForward(SeedCluster.NODE05, false);
        Report r = doctor();
        assertThat(r.findings(Code.IP_FORWARD_OFF)).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly(SeedCluster.NODE05);
            assertThat(f.brokenFlows()).contains("mcwk8s03 -> 10.0.0.36:41527 (default/mcwtest-svc): timeout");
        });
        onlyCritical(r, Code.IP_FORWARD_OFF);
    }

    @Test
    void forwardDropWithoutFlannelsRulesIsForwardDrop() {
        c.faults().dropForward(SeedCluster.NODE05);
        Report r = doctor();
        assertThat(r.findings(Code.FORWARD_DROP)).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly(SeedCluster.NODE05);
            assertThat(f.brokenFlows()).isNotEmpty();
            assertThat(f.fix()).anySatisfy(x -> assertThat(x).contains("iptables -A FORWARD -s 172.17.0.0/16 -j ACCEPT"));
        });
        onlyCritical(r, Code.FORWARD_DROP);
    }

    @Test
    void aWrongVtepMacInTheLeaseIsAVtepMismatchOnItsOwner() {
        c.faults().corruptVtepMac(SeedCluster.NODE05, Mac.parse("de:ad:be:ef:00:05"));
        Report r = doctor();
        assertThat(r.findings(Code.VTEP_MISMATCH)).isNotEmpty().anySatisfy(f -> {
            assertThat(f.hosts()).containsExactly(SeedCluster.NODE05);
            assertThat(f.summary()).contains("de:ad:be:ef:00:05");
            assertThat(f.brokenFlows()).contains("mcwk8s03 -> 10.0.0.36:41527 (default/mcwtest-svc): timeout");
        });
        onlyCritical(r, Code.VTEP_MISMATCH);
    }

    @Test
    void aStoppedKubeProxyOnANodeIsNoServiceProxy() {
        c.systemctl(SeedCluster.NODE06, "stop", "kube-proxy");
        Report r = doctor();
        assertThat(r.findings(Code.NO_SERVICE_PROXY)).anySatisfy(f -> {
            assertThat(f.hosts()).containsExactly(SeedCluster.NODE06);
            // its last rules stay in the kernel: every traced flow still works, so it is a warning that says why it matters
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.brokenFlows()).isEmpty();
            assertThat(f.summary()).contains("it still matters");
            assertThat(f.fix()).containsExactly("on mcwk8s06: systemctl restart kube-proxy");
        });
        assertThat(r.findings()).as(ReportText.human(r)).noneMatch(f -> f.severity() == Severity.CRITICAL);
    }

    void fault(String text) {
        c.faults().inject(dev.kubepath.cluster.Fault.parse(java.util.List.of(text.split(" "))));
    }

    @Test
    void aHostFirewallDroppingVxlanIsVxlanPortFilteredWithTheFlowsItBreaks() {
        fault("underlay-drop mcwk8s06 mcwk8s05");
        Report r = doctor();
        assertThat(r.findings(Code.VXLAN_PORT_FILTERED)).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly(SeedCluster.NODE05);
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.summary()).contains("from 10.0.0.36/32");
            assertThat(f.brokenFlows()).contains("mcwk8s03 -> 10.0.0.36:41527 (default/mcwtest-svc): timeout");
        });
        onlyCritical(r, Code.VXLAN_PORT_FILTERED);
    }

    @Test
    void anUnderlayMtuBelowTheOverlaysIsUnderlayMtu() {
        fault("underlay-mtu mcwk8s05 1400");
        Report r = doctor();
        assertThat(r.findings(Code.UNDERLAY_MTU)).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly(SeedCluster.NODE05);
            assertThat(f.summary()).startsWith("eth0 of mcwk8s05 has mtu 1400 < flannel.1's 1450 + 50");
        });
        assertThat(r.findings()).as("small probes all pass").noneMatch(f -> f.severity() == Severity.CRITICAL);
    }

    @Test
    void aFlanneldAnnouncingANatAddressIsAPublicIpConflict() {
        fault("public-ip mcwk8s05 192.0.2.5");
        Report r = doctor();
        assertThat(r.findings(Code.PUBLIC_IP_CONFLICT)).anySatisfy(f -> {
            assertThat(f.hosts()).contains(SeedCluster.NODE05);
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.summary()).contains("announces PublicIP 192.0.2.5, which no host of the cluster has");
            assertThat(f.brokenFlows()).contains("mcwk8s06 -> 10.0.0.36:41527 (default/mcwtest-svc): timeout");
        });
    }

    /**
     * flanneld restarted with --public-ip takes a new lease under the NAT address while docker0 keeps the old subnet
     * (issue #15's cluster file: 30 h later the doctor said "no route to" 05's own new subnet, "its flanneld missed those leases"):
     * the new lease is 05's own (its flannel.1 MAC is the VtepMAC, its flannel.1 address the subnet's .0), so docker0
     * outside it is BRIDGE_SUBNET_MISMATCH, and 05's missing route to that subnet is no lease its flanneld missed.
     */
    @Test
    void aNewLeaseUnderANatAddressIsTheHostsOwnAndTheOldBridgeIsABridgeSubnetMismatch() {
        fault("public-ip mcwk8s05 192.0.2.5");
        c.advance(Duration.ofHours(25)); // the old lease, under 10.0.0.35, runs out its TTL
        String fresh = c.registry().getLeases().leases().stream().filter(l -> l.publicIp().toString().equals("192.0.2.5")).findFirst().orElseThrow().subnet().toString();
        Report r = doctor();
        assertThat(r.findings(Code.ROUTE_MISSING)).as(ReportText.human(r))
                .noneMatch(f -> f.hosts().contains(SeedCluster.NODE05) && f.subnets().contains(fresh));
        assertThat(r.findings(Code.LEASE_MISSING)).as(ReportText.human(r)).noneMatch(f -> f.hosts().contains(SeedCluster.NODE05));
        assertThat(r.findings(Code.BRIDGE_SUBNET_MISMATCH)).as(ReportText.human(r)).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly(SeedCluster.NODE05);
            assertThat(f.subnets()).containsExactly("172.17.98.0/24", fresh);
            assertThat(f.summary()).contains("announcing PublicIP 192.0.2.5");
            assertThat(f.brokenFlows()).isNotEmpty();
        });
    }

    /**
     * A multi-homed node: mcwk8s05 gets a second NIC on the underlay's subnet, eth1 10.0.0.135/24 (its connected route
     * at metric 100, as NetworkManager numbers a second device), and flanneld announces it (--iface eth1). The other
     * nodes' VXLAN frames then arrive on eth1, while 05's route back to them leaves by eth0: with strict rp_filter the
     * kernel drops them (fib_validate_source), and every flow into 05's pod over the overlay with them.
     */
    @Test
    void strictRpFilterOnAMultiHomedNodeIsRpFilterDropWithTheOverlayFlowsItBreaks() {
        fault("public-ip mcwk8s05 10.0.0.135");
        fault("rp-filter mcwk8s05 1");
        dev.kubepath.model.Snapshot s = c.snapshot();
        java.util.List<dev.kubepath.model.Host> hosts = new java.util.ArrayList<>();
        for (dev.kubepath.model.Host h : s.hosts()) {
            if (!h.name().equals(SeedCluster.NODE05)) {
                hosts.add(h);
                continue;
            }
            hosts.add(h.toBuilder()
                    .link(new dev.kubepath.model.Link("eth1", new dev.kubepath.model.LinkKind.Ethernet(), 1500, Mac.parse("52:54:00:00:01:35"), true, null))
                    .address(new dev.kubepath.model.IfAddress("eth1", dev.kubepath.net.Ipv4.parse("10.0.0.135"), 24))
                    .route(dev.kubepath.model.Route.direct(Prefix.parse("10.0.0.0/24"), "eth1", 100))
                    .build());
        }
        Report r = Doctor.examine(new dev.kubepath.model.Snapshot(s.name(), hosts, s.cluster()));
        assertThat(r.findings(Code.RP_FILTER_DROP)).as(ReportText.human(r)).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly(SeedCluster.NODE05);
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.summary()).contains("eth0 and eth1");
            assertThat(f.brokenFlows()).contains("mcwk8s06 -> 10.0.0.36:41527 (default/mcwtest-svc): timeout");
        });
        assertThat(r.findings(Code.PUBLIC_IP_CONFLICT)).as("10.0.0.135 is 05's own address now: only the warning that it is not the InternalIP")
                .allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.WARNING));
    }

    @Test
    void brNetfilterOffOnANodeWithPodsIsBrNetfilterOff() {
        fault("br-netfilter mcwk8s05 off");
        Report r = doctor();
        assertThat(r.findings(Code.BR_NETFILTER_OFF)).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly(SeedCluster.NODE05);
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
        });
    }
    @Test
    void aBridgeThatLostItsAddressLeavesItsHostWithoutARouteToItsOwnPods() {
        // ip addr flush dev docker0: the kernel takes the connected route with the address
        c.network(SeedCluster.NODE05).apply(new dev.kubepath.host.NetChange.DeleteAddress(new dev.kubepath.model.IfAddress("docker0", dev.kubepath.net.Ipv4.parse("172.17.98.1"), 24)));
        Report r = doctor();
        assertThat(r.findings(Code.ROUTE_MISSING)).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly(SeedCluster.NODE05);
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.summary()).startsWith("mcwk8s05 has no route to its own pod subnet 172.17.98.0/24: no bridge holds an address in it (docker0 has none)");
            assertThat(f.summary()).contains("172.17.98.13");
            assertThat(f.fix()).singleElement().asString().startsWith("on mcwk8s05: systemctl restart docker");
            assertThat(f.brokenFlows()).contains("mcwk8s06 -> 10.0.0.36:41527 (default/mcwtest-svc): timeout");
        });
        onlyCritical(r, Code.ROUTE_MISSING);
    }

    @Test
    void aBridgeSetDownIsNamedWithTheRouteItTookAway() {
        c.network(SeedCluster.NODE05).apply(new dev.kubepath.host.NetChange.SetLinkUp("docker0", false));
        Report r = doctor();
        assertThat(r.findings(Code.ROUTE_MISSING)).as(ReportText.human(r)).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly(SeedCluster.NODE05);
            assertThat(f.summary()).contains("docker0 holds 172.17.98.1/24 but the kernel has no route for it: docker0 is down");
            assertThat(f.fix()).singleElement().asString().startsWith("on mcwk8s05: ip link set docker0 up");
        });
        onlyCritical(r, Code.ROUTE_MISSING);
    }
}
