package dev.kubepath.shell;

import dev.kubepath.cluster.SimCluster;
import dev.kubepath.model.Daemon;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The kube-flannel DaemonSet's pods, where flanneld runs with {@code --kube-subnet-mgr} (flannel's
 * Documentation/kube-flannel.yml: namespace kube-flannel, DaemonSet kube-flannel-ds, labels app=flannel,
 * k8s-app=flannel, tier=node, host network, the container kube-flannel after the init containers install-cni-plugin
 * and install-cni). One pod per node, at the node's address; Running while the node's flanneld runs, Error when it
 * has exited. Their logs are the lines the node's simulated flanneld wrote (glog writes to standard error, which is
 * what {@code kubectl logs} shows). The pods are shown by {@code kubectl get pods}; the simulated API server does not
 * hold them (no kubelet runs them: the flanneld of each node is the simulated agent itself).
 */
final class KubeFlannelPods {
    static final String NAMESPACE = "kube-flannel", DAEMONSET = "kube-flannel-ds", CONTAINER = "kube-flannel";
    private static final List<String> INIT_CONTAINERS = List.of("install-cni-plugin", "install-cni");
    /** The alphabet of the API server's generated name suffixes (k8s.io/apimachinery rand.String). */
    private static final String SUFFIX = "bcdfghjklmnpqrstvwxz2456789";

    private KubeFlannelPods() {}

    static boolean runs(SimCluster cluster) {
        return cluster.registry() instanceof dev.kubepath.flannel.kube.KubeNodes;
    }

    /** The DaemonSet's pods, one per node, by name. */
    static List<Pod> pods(SimCluster cluster) {
        if (!runs(cluster)) return List.of();
        List<Pod> out = new ArrayList<>();
        for (Node n : cluster.api().nodes()) {
            boolean running = cluster.hasHost(n.name()) && cluster.unit(n.name(), Daemon.FLANNELD) == Daemon.State.ACTIVE;
            out.add(new Pod(NAMESPACE, name(cluster, n.name()), n.name(), n.internalIp(), Map.of("app", "flannel", "k8s-app", "flannel", "tier", "node"),
                    List.of(), running ? "Running" : "Error", 0));
        }
        out.sort(java.util.Comparator.comparing(Pod::name));
        return out;
    }

    /** {@code kube-flannel-ds-} and five characters fixed by the cluster's seed and the node, as a replay needs. */
    static String name(SimCluster cluster, String node) {
        java.util.Random r = new java.util.Random(cluster.spec().seed() * 31 + node.hashCode());
        StringBuilder sb = new StringBuilder(DAEMONSET + "-");
        for (int i = 0; i < 5; i++) sb.append(SUFFIX.charAt(r.nextInt(SUFFIX.length())));
        return sb.toString();
    }

