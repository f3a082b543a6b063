package dev.kubepath.ingest;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A YAML node that remembers its file and line, so every complaint about a scenario names where it is.
 * Unknown keys are errors (a typo must not silently drop a route).
 */
public final class YamlNode {
    private final String file;
    private final Node node;

    private YamlNode(String file, Node node) {
        this.file = file;
        this.node = node;
    }

    public static YamlNode parse(String file, String text) {
        try {
            Node root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
            if (root == null) throw new InputException(file, 1, "the file is empty (expected a YAML mapping)");
            return new YamlNode(file, root);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
            // snakeyaml's words for a plain value holding ': ' (as in 'do: on web2: systemctl restart flanneld')
            String hint = "mapping values are not allowed here".equals(e.getProblem()) ? " (a value holding ': ' must be quoted)" : "";
            throw new InputException(file, line, "not valid YAML: " + e.getProblem() + hint);
        }
    }

    public String file() {
        return file;
    }

    public int line() {
        return node.getStartMark().getLine() + 1;
    }

    public InputException error(String message) {
        return new InputException(file, line(), message);
    }

    public boolean isMap() {
        return node instanceof MappingNode;
    }

    public boolean isList() {
        return node instanceof SequenceNode;
    }

    public boolean isScalar() {
        return node instanceof ScalarNode;
    }

    /** The entries of a mapping, in file order. */
    public Map<String, YamlNode> map() {
        if (!(node instanceof MappingNode m)) throw error("expected a mapping (key: value)");
        Map<String, YamlNode> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) throw new YamlNode(file, t.getKeyNode()).error("expected a plain key");
            out.put(k.getValue(), new YamlNode(file, t.getValueNode()));
        }
        return out;
    }

    /** The entries of a mapping, refusing keys outside {@code allowed}. */
    public Map<String, YamlNode> map(Set<String> allowed) {
        Map<String, YamlNode> m = map();
        for (Map.Entry<String, YamlNode> e : m.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw e.getValue().keyError("unknown key '" + e.getKey() + "' (expected one of " + String.join(", ", sorted(allowed)) + ")");
            }
        }
        return m;
    }

    private InputException keyError(String message) {
        return error(message);
    }

    private static List<String> sorted(Set<String> s) {
        List<String> l = new ArrayList<>(s);
        l.sort(null);
        return l;
    }

    public List<YamlNode> list() {
        if (node instanceof SequenceNode s) {
            List<YamlNode> out = new ArrayList<>();
            for (Node n : s.getValue()) out.add(new YamlNode(file, n));
            return out;
        }
        if (node instanceof ScalarNode sc && (sc.getValue().isEmpty() || sc.getValue().equals("[]"))) return List.of();
        throw error("expected a list");
    }

    public String text() {
        if (!(node instanceof ScalarNode s)) throw error("expected a single value");
        return s.getValue();
    }

    public int integer() {
        try {
            return Integer.parseInt(text().trim());
        } catch (NumberFormatException e) {
            throw error("'" + text() + "' is not a whole number");
        }
    }

    /** Runs a conversion of this node's text, turning its complaint into one naming this file and line. */
    public <T> T as(java.util.function.Function<String, T> parse) {
        try {
            return parse.apply(text());
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }
}
