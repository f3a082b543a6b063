package dev.kubepath.ingest;

import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InterfaceParsersTest {
    @Test
    void seedIfconfigOfTheMasterShowsDocker0WithoutCarrier() {
        String text = Golden.read("seed/3-mcwk8s03-ifconfig-docker0.txt");
        assertThat(AddrFile.detect(text)).isEqualTo(AddrFile.Format.IFCONFIG);
        Parsed<Interfaces> p = AddrFile.parse("addr.txt", text);
        assertThat(p.problems()).isEmpty();
        assertThat(p.value().links()).containsExactly(
                new Link("docker0", new LinkKind.Bridge(), 1500, Mac.parse("02:42:e9:a4:51:4f"), false, null));
        assertThat(p.value().addresses()).containsExactly(new IfAddress("docker0", Ipv4.parse("172.17.83.1"), 24));
    }

    @Test
    void seedIfconfigAfterFlanneldRestartShowsTheNewLeaseOnFlannel1() {
        Parsed<Interfaces> p = IfconfigText.parse("addr.txt", Golden.section("seed/5-mcwk8s05-restart-flanneld-then-docker.txt", "ifconfig flannel.1", 0));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value().links()).containsExactly(new Link("flannel.1", new LinkKind.Vxlan(1, 0, null, null, false), 1450,
                Mac.parse("36:70:76:ea:39:b8"), true, null));
        assertThat(p.value().addresses()).containsExactly(new IfAddress("flannel.1", Ipv4.parse("172.17.89.0"), 32));
    }

    @Test
    void realIpAddrTextAndJsonAgree() {
        Parsed<Interfaces> text = AddrFile.parse("a", Golden.read("real/ip-addr.txt"));
        Parsed<Interfaces> json = AddrFile.parse("j", Golden.read("real/ip-j-addr.json"));
        assertThat(text.problems()).isEmpty();
        assertThat(json.problems()).isEmpty();
        assertThat(text.value().addresses()).containsExactlyElementsOf(json.value().addresses()).containsExactly(
                new IfAddress("lo", Ipv4.parse("127.0.0.1"), 8),
                new IfAddress("eth0", Ipv4.parse("10.0.0.35"), 24),
                new IfAddress("docker0", Ipv4.parse("172.17.89.1"), 24),
                new IfAddress("flannel.1", Ipv4.parse("172.17.89.0"), 32));
        Link docker0 = text.value().links().stream().filter(l -> l.name().equals("docker0")).findFirst().orElseThrow();
        assertThat(docker0.up()).as("NO-CARRIER bridge is not usable").isFalse();
        assertThat(text.value().links()).extracting(Link::name)
                .containsExactly("lo", "eth0-peer", "eth0", "docker0", "vethpod", "veth1a2b3c", "flannel.1");
    }

    @Test
    void realIpDetailedLinkGivesVxlanParametersInTextAndJson() {
        Parsed<Interfaces> text = AddrFile.parse("link.txt", Golden.read("real/ip-d-link.txt"));
        Parsed<Interfaces> json = AddrFile.parse("link.json", Golden.read("real/ip-d-j-link.json"));
        assertThat(text.problems()).isEmpty();
        assertThat(json.problems()).isEmpty();
        assertThat(text.value().links()).containsExactlyElementsOf(json.value().links());
        List<Link> links = text.value().links();
        assertThat(links).contains(
                new Link("flannel.1", new LinkKind.Vxlan(1, 8472, Ipv4.parse("10.0.0.35"), "eth0", false), 1450,
                        Mac.parse("36:70:76:ea:39:b8"), true, null),
                new Link("veth1a2b3c", new LinkKind.Veth("vethpod"), 1500, Mac.parse("f2:cd:6e:c0:51:92"), true, "docker0"),
                new Link("docker0", new LinkKind.Bridge(), 1450, Mac.parse("f2:cd:6e:c0:51:92"), true, null),
                new Link("lo", new LinkKind.Loopback(), 65536, Mac.parse("00:00:00:00:00:00"), true, null));
    }

    @Test
    void damagedHeaderIsReportedAndItsDetailLinesAreNotAttachedElsewhere() {
        String text = "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n    inet 127.0.0.1/8 scope host lo\n"
                + "2: eth0 <BROADCAST> mtu 1500\n    inet 10.0.0.5/24 scope global eth0\n";
        Parsed<Interfaces> p = IpAddrText.parse("addr.txt", text);
        assertThat(p.value().links()).extracting(Link::name).containsExactly("lo");
        assertThat(p.problems()).extracting(ParseProblem::line).containsExactly(3, 4);
    }
}
