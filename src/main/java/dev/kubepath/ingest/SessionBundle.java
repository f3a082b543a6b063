package dev.kubepath.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One pasted terminal session across several hosts, cut into a bundle (docs/bundle-format.md): each command's
 * output goes to the file its format belongs in, under the host its prompt names ({@code hosts/mcwk8s05/route.txt});
 * kubectl and etcdctl outputs go to {@code cluster/} whichever host typed them. Output with no prompt is placed by
 * its content, under the host of the last prompt. Each written line keeps the session line it came from, so what
 * the bundle reader finds is reported at the session's file and line.
 */
public final class SessionBundle {
    /** A line of a bundle file and the session line it was. */
    public record Source(int sessionLine, String text) {}

    /**
     * The kernel's answer to one {@code ip route get ADDRESS} typed on {@code host} (at session line {@code line}): the
     * route it chose for that address, not an entry of the host's table (its destination is the address as a /32).
     */
    public record RouteLookup(String host, int line, dev.kubepath.net.Ipv4 address, dev.kubepath.model.Route answer) {}

    /** Host files of output whose host no prompt named go under this directory name. */
    public static final String UNKNOWN_HOST = "unknown-host";

    private final String session;
    private final Map<String, List<Source>> files = new LinkedHashMap<>();
    private final List<ParseProblem> problems = new ArrayList<>();
    private final List<ProbeText.Observed> observed = new ArrayList<>();
    private final List<RouteLookup> lookups = new ArrayList<>();
    /** The last session line where output repeats a command whose file already holds an earlier output (0: none). */
    private int restated;
    /** Session lines that are accounted for: non-data, written to a bundle file, or in a block reported as not read. */
    private final java.util.BitSet accounted = new java.util.BitSet();
    private int lineCount;

    private SessionBundle(String session) {
        this.session = session;
    }

    /** The bundle's files (path inside the bundle to its lines), in the order the session first wrote them. */
    public Map<String, List<Source>> files() {
        return files;
    }

    /** The curls and pings typed in the session whose output says how they ended, in the session's order. */
    public List<ProbeText.Observed> observed() {
        return java.util.Collections.unmodifiableList(observed);
    }

    /** The {@code ip route get} answers of the session, in its order (read, never written to a route.txt). */
    public List<RouteLookup> lookups() {
        return java.util.Collections.unmodifiableList(lookups);
    }

    /** Blocks of the session that went into no file, each with its session line. */
    public List<ParseProblem> problems() {
        return problems;
    }

    public static SessionBundle split(String sessionName, String text) {
        SessionBundle b = new SessionBundle(sessionName);
        b.cut(text);
        return b;
    }

    private void cut(String text) {
        String[] lines = text.split("\n", -1);
        Transcript t = Transcript.of(text);
        lineCount = t.lineCount();
        for (Transcript.NonData d : t.nonData()) accounted.set(d.number());
        for (Transcript.Note n : t.notes()) problems.add(new ParseProblem(session, n.number(), "note: " + n.message()));
        Transcript.Section last = null;
        for (Formats.Block block : Formats.blocks(t, Formats.ALL)) {
            Transcript.Section s = block.section();
            if (block.lines().isEmpty()) continue; // a command with no output (systemctl restart docker)
            if (routeGet(block)) continue;
            Formats.Format f = Formats.of(block, Formats.ALL);
            if (f == null) {
                Optional<ProbeText.Observed> seen = ProbeText.of(s.host(), block.command(), block.lines());
                if (seen.isPresent()) {
                    observed.add(seen.get());
                    for (Transcript.Line l : block.lines()) accounted.set(l.number());
                    continue;
                }
                String what = block.command() != null ? "output of '" + block.command().text() + "' not read: kubepath reads no state from it"
                        : "not read: no format kubepath reads was recognised";
                problems.add(new ParseProblem(session, block.firstLine(), span(block) + what));
                for (Transcript.Line l : block.lines()) accounted.set(l.number());
                continue;
            }
            String host = s.host() != null ? s.host() : UNKNOWN_HOST;
            String path = f.hostFile() ? "hosts/" + host + "/" + f.fileName() : f.file();
            List<Source> out = files.computeIfAbsent(path, k -> new ArrayList<>());
            if (block.command() != null && s != last && !out.isEmpty()) restated = Math.max(restated, block.firstLine());
            if (block.command() != null && s != last) {
                // the prompt and its continuation lines, as typed: the reader takes the command from them
                int first = block.lines().get(0).number();
                for (int i = s.promptLine(); i < first; i++) {
                    if (i == s.promptLine() || !Transcript.blank(lines[i - 1])) out.add(new Source(i, lines[i - 1]));
                }
            }
            last = s;
            int prev = -1;
            for (Transcript.Line l : block.lines()) {
                // lines between output lines (blank lines between ifconfig's devices, comments) stay as they were
                for (int i = prev > 0 ? prev + 1 : l.number(); i < l.number(); i++) out.add(new Source(i, lines[i - 1]));
                out.add(new Source(l.number(), lines[l.number() - 1]));
                accounted.set(l.number());
                prev = l.number();
            }
        }
        labelledByAddress(t);
        // a state shown again later (route -n typed twice): the bundle keeps the last, so a probe before it saw an earlier state
        observed.replaceAll(o -> o.line() < restated ? o.beforeRestated() : o);
        if (files.keySet().stream().anyMatch(p -> p.startsWith("hosts/" + UNKNOWN_HOST + "/"))) {
            problems.add(new ParseProblem(session, 0, "some host output has no prompt naming its host; it is under hosts/" + UNKNOWN_HOST));
        }
    }

