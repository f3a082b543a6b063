package dev.kubepath.doctor;

import dev.kubepath.cluster.Synthetic;
import dev.kubepath.model.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The symptom operators report first, "name resolution fails from X", traced to its cause: in a synthetic cluster
 * with cluster DNS (both CoreDNS pods on node 0 and node 1), a node that lost its flannel lease reaches no pod on
 * another node, so its DNS queries to kube-dns time out; the doctor lists the failure as DNS_UNREACHABLE under the
 * finding of the lost lease, and nowhere else.
 */
class DnsSymptomDoctorTest {
    /** The first seed whose lost lease lands on a node without a CoreDNS pod. */
    static Synthetic.Spec spec() {
        for (long seed = 1; ; seed++) {
            Synthetic.Spec spec = new Synthetic.Spec(5, 1, 2, 2, seed, new Synthetic.Faults(1, 0, 0, 0, 0), true);
            Synthetic.Placement p = Synthetic.place(spec);
            if (!p.has(Synthetic.LOST_LEASE, 0) && !p.has(Synthetic.LOST_LEASE, 1)) return spec;
        }
    }

    static String victim(Synthetic.Spec spec) {
        for (int i = 0; i < spec.nodes(); i++) if (Synthetic.place(spec).has(Synthetic.LOST_LEASE, i)) return Synthetic.hostName(i);
        throw new AssertionError("no node lost its lease");
    }

    @Test
    void aNodeThatLostItsLeaseCannotResolveNamesAndTheDoctorSaysWhy() {
        Synthetic.Spec spec = spec();
        Snapshot s = Synthetic.build(spec);
        Report r = Doctor.examine(s);
        String victim = victim(spec);
        List<Symptom> dns = r.symptoms().stream().filter(Symptom::nameResolutionFails).toList();
        assertThat(dns).extracting(Symptom::from).containsExactly(victim);
        String code = dns.getFirst().code();
        assertThat(code).as("the failure is put down to a finding").isNotNull();
        Finding cause = r.findings().stream().filter(f -> f.code().name().equals(code)).findFirst().orElseThrow();
        assertThat(cause.hosts()).contains(victim);

        String text = ReportText.human(r);
        String block = text.substring(text.indexOf(cause.code().name() + ": " + cause.summary()));
        int next = block.indexOf("\n\n");
        assertThat(next < 0 ? block : block.substring(0, next)).contains("symptom DNS_UNREACHABLE: name resolution fails from " + victim
                + " (its query to " + Synthetic.dnsIp() + ":53/udp of kube-dns: timeout)");
        assertThat(text).doesNotContain("name resolution failures no finding explains");
        assertThat(ReportText.json(r).get("nameResolutionFails").toString()).contains(victim).contains(code);
    }

    @Test
    void withoutAFaultNameResolutionWorksFromEveryNode() {
        Report r = Doctor.examine(Synthetic.build(new Synthetic.Spec(5, 1, 2, 2, 3, Synthetic.Faults.NONE, true)));
        assertThat(r.symptoms()).filteredOn(s -> Symptom.KUBE_DNS.equals(s.service()) && s.to().endsWith("/udp")).hasSize(5).allMatch(Symptom::ok);
    }
}
