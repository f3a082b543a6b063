package dev.kubepath.ingest;

import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Service;
import dev.kubepath.net.Ipv4;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * kubectl's tables: {@code get nodes -o wide}, {@code get pods -A -o wide}, {@code get svc -A}. Columns are found
 * by the header; when a {@code | grep} removed the header, the standard column order is assumed from the count
 * (a leading NAMESPACE column only with -A). Without a NAMESPACE column, kubectl showed the current namespace,
 * which these tables record as "default". The tables do not show labels, selectors (without -o wide), port
 * names or target ports: those stay empty, and a service port's targetPort is 0 (unknown).
 */
public final class KubectlText {
    private KubectlText() {}

    private static final List<String> NODE_COLUMNS = List.of("NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP");
    private static final List<String> POD_COLUMNS = List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE", "READINESS", "GATES");
    private static final List<String> SVC_COLUMNS = List.of("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR");

    /** A table row's words, with kubectl's "3 (5m ago)" restart annotation kept in one word. */
    static String[] words(String line) {
        String[] t = Tokens.split(line);
        List<String> out = new ArrayList<>(t.length);
        for (int i = 0; i < t.length; i++) {
            if (t[i].startsWith("(") && !out.isEmpty()) {
                StringBuilder sb = new StringBuilder(out.remove(out.size() - 1)).append(' ').append(t[i]);
                while (!t[i].endsWith(")") && i + 1 < t.length) sb.append(' ').append(t[++i]);
                out.add(sb.toString());
            } else {
                out.add(t[i]);
            }
        }
        return out.toArray(String[]::new);
    }

