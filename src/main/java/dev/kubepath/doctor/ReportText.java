package dev.kubepath.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The report as an operator reads it (verdict, symptom table, findings) and as JSON (docs/doctor.md). */
public final class ReportText {
    private ReportText() {}

    public static String verdictLine(Report r) {
        long critical = r.findings().stream().filter(f -> f.severity() == Severity.CRITICAL).count();
        long warning = r.findings().stream().filter(f -> f.severity() == Severity.WARNING).count();
        long info = r.findings().size() - critical - warning;
        if (Report.INSUFFICIENT.equals(r.verdict()) && r.symptoms().isEmpty()) {
            // what was read may be real state (one host's neighbours, a FORWARD chain) that names no flow: say that, not "nothing read"
            return "INSUFFICIENT: " + r.snapshot() + ": " + critical + " critical, " + warning + " warning, " + info + " info; no flow to trace"
                    + " (no pod subnet or service frontend with a host to reach it from): nothing here says the network is fine";
        }
        return r.verdict().toUpperCase() + ": " + r.snapshot() + ": " + critical + " critical, " + warning + " warning, " + info
                + " info; of " + r.totalFlows() + " flows " + r.ok() + " ok, " + r.failing() + " failing, " + r.unknown() + " unknown"
                + (r.flowByFlow() ? "" : " (by class: " + r.symptoms().size() + " classes of failing or unknown flows, one flow of each traced)");
    }

    /** Human form: verdict, the symptom table (service frontends only), then each finding with evidence and fix. */
    public static String human(Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append(verdictLine(r)).append('\n');
        List<Symptom> services = r.symptoms().stream().filter(s -> s.service() != null).toList();
        if (!r.flowByFlow()) failingClasses(sb, r);
        else if (!services.isEmpty()) serviceTable(sb, services);
        long pings = r.symptoms().stream().filter(s -> s.service() == null).count();
        long pingOk = r.symptoms().stream().filter(s -> s.service() == null && s.ok()).count();
        long pingUnknown = r.symptoms().stream().filter(s -> s.service() == null && s.unknown()).count();
        if (pings > 0 && r.flowByFlow()) {
            sb.append("\nhost to pod subnet (ping): ").append(pingOk).append(" of ").append(pings).append(" ok")
                    .append(pingUnknown > 0 ? ", " + pingUnknown + " unknown" : "").append('\n');
        }
        assumptions(sb, r);
        if (!r.seen().isEmpty()) {
            sb.append("\nprobes in the session, and the trace of each on the snapshot:\n");
            for (Report.Seen s : r.seen()) {
                var o = s.observed();
                sb.append("  ").append(o.host() == null ? "?" : o.host()).append(": ").append(o.command()).append(" -> ").append(o.result())
                        .append(" (line ").append(o.line()).append("); traced: ").append(s.traced())
                        .append(s.agrees() ? "" : ": " + s.reason()).append('\n');
            }
        }
        if (!r.inferred().isEmpty()) {
            sb.append("\ninferred (not in the files, derived by a named rule):\n");
            for (var f : r.inferred()) sb.append("  ").append(f.host()).append(": ").append(f).append('\n');
        }
        Set<Symptom> listed = new java.util.HashSet<>();
        for (Finding f : r.findings()) {
            finding(sb, f);
            dnsSymptoms(sb, r, f, listed);
        }
        List<Symptom> unexplained = r.symptoms().stream().filter(s -> s.nameResolutionFails() && !listed.contains(s)).toList();
        if (!unexplained.isEmpty()) {
            sb.append("\nname resolution failures no finding explains:\n");
            for (Symptom s : unexplained) sb.append("  symptom ").append(s.dnsLine()).append('\n');
        }
        return sb.toString();
    }

