package dev.kubepath.cli;

import dev.kubepath.doctor.Finding;
import dev.kubepath.doctor.Report;
import dev.kubepath.doctor.Severity;
import dev.kubepath.ingest.BundleReader;
import dev.kubepath.whatif.FixCheck;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The doctor's prescribed fixes tried on a simulation of the bundle before an operator runs them (docs/whatif.md):
 * each critical finding's fix commands, run in order, and what they repair and break. A fix the simulation cannot
 * run, or a bundle too large to simulate here, says so instead.
 */
final class FixChecks {
    /** Above this many hosts the check is not run: each check boots the whole cluster in the simulator. */
    static final int MAX_HOSTS = 50;

    /** One finding's fix and what the simulation says of it. */
    record Checked(Finding finding, List<String> commands, String result) {}

    private FixChecks() {}

    static List<Checked> of(Report report, BundleReader.Result bundle) {
        List<Checked> out = new ArrayList<>();
        for (Finding f : report.findings()) {
            if (f.severity() != Severity.CRITICAL || f.fix().isEmpty()) continue;
            // the commands run on a host ("on HOST: CMD"); the other lines are checks to read afterwards (etcdctl ls)
            List<String> commands = new ArrayList<>();
            for (String fix : f.fix()) {
                String command = fix.contains("#") ? fix.substring(0, fix.indexOf('#')).strip() : fix.strip();
                if (command.startsWith("on ") && command.contains(": ")) commands.add(command);
            }
            String result;
            if (bundle.snapshot().hosts().size() > MAX_HOSTS) {
                result = "fix not checked in simulation: " + bundle.snapshot().hosts().size() + " hosts, above the " + MAX_HOSTS + " the check simulates";
            } else if (commands.isEmpty()) {
                result = "fix not checked in simulation: it names no command to run on a host";
            } else {
                result = FixCheck.check(bundle, commands).line();
            }
            out.add(new Checked(f, commands, result));
        }
        return out;
    }

    static String human(List<Checked> checks) {
        if (checks.isEmpty()) return "";
        StringBuilder sb = new StringBuilder("\nfixes tried on a simulation of this bundle (kubepath whatif):\n");
        for (Checked c : checks) {
            sb.append("  ").append(c.finding().code()).append(' ').append(String.join(", ", c.finding().hosts())).append(": ")
                    .append(c.result()).append('\n');
        }
        return sb.toString();
    }

    static List<Map<String, Object>> json(List<Checked> checks) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Checked c : checks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("code", c.finding().code().name());
            m.put("hosts", c.finding().hosts());
            m.put("commands", c.commands());
            m.put("result", c.result());
            out.add(m);
        }
        return out;
    }
}
