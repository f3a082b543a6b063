package dev.kubepath;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data and calls flow one way through the packages (README, Layout). This reads the compiled classes of
 * {@code src/main} (their constant pools name every class they use, javadoc links aside) and fails on an import of a
 * higher layer, on a package no layer names, and on any cycle between packages, sub-packages included.
 */
class LayersTest {
    /** Lowest first. A package may use its own layer and the layers below it; packages within a layer may use each
     *  other as long as no cycle forms. */
    static final List<Set<String>> LAYERS = List.of(
            Set.of("net"),
            Set.of("model"),
            Set.of("ingest", "dataplane"),
            Set.of("host"),
            Set.of("flannel", "proxy"),
            Set.of("cluster"),
            Set.of("shell"),
            Set.of("doctor", "analysis", "report", "lab", "whatif"),
            Set.of("bench"),
            Set.of("cli"));

    private static final String ROOT = "dev/kubepath/";
    private static final Pattern REFERENCE = Pattern.compile("dev/kubepath/([a-z0-9_/]+)/[A-Z]");

    @Test
    void everyPackageIsInALayerAndUsesOnlyItsOwnOrLowerLayers() throws IOException {
        Map<String, Map<String, Set<String>>> uses = packageUses();
        assertThat(uses).as("compiled classes found").isNotEmpty();
        List<String> problems = new ArrayList<>();
        for (var from : uses.entrySet()) {
            int fromLayer = layer(from.getKey());
            if (fromLayer < 0) {
                problems.add("package " + from.getKey() + " is in no layer (add it to LayersTest.LAYERS and README's Layout)");
                continue;
            }
            for (var to : from.getValue().entrySet()) {
                int toLayer = layer(to.getKey());
                if (toLayer > fromLayer) {
                    problems.add(from.getKey() + " -> " + to.getKey() + " goes up a layer (in " + to.getValue() + ")");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void noPackageCycles() throws IOException {
        Map<String, Map<String, Set<String>>> uses = packageUses();
        List<String> cycles = new ArrayList<>();
        for (Set<String> component : stronglyConnected(uses)) {
            if (component.size() < 2) continue;
            StringBuilder why = new StringBuilder("cycle " + component + ":");
            for (String a : component) {
                for (var to : uses.getOrDefault(a, Map.of()).entrySet()) {
                    if (component.contains(to.getKey())) why.append(' ').append(a).append(" -> ").append(to.getKey()).append(' ').append(to.getValue());
                }
            }
            cycles.add(why.toString());
        }
        assertThat(cycles).isEmpty();
    }

    @Test
    void theReaderSeesTheUsesThatExistAndTheCycleFinderFindsACycle() throws IOException {
        // If the class reader found nothing, both checks above would pass on an empty graph.
        Map<String, Map<String, Set<String>>> uses = packageUses();
        assertThat(uses.get("cli")).containsKeys("cluster", "model");
        assertThat(uses.get("model")).containsKey("net");
        Map<String, Map<String, Set<String>>> cyclic = Map.of(
                "a", Map.of("b", Set.of("A")), "b", Map.of("c", Set.of("B")), "c", Map.of("a", Set.of("C")), "d", Map.of("a", Set.of("D")));
        assertThat(stronglyConnected(cyclic)).contains(Set.of("a", "b", "c"), Set.of("d"));
    }

    /**
     * README's Layout names these layers, in this order, each with the packages of its line (the first backticked
     * name of the line and of each part after " | "): the documented layout is the enforced one.
     */
    @Test
    void theReadmesLayoutIsTheseLayers() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n## Layout\n");
        assertThat(start).as("README has a Layout section").isPositive();
        int end = readme.indexOf("\n## ", start + 1);
        String layout = readme.substring(start, end < 0 ? readme.length() : end);
        List<Set<String>> documented = new ArrayList<>();
        Matcher item = Pattern.compile("(?m)^(\\d+)\\. (.*(?:\\n {3}.*)*)").matcher(layout);
        while (item.find()) {
            assertThat(Integer.parseInt(item.group(1))).as("items numbered in order").isEqualTo(documented.size() + 1);
            Set<String> packages = new TreeSet<>();
            for (String part : item.group(2).split(" \\| ")) {
                Matcher name = Pattern.compile("^\\s*`([a-z]+)`").matcher(part);
                assertThat(name.find()).as("a layer part starts with its package: %s", part).isTrue();
                packages.add(name.group(1));
            }
            documented.add(packages);
        }
        assertThat(documented).isEqualTo(LAYERS.stream().map(TreeSet::new).toList());
    }

    static int layer(String pkg) {
        String top = pkg.contains(".") ? pkg.substring(0, pkg.indexOf('.')) : pkg;
        for (int i = 0; i < LAYERS.size(); i++) if (LAYERS.get(i).contains(top)) return i;
        return -1;
    }

    /** package (below dev.kubepath) -> package it uses -> the simple names of the classes that use it. */
    static Map<String, Map<String, Set<String>>> packageUses() throws IOException {
        Path classes = classesDirectory();
        Map<String, Map<String, Set<String>>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes.resolve(ROOT))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String rel = classes.resolve(ROOT).relativize(f).toString().replace('\\', '/');
                if (!rel.contains("/")) continue;
                String from = rel.substring(0, rel.lastIndexOf('/')).replace('/', '.');
                String cls = rel.substring(rel.lastIndexOf('/') + 1).replaceAll("[$.].*", "");
                Map<String, Set<String>> out = uses.computeIfAbsent(from, k -> new TreeMap<>());
                for (String s : constantStrings(f)) {
                    Matcher m = REFERENCE.matcher(s);
                    while (m.find()) {
                        String to = m.group(1).replace('/', '.');
                        if (!to.equals(from)) out.computeIfAbsent(to, k -> new TreeSet<>()).add(cls);
                    }
                }
            }
        }
        return uses;
    }

    private static Path classesDirectory() {
        try {
            Path p = Path.of(dev.kubepath.net.Ipv4.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isDirectory(p)) throw new IllegalStateException("main classes are not a directory: " + p);
            return p;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The UTF-8 entries of a class file's constant pool: class names, descriptors and signatures among them. */
    static List<String> constantStrings(Path classFile) throws IOException {
        try (InputStream in = Files.newInputStream(classFile); DataInputStream d = new DataInputStream(in)) {
            if (d.readInt() != 0xCAFEBABE) throw new IOException("not a class file: " + classFile);
            d.readUnsignedShort();
            d.readUnsignedShort();
            int count = d.readUnsignedShort();
            List<String> strings = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = d.readUnsignedByte();
                switch (tag) {
                    case 1 -> strings.add(d.readUTF());
                    case 7, 8, 16, 19, 20 -> d.skipBytes(2);
                    case 15 -> d.skipBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> d.skipBytes(4);
                    case 5, 6 -> {
                        d.skipBytes(8);
                        i++;
                    }
                    default -> throw new IOException("unknown constant pool tag " + tag + " in " + classFile);
                }
            }
            return strings;
        }
    }

    /** Tarjan's strongly connected components of the package graph. */
    static List<Set<String>> stronglyConnected(Map<String, Map<String, Set<String>>> graph) {
        Map<String, Integer> index = new HashMap<>(), low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] next = {0};
        for (String v : graph.keySet()) if (!index.containsKey(v)) connect(v, graph, index, low, stack, onStack, out, next);
        return out;
    }

    private static void connect(String v, Map<String, Map<String, Set<String>>> graph, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] next) {
        index.put(v, next[0]);
        low.put(v, next[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, out, next);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            out.add(component);
        }
    }
}
