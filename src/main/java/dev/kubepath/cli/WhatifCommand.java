package dev.kubepath.cli;

import dev.kubepath.ingest.BundleReader;
import dev.kubepath.whatif.WhatIf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "whatif", description = "Runs commands on a simulation built from a collected bundle and shows the flows they repair and break.")
final class WhatifCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BUNDLE") Path bundle;

    @Option(names = "--do", required = true, paramLabel = "'on HOST: CMD'",
            description = "a command to run, in order: systemctl restart|stop|start flanneld|docker|kube-proxy|kubelet, "
                    + "fault hang-flanneld|forward-drop|power-off|power-on|ip-forward on|off, kubectl apply|delete -f FILE")
    List<String> commands;

    @Option(names = "--json", description = "{repaired, broken, stillFailing: [{from, to}], assumptions: [...]}")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Inputs.requireBundle(bundle);
        List<WhatIf.Command> parsed = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) parsed.add(WhatIf.parse(i + 1, commands.get(i)));
        WhatIf.Result r = WhatIf.run(BundleReader.read(bundle), parsed);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("repaired", r.repaired());
            m.put("broken", r.broken());
            m.put("stillFailing", r.stillFailing());
            m.put("assumptions", r.assumptions());
            out.println(Json.write(m));
        } else {
            for (String o : r.output()) out.println("$ " + o);
            section(out, "repaired", r.repaired());
            section(out, "broken", r.broken());
            section(out, "still failing", r.stillFailing());
            out.println("\nassumptions (" + r.assumptions().size() + "):");
            for (String a : r.assumptions()) out.println("  - " + a);
        }
        out.flush();
        return 0;
    }

    private static void section(PrintWriter out, String title, List<WhatIf.FlowRef> flows) {
        out.println("\n" + title + ": " + flows.size() + (flows.size() == 1 ? " flow" : " flows"));
        for (WhatIf.FlowRef f : flows) out.println("  " + f.from() + " -> " + f.to());
    }
}
