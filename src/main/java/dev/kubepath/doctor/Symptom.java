package dev.kubepath.doctor;

import dev.kubepath.dataplane.Basis;

import java.util.List;

/**
 * One traced flow as the symptom table shows it, or a class of {@code flows} flows that end alike, named by the one
 * traced for it: {@code result} is ok, refused, timeout, unreachable or unknown; {@code code} names the finding that
 * explains a failure (null when it worked or nothing explains it). {@code basis} is what the result rests on
 * (observed, inferred, assumed) and {@code assumptions} what was assumed.
 */
public record Symptom(String from, String to, String service, String result, String code, String reason, Basis basis,
                      List<String> assumptions, long flows) {
    public Symptom {
        assumptions = List.copyOf(assumptions);
    }

    public Symptom(String from, String to, String service, String result, String code, String reason) {
        this(from, to, service, result, code, reason, Basis.OBSERVED, List.of(), 1);
    }

    /** The flow was traced to an answer or a failure (an unknown result is neither). */
    public boolean failed() {
        return !"ok".equals(result) && !unknown();
    }

    public boolean unknown() {
        return "unknown".equals(result);
    }

    public boolean ok() {
        return "ok".equals(result);
    }

    /** The cluster DNS service whose UDP port 53 a failing query means "name resolution fails" (DNS_UNREACHABLE). */
    public static final String KUBE_DNS = "kube-system/kube-dns";

    /** A DNS query from {@code from} to kube-dns over UDP that failed: operators notice it as "DNS does not work". */
    public boolean nameResolutionFails() {
        return failed() && KUBE_DNS.equals(service) && to.endsWith("/udp");
    }

    /** The symptom line a finding lists for a failing DNS query it explains. */
    public String dnsLine() {
        return "DNS_UNREACHABLE: name resolution fails from " + from + " (its query to " + to + " of kube-dns: " + result + ")";
    }

    /** The result with what it rests on: "ok", "ok, assuming ...". */
    public String resultWithBasis() {
        return assumptions.isEmpty() || unknown() ? result : result + ", assuming " + String.join(" and ", assumptions);
    }
}