    /**
     * {@code kubectl logs [-n NS] POD|ds/kube-flannel|daemonset/kube-flannel [-c CONTAINER] [--tail N] [-f]}: the
     * flanneld lines of that pod's node. {@code follow} runs -f (see SimShell: it ends at once in a transcript).
     */
    static String logs(SimCluster cluster, List<String> args, UnaryOperator<String> follow) {
        String namespace = "default", target = null, container = null;
        Integer tail = null;
        boolean followed = false;
        for (int i = 0; i < args.size(); i++) {
            String w = args.get(i);
            String name = w.startsWith("--") && w.contains("=") ? w.substring(0, w.indexOf('=')) : w;
            String inline = w.startsWith("--") && w.contains("=") ? w.substring(w.indexOf('=') + 1) : null;
            switch (name) {
                case "-n", "--namespace" -> namespace = inline != null ? inline : value(args, ++i, w);
                case "-c", "--container" -> container = inline != null ? inline : value(args, ++i, w);
                case "--tail" -> tail = tail(inline != null ? inline : value(args, ++i, w));
                case "-f", "--follow" -> followed = true;
                default -> {
                    if (w.startsWith("-n") && w.length() > 2) namespace = w.substring(2);
                    else if (w.startsWith("-c") && w.length() > 2) container = w.substring(2);
                    else if (w.startsWith("--")) throw new ToolError("error: unknown flag: " + name + "\nSee 'kubectl logs --help' for usage.\n", 1);
                    else if (w.startsWith("-")) throw new ToolError("error: unknown shorthand flag: '" + w.charAt(1) + "' in " + w + "\nSee 'kubectl logs --help' for usage.\n", 1);
                    else if (target == null) target = w;
                    else throw new ToolError("kubepath shell: kubectl logs POD CONTAINER is not simulated; use -c CONTAINER\n", 1);
                }
            }
        }
        if (target == null) {
            throw new ToolError("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\n"
                    + "See 'kubectl logs -h' for help and examples\n", 1);
        }
        StringBuilder err = new StringBuilder();
        Pod pod = pod(cluster, namespace, target, err);
        if (container != null && !container.equals(CONTAINER)) {
            if (INIT_CONTAINERS.contains(container)) {
                throw new ToolError(err + "kubepath shell: the logs of the init container " + container + " are not simulated (kube-flannel's are)\n", 1);
            }
            throw new ToolError(err + "Error from server (BadRequest): container " + container + " is not valid for pod " + pod.name() + "\n", 1);
        }
        List<String> lines = cluster.podEvents().unitJournal(pod.node(), "flanneld");
        if (tail != null && tail >= 0 && lines.size() > tail) lines = lines.subList(lines.size() - tail, lines.size());
        StringBuilder out = new StringBuilder(err);
        for (String l : lines) out.append(l).append('\n');
        return followed ? follow.apply(out.toString()) : out.toString();
    }

    /** The pod named, or the DaemonSet's first pod (kubectl says so on standard error when there are more). */
    private static Pod pod(SimCluster cluster, String namespace, String target, StringBuilder err) {
        List<Pod> pods = namespace.equals(NAMESPACE) ? pods(cluster) : List.of();
        String kind = target.contains("/") ? target.substring(0, target.indexOf('/')) : "pod";
        String name = target.substring(target.indexOf('/') + 1);
        switch (kind) {
            case "pod", "pods", "po" -> {
                for (Pod p : pods) if (p.name().equals(name)) return p;
                boolean other = cluster.api().pods().stream().anyMatch(p -> p.namespace().equals(namespace) && p.name().equals(name));
                if (other) throw new ToolError("kubepath shell: kubectl logs " + target + ": the simulated pods' servers log nothing (the kube-flannel pods' logs are simulated)\n", 1);
                throw new ToolError("Error from server (NotFound): pods \"" + name + "\" not found\n", 1);
            }
            case "ds", "daemonset", "daemonsets" -> {
                if (!name.equals(DAEMONSET) || pods.isEmpty()) {
                    throw new ToolError("Error from server (NotFound): daemonsets.apps \"" + name + "\" not found\n", 1);
                }
                if (pods.size() > 1) err.append("Found ").append(pods.size()).append(" pods, using pod/").append(pods.get(0).name()).append('\n');
                return pods.get(0);
            }
            default -> throw new ToolError("kubepath shell: kubectl logs " + kind + "/NAME is not simulated (a pod, or ds/" + DAEMONSET + ")\n", 1);
        }
    }

    private static String value(List<String> args, int i, String flag) {
        if (i < args.size()) return args.get(i);
        throw new ToolError("error: flag needs an argument: " + (flag.startsWith("--") ? "--" + flag.substring(2) : "'" + flag.charAt(1) + "' in " + flag)
                + "\nSee 'kubectl logs --help' for usage.\n", 1);
    }

    private static int tail(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new ToolError("error: invalid argument \"" + s + "\" for \"--tail\" flag: strconv.ParseInt: parsing \"" + s + "\": invalid syntax\n"
                    + "See 'kubectl logs --help' for usage.\n", 1);
        }
    }
}
