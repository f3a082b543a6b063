package dev.kubepath.lab;

/** A JVM that opens a lab, prints its prefix and then exits without closing it (or waits to be killed). */
public final class LabExitProbe {
    public static void main(String[] args) throws Exception {
        Lab lab = new Lab();
        lab.namespace("orphan");
        lab.start(lab.namespaces().get(0), java.util.List.of("sleep", "60"));
        System.out.println(lab.prefix());
        System.out.flush();
        if (args.length > 0 && args[0].equals("exit")) System.exit(0);
        Thread.sleep(60_000);
    }
}
