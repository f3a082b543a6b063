package dev.kubepath.ingest;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docker's network options as flannel's mk-docker-opts.sh writes them from subnet.env (/run/flannel/docker,
 * /run/docker_opts.env, /run/flannel/docker_opts.env): one {@code DOCKER_OPT_BIP="--bip=172.17.89.1/24"} line per
 * option (BIP, IPMASQ, MTU) and the combined {@code DOCKER_OPTS=" --bip=... --ip-masq=false --mtu=1450 "} (or the
 * key given with -k, e.g. DOCKER_NETWORK_OPTIONS). A systemd drop-in's {@code Environment="DOCKER_NETWORK_OPTIONS=..."}
 * and /etc/default/docker's {@code DOCKER_OPTS="..."} give the same options. What the file does not give is null.
 * The last line giving an option wins: the combined line, written last, is the one docker.service passes to dockerd
 * ({@code $DOCKER_OPTS} / {@code $DOCKER_NETWORK_OPTIONS}), and the doctor cites the last line holding a value.
 *
 * @param bridgeAddress docker0's address from --bip (flannel's FLANNEL_SUBNET)
 * @param subnet        --bip's subnet (its network, the lease's length)
 * @param bip           the --bip value as written ({@code 172.17.89.1/24})
 */
public record DockerOpts(Ipv4 bridgeAddress, Prefix subnet, String bip, int bipLine, Integer mtu, int mtuLine, Boolean ipMasq) {
    private static final Pattern ASSIGN = Pattern.compile("^(?:Environment=)?\"?(DOCKER_[A-Z_]+)=(.*)$");
    private static final Pattern OPTION = Pattern.compile("--(bip|mtu|ip-masq)(?:=|\\s+)([^\\s\"']+)");

    public static Parsed<DockerOpts> parse(String file, String text) {
        Problems problems = new Problems(file);
        String bip = null;
        Ipv4 bridge = null;
        Prefix subnet = null;
        Integer mtu = null;
        Boolean masq = null;
        int bipLine = 0, mtuLine = 0;
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String line = l.text().trim();
            if (Transcript.isComment(line) || line.equals("[Service]")) continue;
            Matcher a = ASSIGN.matcher(line);
            if (!a.find()) {
                problems.add(l.number(), "expected DOCKER_...=\"--option=value ...\" (mk-docker-opts.sh), got '" + line + "'");
                continue;
            }
            Matcher o = OPTION.matcher(a.group(2));
            while (o.find()) {
                String v = o.group(2);
                try {
                    switch (o.group(1)) {
                        case "bip" -> {
                            bridge = Addresses.addressOf(v);
                            subnet = Prefix.of(bridge, Addresses.lengthOf(v));
                            bip = v;
                            bipLine = l.number();
                        }
                        case "mtu" -> {
                            mtu = Tokens.parseInt(v, "--mtu");
                            mtuLine = l.number();
                        }
                        default -> {
                            if (!v.equals("true") && !v.equals("false")) throw new IllegalArgumentException("--ip-masq '" + v + "' is not true or false");
                            masq = Boolean.valueOf(v);
                        }
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(l.number(), e);
                }
            }
        }
        return problems.result(new DockerOpts(bridge, subnet, bip, bipLine, mtu, mtuLine, masq));
    }
}