    public static Map<String, Object> json(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verdict", r.verdict());
        m.put("snapshot", r.snapshot());
        List<Object> fs = new ArrayList<>();
        for (Finding f : r.findings()) fs.add(json(f));
        m.put("findings", fs);
        Map<String, Object> cov = new LinkedHashMap<>();
        cov.put("total", r.totalFlows());
        cov.put("listed", r.flowByFlow() ? "every flow" : "failing classes");
        cov.put("ok", r.ok());
        cov.put("failing", r.failing());
        cov.put("unknown", r.unknown());
        m.put("flows", cov);
        List<Object> inf = new ArrayList<>();
        for (var f : r.inferred()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("rule", f.rule().name());
            x.put("host", f.host());
            x.put("fact", f.fact());
            x.put("from", f.from());
            inf.add(x);
        }
        m.put("inferred", inf);
        List<Object> seen = new ArrayList<>();
        for (Report.Seen s : r.seen()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("host", s.observed().host());
            x.put("command", s.observed().command());
            x.put("line", s.observed().line());
            x.put("observed", s.observed().result());
            x.put("traced", s.traced());
            x.put("reason", s.reason());
            x.put("agrees", s.agrees());
            seen.add(x);
        }
        m.put("seen", seen);
        List<Object> ss = new ArrayList<>();
        for (Symptom s : r.symptoms()) ss.add(json(s));
        m.put("symptoms", ss);
        // the failing DNS queries to kube-dns (DNS_UNREACHABLE), each with the code of the finding that explains it
        List<Object> dns = new ArrayList<>();
        for (Symptom s : r.symptoms()) {
            if (!s.nameResolutionFails()) continue;
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("from", s.from());
            x.put("to", s.to());
            x.put("result", s.result());
            x.put("code", s.code());
            dns.add(x);
        }
        m.put("nameResolutionFails", dns);
        return m;
    }

    /**
     * Under a finding, the failing DNS queries to kube-dns it explains (the symptom operators report, "name resolution
     * fails from X", under its root cause). A symptom goes under the first finding of its code, most severe first.
     */
    private static void dnsSymptoms(StringBuilder sb, Report r, Finding f, Set<Symptom> listed) {
        for (Symptom s : r.symptoms()) {
            if (!s.nameResolutionFails() || !f.code().name().equals(s.code()) || !listed.add(s)) continue;
            sb.append("  symptom ").append(s.dnsLine()).append(s.flows() > 1 ? " and " + (s.flows() - 1) + " more like it" : "").append('\n');
        }
    }

    /** A large cluster: no table of every host but the classes of failing flows, most flows first. */
    private static void failingClasses(StringBuilder sb, Report r) {
        // a large cluster: no table of every host, the classes of failing flows, most flows first
        sb.append("\nfailing flows by class (each named by the flow traced for it):\n");
        r.symptoms().stream().filter(Symptom::failed).sorted(java.util.Comparator.comparingLong(Symptom::flows).reversed()).limit(40)
                .forEach(s -> sb.append(String.format(java.util.Locale.ROOT, "  %,14d flows like %s -> %s%s: %s%s%n", s.flows(), s.from(), s.to(),
                        s.service() == null ? "" : " (" + s.service() + ")", s.result(), s.code() == null ? "" : " " + s.code())));
        if (r.symptoms().size() > 40) sb.append("  ... and ").append(r.symptoms().size() - 40).append(" more classes (--json lists them)\n");
    }

