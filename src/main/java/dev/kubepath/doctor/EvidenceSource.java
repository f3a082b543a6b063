package dev.kubepath.doctor;

import java.util.Optional;

/**
 * Finds the line a fact came from. The model carries no source locations, so a source re-reads its files: {@code
 * host} null means the cluster's files; {@code file} is the bundle file name (addr.txt, route.txt, leases.txt ...);
 * the line must contain every needle as a whole token.
 */
public interface EvidenceSource {
    Optional<Evidence> find(String host, String file, String... needles);

    /** The file a fact of this kind would be in, for evidence of an absence (no line shows what is not there). */
    default String name(String host, String file) {
        return (host == null ? "cluster/" : "hosts/" + host + "/") + file;
    }

    /** For a snapshot with no files behind it (a simulated cluster): nothing is located. */
    EvidenceSource NONE = (host, file, needles) -> Optional.empty();
}