    /** Column name -> index, from a header row (first occurrence wins, so NOMINATED NODE does not hide NODE). */
    private static Map<String, Integer> header(String[] h) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < h.length; i++) m.putIfAbsent(h[i], i);
        return m;
    }

    private static Map<String, Integer> standard(List<String> columns, boolean namespaced) {
        List<String> cols = new ArrayList<>(columns);
        if (namespaced) cols.add(0, "NAMESPACE");
        return header(cols.toArray(String[]::new));
    }

    private static String col(String[] row, Map<String, Integer> cols, String name) {
        Integer i = cols.get(name);
        return i == null || i >= row.length ? null : row[i];
    }

    /** A column the row must have. */
    private static String need(String[] row, Map<String, Integer> cols, String name) {
        Integer i = cols.get(name);
        if (i == null) throw new IllegalArgumentException("the table has no " + name + " column");
        if (i >= row.length) throw new IllegalArgumentException("row has no " + name + " value (only " + row.length + " columns)");
        return row[i];
    }

    private static String none(String s) {
        return s == null || s.equals("<none>") || s.equals("<pending>") ? null : s;
    }

    public static Parsed<List<Node>> nodes(String file, String text) {
        return table(file, text, row -> row[0].equals("NAME"), (row, cols, l) -> {
            Map<String, Integer> c = cols != null ? cols : standard(NODE_COLUMNS, false);
            if (row.length < Math.min(c.size(), 5)) throw new IllegalArgumentException("node row has " + row.length + " columns, expected at least 5: '" + l.text().trim() + "'");
            String status = need(row, c, "STATUS");
            boolean ready = Arrays.asList(status.split(",")).contains("Ready");
            if (!ready && !Arrays.asList(status.split(",")).contains("NotReady") && !status.startsWith("Unknown")) {
                throw new IllegalArgumentException("node status '" + status + "' is not Ready, NotReady or Unknown");
            }
            String ip = none(col(row, c, "INTERNAL-IP"));
            return new Node(need(row, c, "NAME"), ip == null ? null : Ipv4.parse(ip), ready, null, col(row, c, "VERSION"));
        });
    }

    public static Parsed<List<Pod>> pods(String file, String text) {
        return table(file, text, row -> row[0].equals("NAME") || row[0].equals("NAMESPACE"), (row, cols, l) -> {
            Map<String, Integer> c = cols;
            if (c == null) {
                if (row.length == 9 || row.length == 7) c = standard(POD_COLUMNS, false);
                else if (row.length == 10 || row.length == 8) c = standard(POD_COLUMNS, true);
                else throw new IllegalArgumentException("pod row has " + row.length + " columns and no header tells them apart: '" + l.text().trim() + "'");
            }
            if (row.length < 5) throw new IllegalArgumentException("pod row is too short: '" + l.text().trim() + "'");
            String ns = c.containsKey("NAMESPACE") ? col(row, c, "NAMESPACE") : "default";
            String restartsText = col(row, c, "RESTARTS");
            int restarts = restartsText == null ? 0 : Tokens.parseInt(Tokens.split(restartsText)[0], "restart count");
            String ip = none(col(row, c, "IP"));
            String node = none(col(row, c, "NODE"));
            return new Pod(ns, need(row, c, "NAME"), node, ip == null ? null : Ipv4.parse(ip), Map.of(), List.of(),
                    col(row, c, "STATUS"), restarts);
        });
    }

    public static Parsed<List<Service>> services(String file, String text) {
        return table(file, text, row -> row[0].equals("NAME") || row[0].equals("NAMESPACE"), (row, cols, l) -> {
            Map<String, Integer> c = cols;
            if (c == null) {
                boolean ns = row.length > 2 && !isType(row[1]) && isType(row[2]);
                c = standard(SVC_COLUMNS, ns);
            } else if (!c.containsKey("CLUSTER-IP") && c.containsKey("CLUSTER_IP")) { // kubectl 1.1-1.4 spelt them so
                c = new LinkedHashMap<>(c);
                c.put("CLUSTER-IP", c.get("CLUSTER_IP"));
                if (c.containsKey("EXTERNAL_IP")) c.put("EXTERNAL-IP", c.get("EXTERNAL_IP"));
            }
            String ns = c.containsKey("NAMESPACE") ? col(row, c, "NAMESPACE") : "default";
            String cip = need(row, c, "CLUSTER-IP");
            Ipv4 clusterIp = cip.equals("None") ? null : Ipv4.parse(cip);
            List<Service.Port> ports = ports(need(row, c, "PORT(S)"));
            String type;
            if (c.containsKey("TYPE")) {
                type = need(row, c, "TYPE");
                if (!isType(type)) throw new IllegalArgumentException("'" + type + "' is not a service type");
            } else {
                type = oldType(ports, col(row, c, "EXTERNAL-IP"));
            }
            Map<String, String> selector = new LinkedHashMap<>();
            String sel = none(col(row, c, "SELECTOR"));
            if (sel != null) {
                for (String kv : sel.split(",")) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) throw new IllegalArgumentException("selector '" + sel + "' is not key=value");
                    selector.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            return new Service(ns, need(row, c, "NAME"), type, clusterIp, ports, selector);
        });
    }

    /** One table row with its columns (null before any header line) and where it stands, to one object. */
    private interface RowReader<T> {
        T read(String[] row, Map<String, Integer> cols, Transcript.Line line);
    }

    /**
     * kubectl's table loop: header lines set the columns, blank and comment lines are skipped, every other line is
     * one object, and a row that cannot be read is a problem naming its line while the rest are still read.
     */
    private static <T> Parsed<List<T>> table(String file, String text, java.util.function.Predicate<String[]> isHeader, RowReader<T> reader) {
        Problems problems = new Problems(file);
        List<T> out = new ArrayList<>();
        Map<String, Integer> cols = null;
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String[] row = words(l.text());
            if (row.length == 0 || Transcript.isComment(l.text())) continue;
            if (isHeader.test(row)) {
                cols = header(row);
                continue;
            }
            try {
                out.add(reader.read(row, cols, l));
            } catch (IllegalArgumentException e) {
                problems.add(l.number(), e);
            }
        }
        return problems.result(out);
    }

    /**
     * The type of a service in kubectl's tables before 1.5, which had no TYPE column, told by kubectl's printer of
     * the time: EXTERNAL-IP {@code <nodes>} marked a NodePort and {@code <pending>} a LoadBalancer. The earliest of
     * those printers showed no node ports in PORT(S), so an address in EXTERNAL-IP without node ports is a
     * LoadBalancer's ingress or a ClusterIP's externalIPs: not told, reported. Without node ports and without an
     * external address, a ClusterIP; with node ports, an address is a LoadBalancer's.
     */
    private static String oldType(List<Service.Port> ports, String external) {
        if ("<nodes>".equals(external)) return "NodePort";
        if ("<pending>".equals(external)) return "LoadBalancer";
        if (ports.stream().noneMatch(p -> p.nodePort() > 0)) {
            if (none(external) == null) return "ClusterIP";
            throw new IllegalArgumentException("EXTERNAL-IP " + external + " with no node ports shown: a LoadBalancer (kubectl"
                    + " printed no node ports then) or a ClusterIP with externalIPs; its type is not shown (kubectl get svc -o json"
                    + " tells it)");
        }
        if (external == null) return "NodePort";
        if (external.equals("<none>")) throw new IllegalArgumentException("a service with node ports and no EXTERNAL-IP: its type is not shown");
        return "LoadBalancer";
    }

    /**
     * {@code kubectl get endpoints [-A]}: NAME, ENDPOINTS ({@code 10.244.1.5:8080,10.244.2.7:8080} or
     * {@code <none>}), AGE. kubectl prints at most three address:port pairs and then {@code + N more...}: those N are
     * recorded as not shown ({@link Endpoints#notShown()}), never filled in. The table shows neither port names nor
     * protocols (null), nor nodes or pods; the ports are the distinct ports shown.
     */
    public static Parsed<List<Endpoints>> endpoints(String file, String text) {
        return table(file, text, row -> row[0].equals("NAME") || row[0].equals("NAMESPACE"), (words, cols, l) -> {
            int notShown = 0;
            List<String> row = new ArrayList<>(Arrays.asList(words));
            for (int i = 0; i + 2 < row.size(); i++) {
                if (row.get(i).equals("+") && row.get(i + 2).startsWith("more")) {
                    notShown = Tokens.parseInt(row.get(i + 1), "count of endpoints not shown");
                    row.subList(i, i + 3).clear();
                    break;
                }
            }
            String[] r = row.toArray(String[]::new);
            Map<String, Integer> c = cols;
            if (c == null) c = standard(List.of("NAME", "ENDPOINTS", "AGE"), r.length == 4);
            String ns = c.containsKey("NAMESPACE") ? need(r, c, "NAMESPACE") : "default";
            String list = need(r, c, "ENDPOINTS");
            List<Endpoints.Address> addresses = new ArrayList<>();
            List<Endpoints.Port> ports = new ArrayList<>();
            if (!list.equals("<none>")) {
                for (String pair : list.split(",")) {
                    int colon = pair.lastIndexOf(':');
                    if (colon < 0) throw new IllegalArgumentException("endpoint '" + pair + "' is not ADDRESS:PORT");
                    String host = pair.substring(0, colon);
                    int port = Tokens.parseInt(pair.substring(colon + 1), "endpoint port");
                    if (host.startsWith("[")) continue; // IPv6, outside the model
                    Endpoints.Address a = new Endpoints.Address(Ipv4.parse(host), null, null);
                    if (!addresses.contains(a)) addresses.add(a);
                    Endpoints.Port p = new Endpoints.Port(null, null, port);
                    if (!ports.contains(p)) ports.add(p);
                }
            }
            return new Endpoints(ns, need(r, c, "NAME"), addresses, ports, notShown);
        });
    }

    private static boolean isType(String s) {
        return s != null && switch (s) {
            case "ClusterIP", "NodePort", "LoadBalancer", "ExternalName" -> true;
            default -> false;
        };
    }

    /** PORT(S): {@code 2024:41527/TCP}, {@code 443/TCP}, {@code 80/TCP,443/TCP} or {@code <none>}. */
    public static List<Service.Port> ports(String text) {
        List<Service.Port> out = new ArrayList<>();
        if (text == null || text.equals("<none>")) return out;
        for (String p : text.split(",")) {
            int slash = p.indexOf('/');
            if (slash < 0) throw new IllegalArgumentException("port '" + p + "' has no /PROTOCOL");
            String nums = p.substring(0, slash);
            int colon = nums.indexOf(':');
            int port = Tokens.parseInt(colon < 0 ? nums : nums.substring(0, colon), "service port");
            int nodePort = colon < 0 ? 0 : Tokens.parseInt(nums.substring(colon + 1), "node port");
            if (port > 65535 || nodePort > 65535) throw new IllegalArgumentException("port '" + p + "' is out of range");
            out.add(new Service.Port(null, KubectlJson.protocol(p.substring(slash + 1)), port, 0, nodePort));
        }
        return out;
    }
}
