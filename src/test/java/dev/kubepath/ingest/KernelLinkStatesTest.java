package dev.kubepath.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubepath.model.Link;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether a device is up, as a real kernel prints it in every form a bundle's link.txt / addr.txt may hold
 * (real/links/capture.sh): each parser, and so the bundle reader and the lab, which reads its namespaces through
 * them, says the same of every device.
 *
 * <p>The kernel's rule: a device passes packets when it is administratively up and its operational state is UP, or
 * UNKNOWN for a driver without carrier detection (loopback, VXLAN): that is IFF_RUNNING, which ifconfig prints as
 * RUNNING and iproute2 prints as the absence of NO-CARRIER beside UP; {@code ip -br} prints the operational state
 * itself. A veth whose far end is down is LOWERLAYERDOWN, a bridge whose ports are all down (or which has none) is
 * DOWN with NO-CARRIER: up by administration, not up in the model, since the kernel sends nothing through them.
 */
class KernelLinkStatesTest {
    private static final String DIR = "real/links/";

    /** The model's "up" by the kernel's own fields: the UP flag and operstate UP or UNKNOWN. */
    private static Map<String, Boolean> kernelSays() throws Exception {
        JsonNode devices = new ObjectMapper().readTree(Golden.read(DIR + "ip-j-d-link.json"));
        Map<String, Boolean> up = new TreeMap<>();
        for (JsonNode d : devices) {
            boolean adminUp = false;
            for (JsonNode f : d.path("flags")) adminUp |= f.asText().equals("UP");
            up.put(d.path("ifname").asText(), adminUp && Set.of("UP", "UNKNOWN").contains(d.path("operstate").asText()));
        }
        return up;
    }

    @Test
    void theCaptureHoldsDevicesUpAndNotUpForEachReason() throws Exception {
        assertThat(kernelSays()).isEqualTo(new TreeMap<>(Map.of(
                "lo", true,           // UNKNOWN: no carrier detection
                "eth0", true,         // UP
                "wire", true,
                "flannel.1", true,    // VXLAN: UNKNOWN
                "flannel.2", false,   // never set up
                "docker0", false,     // up, but its only port has no carrier: NO-CARRIER, DOWN
                "veth1a2b3c", false,  // up, far end down: NO-CARRIER, LOWERLAYERDOWN
                "vethpod", false,
                "cni0", false,        // up, no port at all: NO-CARRIER, DOWN
                "kube-ipvs0", false))); // the lab's stand-in, left down
    }

    @Test
    void everyFormOfTheListingReadsEveryDeviceAsTheKernelRunsIt() throws Exception {
        Map<String, Boolean> expected = kernelSays();
        Map<String, AddrFile.Format> files = new LinkedHashMap<>();
        files.put("ip-j-d-link.json", AddrFile.Format.IP_JSON);
        files.put("ip-j-addr.json", AddrFile.Format.IP_JSON);
        files.put("ip-d-link.txt", AddrFile.Format.IP_TEXT);
        files.put("ip-addr.txt", AddrFile.Format.IP_TEXT);
        files.put("ip-br-link.txt", AddrFile.Format.IP_BRIEF);
        files.put("ip-br-addr.txt", AddrFile.Format.IP_BRIEF);
        files.put("ifconfig-a.txt", AddrFile.Format.IFCONFIG);
        for (var f : files.entrySet()) {
            String text = Golden.read(DIR + f.getKey());
            assertThat(AddrFile.detect(text)).as(f.getKey()).isEqualTo(f.getValue());
            Parsed<Interfaces> p = AddrFile.parse(f.getKey(), text);
            assertThat(p.problems()).as(f.getKey()).isEmpty();
            Map<String, Boolean> read = new TreeMap<>();
            for (Link l : p.value().links()) read.put(l.name(), l.up());
            assertThat(read).as(f.getKey()).isEqualTo(expected);
        }
    }

    @Test
    void theAddressesOnDevicesThatAreNotUpAreStillRead() {
        // the kernel keeps a down device's addresses (and, for kube-ipvs0, answers for them locally)
        for (String file : List.of("ip-j-addr.json", "ip-addr.txt", "ip-br-addr.txt", "ifconfig-a.txt")) {
            Parsed<Interfaces> p = AddrFile.parse(file, Golden.read(DIR + file));
            assertThat(p.value().addresses()).as(file)
                    .anySatisfy(a -> assertThat(a.dev() + " " + a.ip()).isEqualTo("kube-ipvs0 10.96.0.1"))
                    .anySatisfy(a -> assertThat(a.dev() + " " + a.ip()).isEqualTo("docker0 172.17.89.1"));
        }
    }
}
