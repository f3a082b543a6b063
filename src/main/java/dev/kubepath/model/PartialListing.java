package dev.kubepath.model;

import java.util.Locale;

/**
 * A Kubernetes object listing shown only in part: piped into a filter ({@code kubectl get pods -o wide | grep node2},
 * {@code kubectl get ep | grep web}, {@code | head}), or narrowed by kubectl itself (a label or field selector, named
 * objects, one namespace where the doctor may need another). The objects it shows are observed; those it does not
 * show are unknown, never absent: nothing is concluded from what the listing lacks. The cluster-level counterpart of
 * a host's {@link Filtered}.
 *
 * @param kind      which listing
 * @param shownBy   the command as typed ({@code kubectl get pods -o wide | grep node2})
 * @param namespace when kubectl's namespace is the only narrowing ({@code kubectl get pods -n default}, or no
 *                  {@code -A}), the namespace shown, whose objects are then all listed; else null
 * @param file      the file holding the command (a bundle file, or the pasted session)
 * @param line      the command's line in that file (0 when not known)
 */
public record PartialListing(Kind kind, String shownBy, String namespace, String file, int line) {
    /** The Kubernetes listings a snapshot holds. */
    public enum Kind {
        NODES("node"), PODS("pod"), SERVICES("service"), ENDPOINTS("endpoints");

        private final String noun;

        Kind(String noun) {
            this.noun = noun;
        }

        public String noun() {
            return noun;
        }
    }

    /** {@code FILE:LINE}, or the file alone. */
    public String where() {
        return line > 0 ? file + ":" + line : file;
    }

    /** Whether every object of this namespace is in the listing (it was narrowed to that namespace only). */
    public boolean covers(String ns) {
        return namespace != null && namespace.equals(ns);
    }

    /** "the pod listing was filtered by `kubectl get pods -o wide | grep node2`". */
    public String how() {
        return String.format(Locale.ROOT, "the %s listing was %s by `%s`", kind.noun(),
                namespace != null ? "narrowed to namespace " + namespace : "filtered", shownBy);
    }

    /** {@link #how()} and where: "... by `kubectl get pods -o wide | grep node2` at session.txt:7". */
    public String because() {
        return how() + " at " + where();
    }

    public PartialListing at(String file, int line) {
        return new PartialListing(kind, shownBy, namespace, file, line);
    }
}
