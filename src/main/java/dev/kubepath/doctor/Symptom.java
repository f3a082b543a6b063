package dev.kubepath.doctor;

/**
 * One traced flow as the symptom table shows it: {@code result} is ok, refused, timeout, unreachable or unknown;
 * {@code code} names the finding that explains a failure (null when it worked or nothing explains it).
 */
public record Symptom(String from, String to, String service, String result, String code, String reason) {
    public boolean failed() {
        return !"ok".equals(result);
    }
}
