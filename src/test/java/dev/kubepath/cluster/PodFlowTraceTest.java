package dev.kubepath.cluster;

import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.model.Container;
import dev.kubepath.model.Service;
import dev.kubepath.model.Snapshot;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flows sent inside a pod, in the simulator, on lab-nftables.yaml (web: two endpoints on n1, one on n2; kube-proxy in
 * nftables mode, --cluster-cidr 10.244.0.0/16): the pod's curl of the ClusterIP reaches every endpoint, and with
 * br_netfilter off on n1 the endpoints on the pod's own bridge answer from their own address, which the pod does
 * not take (the kernel's verdicts for the same flows: LabNftablesTest, LabBrNetfilterTest).
 */
class PodFlowTraceTest {
    SimCluster c;

    @BeforeEach
    void boot() {
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(Path.of("src/test/resources/cluster-files/lab-nftables.yaml")), e -> { });
        run.boot();
        run.runAll();
        c = run.cluster();
    }

    private Container firstWebPodOn(Snapshot s, String host) {
        return s.hostsByName().get(host).containers().stream().filter(x -> x.pod().startsWith("web-")).findFirst().orElseThrow();
    }

    private Trace fromPod(String host, Container pod, SocketAddress to) {
        return new DataPlane(c.snapshot()).traceFromPod(host, pod.pod(), new Probe.Curl(to));
    }

    private SocketAddress web(Snapshot s) {
        Service web = s.cluster().services().stream().filter(x -> x.name().equals("web")).findFirst().orElseThrow();
        return new SocketAddress(web.clusterIp(), 80);
    }

    @Test
    void aPodsCurlOfAClusterIpReachesEveryEndpointAndComesBackFromTheClusterIp() {
        Snapshot s = c.snapshot();
        Trace t = fromPod("n1", firstWebPodOn(s, "n1"), web(s));
        assertThat(t.from()).startsWith("n1/web-");
        assertThat(t.backends()).hasSize(3).allSatisfy(b -> assertThat(b.verdict()).as(b.reason()).isEqualTo(Verdict.DELIVERED));
        assertThat(t.steps()).anySatisfy(st -> assertThat(st.detail()).startsWith("the answer reaches the sender, pod web-"));
    }

    @Test
    void aPodsCurlOfAPodOnAnotherNodeIsDelivered() {
        Snapshot s = c.snapshot();
        Container n2 = firstWebPodOn(s, "n2");
        Trace t = fromPod("n1", firstWebPodOn(s, "n1"), new SocketAddress(n2.ip(), 8080));
        assertThat(t.verdict()).as(t.reason()).isEqualTo(Verdict.DELIVERED);
        assertThat(t.assumptions()).isEmpty();
    }

    @Test
    void withBrNetfilterOffTheEndpointsOnThePodsOwnBridgeAnswerFromTheirOwnAddress() {
        c.faults().inject(Fault.parse(List.of("br-netfilter", "n1", "off")));
        Snapshot s = c.snapshot();
        Container caller = firstWebPodOn(s, "n1");
        Trace t = fromPod("n1", caller, web(s));
        assertThat(t.backends()).hasSize(3);
        for (Trace.Backend b : t.backends()) {
            // the caller itself as endpoint is masqueraded (kube-proxy's hairpin rule), so its answer goes by the host
            boolean sameBridge = b.address().startsWith("10.244.11.") && !b.address().startsWith(caller.ip() + ":");
            assertThat(b.verdict()).as(b.address() + ": " + b.reason()).isEqualTo(sameBridge ? Verdict.TIMEOUT : Verdict.DELIVERED);
            if (sameBridge) assertThat(b.reason()).contains("which it called (the DNAT was not undone)");
        }
        assertThat(t.backends()).anySatisfy(b -> assertThat(b.verdict()).isEqualTo(Verdict.TIMEOUT));
        assertThat(fromPod("n2", firstWebPodOn(s, "n2"), web(s)).backends()).as("n2 keeps br_netfilter")
                .allSatisfy(b -> assertThat(b.verdict()).isEqualTo(Verdict.DELIVERED));
    }

    /**
     * The pod's call of its own Service that kube-proxy DNATs to the pod itself goes back out of the bridge port it
     * came in by: with hairpin on (docker's kubelet hairpin-veth, flannel's CNI hairpinMode) it is answered; with
     * hairpin off on n1's ports that backend times out and every other answers (the kernel's: LabHairpinTest).
     */
    @Test
    void aPodReachingItselfThroughItsServiceNeedsHairpinOnItsBridgePort() {
        Snapshot s = c.snapshot();
        Container caller = firstWebPodOn(s, "n1");
        assertThat(caller.hairpin()).as("the runtime sets hairpin on").isTrue();
        Trace on = fromPod("n1", caller, web(s));
        Trace.Backend self = on.backends().stream().filter(b -> b.address().startsWith(caller.ip() + ":")).findFirst().orElseThrow();
        assertThat(self.verdict()).as(self.reason()).isEqualTo(Verdict.DELIVERED);

        c.faults().inject(Fault.parse(List.of("hairpin", "n1", "off")));
        Snapshot off = c.snapshot();
        assertThat(off.hostsByName().get("n1").containers()).allSatisfy(x -> assertThat(x.hairpin()).isFalse());
        assertThat(off.hostsByName().get("n2").containers()).allSatisfy(x -> assertThat(x.hairpin()).isTrue());
        Trace t = fromPod("n1", firstWebPodOn(off, "n1"), web(off));
        assertThat(t.backends()).hasSize(3);
        for (Trace.Backend b : t.backends()) {
            boolean itself = b.address().startsWith(caller.ip() + ":");
            assertThat(b.verdict()).as(b.address() + ": " + b.reason()).isEqualTo(itself ? Verdict.TIMEOUT : Verdict.DELIVERED);
            if (itself) assertThat(b.reason()).contains("hairpin mode is off on that port");
        }
        // without br_netfilter the DNAT'ed packet is routed down from the bridge device itself: no hairpin needed
        c.faults().inject(Fault.parse(List.of("br-netfilter", "n1", "off")));
        Trace routed = fromPod("n1", firstWebPodOn(c.snapshot(), "n1"), web(c.snapshot()));
        assertThat(routed.backends()).filteredOn(b -> b.address().startsWith(caller.ip() + ":")).singleElement()
                .satisfies(b -> assertThat(b.verdict()).as(b.reason()).isEqualTo(Verdict.DELIVERED));
    }

    @Test
    void anUnknownPodIsSaidSo() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DataPlane(c.snapshot()).traceFromPod("n1", "nothing", new Probe.Curl(web(c.snapshot()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no pod 'nothing' among the containers of n1");
    }
}
