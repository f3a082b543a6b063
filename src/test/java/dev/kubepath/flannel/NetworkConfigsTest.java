package dev.kubepath.flannel;

import dev.kubepath.model.FlannelConfig;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetworkConfigsTest {
    @Test
    void seedConfigGetsFlannelsDefaults() {
        FlannelConfig c = NetworkConfigs.parse("{\"Network\":\"172.17.0.0/16\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\"}}");
        assertThat(c).isEqualTo(new FlannelConfig(Prefix.parse("172.17.0.0/16"), 24, Prefix.parse("172.17.1.0/24"),
                Prefix.parse("172.17.255.0/24"), "vxlan", 1, 8472, false));
    }

    @Test
    void subnetLenDefaultsTo24UpToSlash22AndPrefixPlus2Beyond() {
        assertThat(NetworkConfigs.parse("{\"Network\":\"10.0.0.0/22\"}").subnetLen()).isEqualTo(24);
        FlannelConfig small = NetworkConfigs.parse("{\"Network\":\"10.0.0.0/25\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":4096,\"Port\":4789,\"DirectRouting\":true}}");
        assertThat(small.subnetLen()).isEqualTo(27);
        assertThat(small.subnetMin()).isEqualTo(Prefix.parse("10.0.0.32/27"));
        assertThat(small.subnetMax()).isEqualTo(Prefix.parse("10.0.0.96/27"));
        assertThat(small.vni()).isEqualTo(4096);
        assertThat(small.port()).isEqualTo(4789);
        assertThat(small.directRouting()).isTrue();
        FlannelConfig udp = NetworkConfigs.parse("{\"Network\":\"10.0.0.0/16\"}");
        assertThat(udp.backendType()).isEqualTo("udp");
        // the vxlan backend's VNI and port defaults are not the udp backend's
        assertThat(udp.vni()).isZero();
        assertThat(udp.port()).isZero();
    }

    @Test
    void explicitBoundsAreKept() {
        FlannelConfig c = NetworkConfigs.parse("{\"Network\":\"172.17.0.0/16\",\"SubnetMin\":\"172.17.10.0\",\"SubnetMax\":\"172.17.20.0\",\"Backend\":{\"Type\":\"vxlan\"}}");
        assertThat(c.subnetMin()).isEqualTo(Prefix.parse("172.17.10.0/24"));
        assertThat(c.subnetMax()).isEqualTo(Prefix.parse("172.17.20.0/24"));
        assertThat(NetworkConfigs.parse(NetworkConfigs.render(c))).isEqualTo(c);
    }

    @Test
    void badValuesGetFlannelsMessages() {
        assertThatThrownBy(() -> NetworkConfigs.parse("{}")).hasMessage("please define a correct Network parameter in the flannel config");
        assertThatThrownBy(() -> NetworkConfigs.parse("{\"Network\":\"10.0.0.0/16\",\"SubnetLen\":31}")).hasMessage("SubnetLen must be less than /31");
        assertThatThrownBy(() -> NetworkConfigs.parse("{\"Network\":\"10.0.0.0/16\",\"SubnetLen\":17}")).hasMessage("Network must be able to accommodate at least four subnets");
        assertThatThrownBy(() -> NetworkConfigs.parse("{\"Network\":\"10.0.0.0/29\"}")).hasMessage("Network is too small. Minimum useful network prefix is /28");
        assertThatThrownBy(() -> NetworkConfigs.parse("{\"Network\":\"10.0.0.0/16\",\"SubnetMin\":\"10.1.0.0\"}")).hasMessage("SubnetMin is not in the range of the Network");
        assertThatThrownBy(() -> NetworkConfigs.parse("{\"Network\":\"10.0.0.0/16\",\"SubnetMax\":\"10.1.0.0\"}")).hasMessage("SubnetMax is not in the range of the Network");
        assertThatThrownBy(() -> NetworkConfigs.parse("{\"Network\":\"10.0.0.0/16\",\"SubnetMin\":\"10.0.1.5\"}")).hasMessage("SubnetMin is not on a SubnetLen boundary: 10.0.1.5");
        assertThatThrownBy(() -> NetworkConfigs.parse("{\"Network\":\"10.0.0.0/16\",\"SubnetMax\":\"10.0.9.1\"}")).hasMessage("SubnetMax is not on a SubnetLen boundary: 10.0.9.1");
        assertThatThrownBy(() -> NetworkConfigs.parse("{\"Network\":\"10.0.0.0\"}")).hasMessage("invalid CIDR address: 10.0.0.0");
        assertThatThrownBy(() -> NetworkConfigs.parse("{\"Network\":")).isInstanceOf(FlannelConfigException.class)
                .hasMessageStartingWith("error decoding network config:");
        assertThatThrownBy(() -> NetworkConfigs.parse("{\"Network\":\"10.0.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":16777216}}"))
                .isInstanceOf(FlannelConfigException.class).hasMessage("VNI 16777216 is out of range 1..16777215");
    }
}
