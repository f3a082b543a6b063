package dev.kubepath.doctor;

/**
 * One traced flow as the symptom table shows it, or a class of {@code flows} flows that end alike, named by the one
 * traced for it: {@code result} is ok, refused, timeout, unreachable or unknown; {@code code} names the finding that
 * explains a failure (null when it worked or nothing explains it).
 */
public record Symptom(String from, String to, String service, String result, String code, String reason, long flows) {
    public Symptom(String from, String to, String service, String result, String code, String reason) {
        this(from, to, service, result, code, reason, 1);
    }

    public boolean failed() {
        return !"ok".equals(result);
    }
}