    /**
     * A label that names an IPv4 address ({@code === 10.14.7.42 ===}) which a host's pasted addresses show: its blocks
     * are that host's. Kept apart, with a problem saying why, when both show the same file (two outputs of one
     * listing are not merged).
     */
    private void labelledByAddress(Transcript t) {
        for (Transcript.Label label : t.labels()) {
            if (!dev.kubepath.net.Ipv4.isValid(label.host())) continue;
            dev.kubepath.net.Ipv4 ip = dev.kubepath.net.Ipv4.parse(label.host());
            String from = "hosts/" + label.host() + "/";
            if (files.keySet().stream().noneMatch(k -> k.startsWith(from))) continue;
            String owner = null;
            for (Map.Entry<String, List<Source>> e : files.entrySet()) {
                if (!e.getKey().endsWith("/addr.txt") || e.getKey().startsWith(from)) continue;
                StringBuilder text = new StringBuilder();
                for (Source src : e.getValue()) text.append(src.text()).append('\n');
                if (AddrFile.parse(e.getKey(), text.toString()).value().addresses().stream().anyMatch(a -> a.ip().equals(ip))) {
                    owner = e.getKey().substring("hosts/".length(), e.getKey().length() - "/addr.txt".length());
                }
            }
            if (owner == null) continue;
            String to = "hosts/" + owner + "/";
            List<String> moved = files.keySet().stream().filter(k -> k.startsWith(from)).toList();
            List<String> both = moved.stream().filter(k -> files.containsKey(to + k.substring(from.length()))).toList();
            if (!both.isEmpty()) {
                problems.add(new ParseProblem(session, label.number(), "the label " + label.host() + " is an address of " + owner
                        + ", but both show " + both.get(0).substring(from.length()) + ": kept apart under hosts/" + label.host()));
                continue;
            }
            Map<String, List<Source>> renamed = new LinkedHashMap<>();
            files.forEach((k, v) -> renamed.put(k.startsWith(from) ? to + k.substring(from.length()) : k, v));
            files.clear();
            files.putAll(renamed);
            String host = owner;
            lookups.replaceAll(l -> l.host().equals(label.host()) ? new RouteLookup(host, l.line(), l.address(), l.answer()) : l);
        }
    }

