package dev.kubepath.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Prefix;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code etcdctl get --prefix <prefix>/subnets -w json} (v3): {@code {"header":{...},"kvs":[{"key":B64,
 * "value":B64,...}],"count":N}} with keys and values in base64. With {@code --keys-only} the values are absent: the
 * subnets are listed, their owners unknown (reported). {@code "more":true} means {@code --limit} cut the list: the
 * leases not shown are unknown, which is reported with the count etcd gave.
 */
final class EtcdctlJson {
    private EtcdctlJson() {}

    static Parsed<List<Lease>> parse(String file, String text) {
        Problems problems = new Problems(file);
        List<Lease> out = new ArrayList<>();
        JsonNode root = Json.read(problems, text);
        if (root == null) return problems.result(out);
        int line = IpRouteJson.firstLine(text);
        int index = 0;
        for (JsonNode kv : root.path("kvs")) {
            String what = "kvs[" + index++ + "]";
            try {
                String key = base64(kv, "key", what);
                if (key.endsWith("/config")) continue; // the network config, not a lease
                if (!key.contains("/subnets/")) throw new IllegalArgumentException(what + ": key '" + key + "' is not under <prefix>/subnets/");
                Prefix subnet = LeasesText.subnetOfKey(key);
                if (!kv.has("value")) {
                    problems.add(line, "subnet " + subnet + " is listed (--keys-only) but its lease value is not shown; its owner is unknown");
                    continue;
                }
                out.add(LeasesText.lease(subnet, base64(kv, "value", what)));
            } catch (IllegalArgumentException e) {
                problems.add(line, e);
            }
        }
        if (root.path("more").asBoolean(false)) {
            problems.add(line, "etcdctl shows " + index + " of " + root.path("count").asText("?")
                    + " keys (--limit): the leases not shown are unknown");
        }
        return problems.result(out);
    }

    private static String base64(JsonNode kv, String field, String what) {
        String b = Json.text(kv, field);
        if (b == null) throw new IllegalArgumentException(what + " has no " + field);
        try {
            return new String(Base64.getDecoder().decode(b), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + field + " is not base64 (etcdctl -w json encodes keys and values)");
        }
    }
}
