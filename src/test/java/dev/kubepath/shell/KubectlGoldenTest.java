package dev.kubepath.shell;

import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Service;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl get KIND NAME -o json|yaml} against kubectl's own printers (scripts/capture-kubectl-goldens.sh): the
 * simulation's service, endpoints, pod and node, holding what the capture gave kubectl, must print kubectl's bytes.
 */
class KubectlGoldenTest {
    static final Path DIR = Path.of("src/test/resources/shell/kubectl");

    static HasMetadata object(String name) {
        return switch (name) {
            case "service" -> KubectlObjects.service(new Service("default", "mcwtest-svc", "NodePort", Ipv4.parse("10.2.0.155"),
                    List.of(new Service.Port("", Protocol.TCP, 2024, 80, 41527)), Map.of("app", "mcwtest")));
            case "endpoints" -> KubectlObjects.endpoints(new Endpoints("default", "mcwtest-svc", List.of(
                    new Endpoints.Address(Ipv4.parse("172.17.89.10"), "mcwk8s05", "mcwtest-deploy-5b4c8d9f7-x2kq9"),
                    new Endpoints.Address(Ipv4.parse("172.17.9.4"), "mcwk8s06", "mcwtest-deploy-5b4c8d9f7-p7z4m")),
                    List.of(new Endpoints.Port("", Protocol.TCP, 80))));
            case "pod" -> KubectlObjects.pod(new Pod("default", "mcwtest-deploy-5b4c8d9f7-x2kq9", "mcwk8s05", Ipv4.parse("172.17.89.10"),
                    Map.of("app", "mcwtest"), List.of(80), "Running", 0));
            case "node" -> KubectlObjects.node(new Node("mcwk8s05", Ipv4.parse("10.0.0.35"), true, Prefix.parse("172.17.89.0/24"), "v1.15.2"));
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @CsvSource({"service,json", "service,yaml", "endpoints,json", "endpoints,yaml", "pod,json", "pod,yaml", "node,json", "node,yaml"})
    void printsWhatKubectlPrints(String name, String format) throws IOException {
        String want = Files.readString(DIR.resolve(name + "." + format + ".out"));
        assertThat(KubectlObjects.print(List.of(object(name)), true, format)).isEqualTo(want);
    }
}
