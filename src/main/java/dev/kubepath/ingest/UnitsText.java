package dev.kubepath.ingest;

import dev.kubepath.model.Daemon;

import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * units.txt: one {@code <unit> <state>} line per unit ({@code kube-proxy inactive}, {@code flanneld active},
 * {@code kube-proxy not-found}). In a transcript, the bare answer of {@code systemctl is-active UNIT} and systemctl's
 * {@code Unit kube-proxy.service could not be found.} are read too, and so is {@code systemctl status UNIT}: its
 * header ({@code ● flanneld.service - ...}, without the bullet before systemd 220) names the unit and its
 * {@code Active:} line gives the state; the rest of the block (Loaded, Process, CGroup, the journal tail) is skipped.
 */
public final class UnitsText {
    private UnitsText() {}

    /** The first line of a unit's {@code systemctl status} block; group 1 is the unit. */
    private static final Pattern STATUS_HEADER = Pattern.compile("^(?:[●*○×] )?([\\w@.-]+\\.service) - ");

    public static Parsed<Map<Daemon, Daemon.State>> parse(String file, String text) {
        Problems problems = new Problems(file);
        Map<Daemon, Daemon.State> out = new EnumMap<>(Daemon.class);
        for (Transcript.Section section : Transcript.of(text).sections()) {
            String asked = isActiveUnit(section.command());
            String statusUnit = null; // inside a systemctl status block: the unit it shows
            boolean unitFound = true;
            for (Transcript.Line l : section.lines()) {
                String line = l.text().trim();
                if (Transcript.isComment(line)) continue;
                try {
                    Matcher header = STATUS_HEADER.matcher(line);
                    if (header.find()) {
                        statusUnit = header.group(1);
                        unitFound = true;
                        continue;
                    }
                    if (statusUnit != null) {
                        // a unit with no unit file is shown as 'Loaded: not-found' then 'Active: inactive (dead)'
                        if (line.startsWith("Loaded: not-found")) unitFound = false;
                        if (line.startsWith("Active: ")) {
                            String word = line.substring("Active: ".length()).trim().split("\\s+")[0];
                            out.put(Daemon.fromUnit(statusUnit), unitFound ? Daemon.State.fromWord(word) : Daemon.State.NOT_FOUND);
                        }
                        continue;
                    }
                    String[] t = Tokens.split(line);
                    if (line.startsWith("Unit ") && line.endsWith("could not be found.") && t.length >= 2) {
                        out.put(Daemon.fromUnit(t[1]), Daemon.State.NOT_FOUND);
                    } else if (t.length == 1 && asked != null) {
                        out.put(Daemon.fromUnit(asked), Daemon.State.fromWord(t[0]));
                    } else if (t.length == 2) {
                        out.put(Daemon.fromUnit(t[0]), Daemon.State.fromWord(t[1]));
                    } else {
                        throw new IllegalArgumentException("expected '<unit> <state>', got '" + line + "'");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(l.number(), e);
                }
            }
        }
        return problems.result(out);
    }

    private static String isActiveUnit(String command) {
        if (command == null) return null;
        String[] t = Tokens.split(command);
        return t.length == 3 && t[0].equals("systemctl") && t[1].equals("is-active") ? t[2] : null;
    }
}