    /** The symptom table: one row per service frontend, one column per client host. */
    private static void serviceTable(StringBuilder sb, List<Symptom> services) {
        Set<String> froms = new LinkedHashSet<>();
        Set<String> tos = new LinkedHashSet<>();
        Map<String, Symptom> cell = new LinkedHashMap<>();
        for (Symptom s : services) {
            froms.add(s.from());
            tos.add(s.to() + "  " + s.service());
            cell.put(s.from() + "|" + s.to() + "  " + s.service(), s);
        }
        int w = tos.stream().mapToInt(String::length).max().orElse(10);
        // each column as wide as its widest cell ("timeout NO_SERVICE_PROXY"), so the rows stay under their host
        List<String> columns = List.copyOf(froms);
        int[] widths = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            widths[i] = Math.max(columns.get(i).length(), 12);
            for (String to : tos) widths[i] = Math.max(widths[i], cellText(cell.get(columns.get(i) + "|" + to)).length());
        }
        StringBuilder row = new StringBuilder(pad("frontend", w));
        for (int i = 0; i < columns.size(); i++) row.append("  ").append(pad(columns.get(i), widths[i]));
        sb.append('\n').append(row.toString().stripTrailing()).append('\n');
        for (String to : tos) {
            row.setLength(0);
            row.append(pad(to, w));
            for (int i = 0; i < columns.size(); i++) row.append("  ").append(pad(cellText(cell.get(columns.get(i) + "|" + to)), widths[i]));
            sb.append(row.toString().stripTrailing()).append('\n');
        }
    }

    private static String cellText(Symptom s) {
        return s == null ? "-" : s.result() + (!s.ok() && s.code() != null ? " " + s.code() : "");
    }

    private static void assumptions(StringBuilder sb, Report r) {
        List<Symptom> assumed = r.symptoms().stream().filter(s -> !s.assumptions().isEmpty() && !s.unknown()).toList();
        if (!assumed.isEmpty()) {
            sb.append("\nresults that rest on assumptions:\n");
            int shown = 0;
            for (Symptom s : assumed) {
                if (shown++ == 20) {
                    sb.append("  ... and ").append(assumed.size() - 20).append(" more\n");
                    break;
                }
                sb.append("  ").append(s.from()).append(" -> ").append(s.to()).append(": ").append(s.resultWithBasis()).append('\n');
            }
        }
    }

    private static void finding(StringBuilder sb, Finding f) {
        sb.append('\n').append(f.severity().word().toUpperCase()).append(' ').append(f.code()).append(": ").append(f.summary());
        // what could not be decided says where on its own line: the line it rests on (a cut listing's command)
        if (f.code() == Code.INSUFFICIENT_INFO) {
            f.evidence().stream().filter(e -> e.line() != null).findFirst().ifPresent(e -> sb.append(" (at ").append(e.file()).append(':').append(e.line()).append(')'));
        }
        sb.append('\n');
        if (!f.hosts().isEmpty()) sb.append("  hosts: ").append(String.join(", ", f.hosts())).append('\n');
        if (!f.subnets().isEmpty()) sb.append("  subnets: ").append(String.join(", ", f.subnets())).append('\n');
        if (!f.services().isEmpty()) sb.append("  services: ").append(String.join(", ", f.services())).append('\n');
        for (Evidence e : f.evidence()) sb.append("  evidence: ").append(e).append('\n');
        sb.append("  impact: ");
        if (f.broken() == 0) sb.append("no flow fails because of it\n");
        else {
            sb.append(f.flowCount()).append('\n');
            int shown = 0;
            for (String b : f.brokenFlows()) {
                if (shown++ == 20) {
                    sb.append("    ... and ").append(f.brokenFlows().size() - 20).append(" more\n");
                    break;
                }
                sb.append("    ").append(b).append('\n');
            }
        }
        int i = 1;
        for (String x : f.fix()) sb.append(i++ == 1 ? "  fix: " : "       ").append(x).append('\n');
    }

    private static Map<String, Object> json(Finding f) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("code", f.code().name());
        j.put("severity", f.severity().word());
        j.put("summary", f.summary());
        j.put("hosts", f.hosts());
        j.put("subnets", f.subnets());
        j.put("services", f.services());
        List<Object> ev = new ArrayList<>();
        for (Evidence e : f.evidence()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("file", e.file());
            x.put("line", e.line());
            x.put("text", e.text());
            ev.add(x);
        }
        j.put("evidence", ev);
        Map<String, Object> impact = new LinkedHashMap<>();
        impact.put("flows", f.broken());
        impact.put("broken", f.brokenFlows());
        j.put("impact", impact);
        j.put("fix", f.fix());
        return j;
    }

    private static Map<String, Object> json(Symptom s) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("from", s.from());
        x.put("to", s.to());
        x.put("service", s.service());
        x.put("result", s.result());
        x.put("code", s.code());
        x.put("reason", s.reason());
        x.put("flows", s.flows());
        x.put("basis", s.basis().label());
        x.put("assumptions", s.assumptions());
        return x;
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }
}