    /**
     * An {@code ip route get} block (text or {@code -j}): read by route.txt's own parser, as the answers they are, kept
     * apart from the host's table. Its lines are accounted for; what the parser cannot read is reported.
     */
    private boolean routeGet(Formats.Block block) {
        Command c = block.command();
        if (c == null || !c.tool().equals("ip")) return false;
        List<String> o = c.operands();
        if (o.size() < 2 || !Set.of("r", "ro", "rou", "route").contains(o.get(0)) || !o.get(1).equals("get")) return false;
        dev.kubepath.net.Ipv4 address = null;
        for (String a : o.subList(2, o.size())) if (address == null && dev.kubepath.net.Ipv4.isValid(a)) address = dev.kubepath.net.Ipv4.parse(a);
        // the block's lines at their session line numbers (the lines between are blank), so problems name the session's lines
        StringBuilder text = new StringBuilder();
        int at = 1;
        for (Transcript.Line l : block.lines()) {
            for (; at < l.number(); at++) text.append('\n');
            text.append(l.text()).append('\n');
            at++;
        }
        Parsed<List<dev.kubepath.model.Route>> p = RouteFile.parse(session, text.toString());
        String host = block.section().host() != null ? block.section().host() : UNKNOWN_HOST;
        for (dev.kubepath.model.Route r : p.value()) lookups.add(new RouteLookup(host, block.firstLine(), address, r));
        for (ParseProblem pp : p.problems()) problems.add(new ParseProblem(session, pp.line(), pp.message()));
        for (Transcript.Line l : block.lines()) accounted.set(l.number());
        return true;
    }

    /**
     * Session lines that went nowhere: neither non-data, nor into a bundle file (whose reader reads or reports each
     * of its lines), nor in a block reported as not read. Empty unless the splitter has a bug: the no-silent-loss check.
     */
    public List<Integer> unaccounted() {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= lineCount; i++) if (!accounted.get(i)) out.add(i);
        return out;
    }

    private static String span(Formats.Block b) {
        return b.firstLine() == b.lastLine() ? "" : "lines " + b.firstLine() + "-" + b.lastLine() + ": ";
    }

    /** Writes the bundle's files under {@code dir} (created if needed; files already there are replaced). */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir.resolve("cluster"));
            Files.createDirectories(dir.resolve("hosts"));
            for (Map.Entry<String, List<Source>> e : files.entrySet()) {
                Path f = dir.resolve(e.getKey());
                Files.createDirectories(f.getParent());
                StringBuilder sb = new StringBuilder();
                for (Source s : e.getValue()) sb.append(s.text()).append('\n');
                Files.writeString(f, sb.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final java.util.regex.Pattern SPAN = java.util.regex.Pattern.compile("^lines (\\d+)-(\\d+): ");

    /** A message's leading "lines A-B: " (the bundle file's lines) as the session's lines. */
    private static String sessionSpan(String message, List<Source> src) {
        java.util.regex.Matcher m = SPAN.matcher(message);
        if (!m.find()) return message;
        int a = Integer.parseInt(m.group(1)), b = Integer.parseInt(m.group(2));
        if (a < 1 || b > src.size() || a > b) return message;
        return "lines " + src.get(a - 1).sessionLine() + "-" + src.get(b - 1).sessionLine() + ": " + message.substring(m.end());
    }

    /**
     * Writes the bundle to {@code dir} and reads it back; a problem found in a bundle file is reported at the
     * session line it came from (with the bundle file named in its message).
     */
    public BundleReader.Result read(Path dir) {
        write(dir);
        BundleReader.Result r = BundleReader.read(dir);
        List<ParseProblem> mapped = new ArrayList<>(problems);
        for (ParseProblem p : r.problems()) {
            List<Source> src = files.get(p.file().replace('\\', '/'));
            if (src != null && p.line() > 0 && p.line() <= src.size()) {
                mapped.add(new ParseProblem(session, src.get(p.line() - 1).sessionLine(), sessionSpan(p.message(), src) + " (in " + p.file() + ")"));
            } else {
                mapped.add(p);
            }
        }
        mapped.sort(java.util.Comparator.comparing((ParseProblem p) -> !p.file().equals(session)).thenComparingInt(ParseProblem::line));
        // a listing shown in part is cited at the session line of its command, as problems are
        var cluster = r.snapshot().cluster();
        List<dev.kubepath.model.PartialListing> partial = new ArrayList<>();
        for (var p : cluster.partial()) {
            List<Source> src = files.get(p.file().replace('\\', '/'));
            partial.add(src != null && p.line() > 0 && p.line() <= src.size() ? p.at(session, src.get(p.line() - 1).sessionLine()) : p);
        }
        // the snapshot is named after the session, not after the (possibly temporary) directory it was written to
        var snap = new dev.kubepath.model.Snapshot(session, r.snapshot().hosts(), cluster.withPartial(partial));
        return new BundleReader.Result(snap, mapped, r.subnetEnvs(), r.nftables());
    }
}
