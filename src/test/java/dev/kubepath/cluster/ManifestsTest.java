package dev.kubepath.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestsTest {
    static List<HasMetadata> seedManifests() {
        try (InputStream in = ManifestsTest.class.getResourceAsStream("/seed/mcwdeploy.yaml")) {
            return Manifests.load("mcwdeploy.yaml", in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void seedManifestLoadsAsIs() {
        List<HasMetadata> objs = seedManifests();
        assertThat(objs).hasSize(2);
        Deployment d = (Deployment) objs.get(0);
        assertThat(d.getMetadata().getName()).isEqualTo("mcwtest-deploy");
        assertThat(d.getSpec().getReplicas()).isEqualTo(1);
        assertThat(d.getSpec().getTemplate().getSpec().getDnsPolicy()).isEqualTo("None");
        assertThat(Workload.of(d.getSpec().getTemplate().getSpec()))
                .isEqualTo(new Workload(List.of(20000), java.util.Map.of(), "SimpleHTTP/0.6 Python/2.7.18"));
        Service s = (Service) objs.get(1);
        assertThat(s.getSpec().getType()).isEqualTo("NodePort");
        assertThat(s.getSpec().getPorts().getFirst().getPort()).isEqualTo(2024);
        assertThat(s.getSpec().getPorts().getFirst().getTargetPort().getIntVal()).isEqualTo(20000);
    }

    @Test
    void unsupportedKindNamesSourceAndLine() {
        String yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - port: 80\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n";
        assertThatThrownBy(() -> Manifests.parse("x.yaml", yaml))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("x.yaml:9")
                .hasMessageContaining("kind 'ConfigMap'");
    }

    @Test
    void malformedYamlIsReported() {
        assertThatThrownBy(() -> Manifests.parse("bad.yaml", "apiVersion: v1\nkind: [\n"))
                .isInstanceOf(ManifestException.class).hasMessageStartingWith("bad.yaml");
    }
}
