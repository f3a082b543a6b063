package dev.kubepath.doctor;

import dev.kubepath.ingest.BundleReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's bundle after the fix, with mcwk8s05's {@code nft list ruleset} (real nft's output, made by
 * scripts/capture-nft-goldens.sh): a native forward chain with policy drop counts as iptables' FORWARD policy DROP,
 * and flannel's accepts for the pod network in that chain open it again.
 */
class NftForwardDoctorTest {
    @TempDir
    Path dir;

    private static String resource(String path) throws IOException {
        try (InputStream in = NftForwardDoctorTest.class.getResourceAsStream("/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Report doctor(String nft) throws IOException {
        Path src = Path.of("bundles/seed-after");
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : files.toList()) {
                Path to = dir.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to);
            }
        }
        // the FORWARD check needs the pod network, which the seed's notes do not show (see PastedHostFormatsDoctorTest)
        Files.writeString(dir.resolve("cluster/flannel-config.json"), "{\"Network\": \"172.17.0.0/16\", \"Backend\": {\"Type\": \"vxlan\"}}\n");
        Files.writeString(dir.resolve("hosts/mcwk8s05/nft.txt"), "[root@mcwk8s05 ~]# nft list ruleset\n" + nft);
        BundleReader.Result r = BundleReader.read(dir);
        // the seed shows no pod list after the fix: the one problem of bundles/seed-after is its missing pods file (and
        // the note that mcwk8s05's grep'd IPVS fragment leaves its table unknown)
        assertThat(r.problems()).extracting(Object::toString).allMatch(p -> p.startsWith("cluster/pods.json: missing")
                || p.startsWith("hosts/mcwk8s05/ipvs.txt:2: note: lines 2-4: a fragment of ipvsadm -Ln"));
        return Doctor.examine(r.snapshot(), FileEvidence.of(dir, r.snapshot()));
    }

    @Test
    void aForwardChainWithPolicyDropInNftYieldsForwardDrop() throws IOException {
        Report r = doctor(resource("real/nft/forward-drop.txt"));
        assertThat(r.findings(Code.FORWARD_DROP)).singleElement().satisfies(f -> assertThat(f.hosts()).containsExactly("mcwk8s05"));
    }

    @Test
    void flannelsAcceptsForThePodNetworkInThatChainLeaveNoForwardDrop() throws IOException {
        assertThat(doctor(resource("real/nft/forward-drop-flannel.txt")).findings(Code.FORWARD_DROP)).isEmpty();
    }
}
