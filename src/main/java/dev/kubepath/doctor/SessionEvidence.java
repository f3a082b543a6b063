package dev.kubepath.doctor;

import dev.kubepath.ingest.SessionBundle;
import dev.kubepath.model.Snapshot;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Evidence for a pasted session ({@code doctor --transcript SESSION.txt}): the facts are found in the bundle the
 * session was cut into, and cited at the session's own file and line, which is what the user pasted and can look
 * at (the bundle's files are written only with {@code -o}). Evidence of an absence names the session and, in
 * brackets, the output it lacks.
 */
public final class SessionEvidence implements EvidenceSource {
    private final FileEvidence bundle;
    private final String session;
    private final Map<String, List<SessionBundle.Source>> files;

    private SessionEvidence(FileEvidence bundle, String session, Map<String, List<SessionBundle.Source>> files) {
        this.bundle = bundle;
        this.session = session;
        this.files = files;
    }

    /** {@code dir} holds the bundle written from {@code split}, named {@code session} (the session file's name). */
    public static SessionEvidence of(Path dir, Snapshot snapshot, String session, SessionBundle split) {
        return new SessionEvidence(FileEvidence.of(dir, snapshot), session, split.files());
    }

    @Override
    public Optional<Evidence> find(String host, String file, String... needles) {
        return bundle.find(host, file, needles).map(this::cite);
    }

    private Evidence cite(Evidence e) {
        List<SessionBundle.Source> lines = files.get(e.file().replace('\\', '/'));
        if (e.line() == null || lines == null || e.line() < 1 || e.line() > lines.size()) return e;
        return new Evidence(session, lines.get(e.line() - 1).sessionLine(), e.text());
    }

    @Override
    public String name(String host, String file) {
        return session + " (" + bundle.name(host, file) + ")";
    }
}
