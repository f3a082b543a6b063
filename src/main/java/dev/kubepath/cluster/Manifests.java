package dev.kubepath.cluster;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads Kubernetes manifests (multi-document YAML, as kubectl apply -f takes them) into fabric8's model objects.
 * Supported kinds: Deployment (apps/v1), Pod, Service, Namespace. An unknown kind or a malformed document is an
 * error naming the source and the document's first line.
 */
public final class Manifests {
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "apps/v1 Deployment", Deployment.class,
            "v1 Pod", Pod.class,
            "v1 Service", Service.class,
            "v1 Namespace", Namespace.class);

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Manifests() {}

    public static List<HasMetadata> load(Path file) {
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ManifestException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static List<HasMetadata> load(String source, InputStream in) {
        try {
            return parse(source, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ManifestException(source + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static List<HasMetadata> parse(String source, String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        try (JsonParser p = YAML.getFactory().createParser(new StringReader(yaml))) {
            while (true) {
                JsonToken t = p.nextToken();
                if (t == null) break;
                JsonLocation where = p.currentTokenLocation();
                String at = source + ":" + where.getLineNr();
                JsonNode doc;
                try {
                    doc = YAML.readTree(p);
                } catch (IOException e) {
                    throw new ManifestException(at + ": malformed YAML: " + message(e), e);
                }
                if (doc == null || doc.isNull() || doc.isMissingNode()) continue;
                if (!doc.isObject()) throw new ManifestException(at + ": expected a Kubernetes object (a mapping), found " + doc.getNodeType());
                String apiVersion = doc.path("apiVersion").asText("");
                String kind = doc.path("kind").asText("");
                Class<? extends HasMetadata> type = KINDS.get(apiVersion + " " + kind);
                if (type == null) {
                    throw new ManifestException(at + ": unsupported object apiVersion '" + apiVersion + "' kind '" + kind
                            + "' (expected apps/v1 Deployment, v1 Pod, v1 Service or v1 Namespace)");
                }
                try {
                    HasMetadata obj = YAML.treeToValue(doc, type);
                    if (obj.getMetadata() == null || obj.getMetadata().getName() == null) {
                        throw new ManifestException(at + ": " + kind + " has no metadata.name");
                    }
                    out.add(obj);
                } catch (IOException e) {
                    throw new ManifestException(at + ": invalid " + kind + ": " + message(e), e);
                }
            }
        } catch (IOException e) {
            throw new ManifestException(source + ": malformed YAML: " + e.getMessage(), e);
        }
        return out;
    }

    private static String message(IOException e) {
        return e instanceof com.fasterxml.jackson.core.JacksonException j ? j.getOriginalMessage() : e.getMessage();
    }
}
