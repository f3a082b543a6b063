package dev.kubepath.model;

import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;

import java.util.List;

/**
 * An ipset as {@code ipset list} or {@code ipset save} shows it: kube-proxy's IPVS mode matches service traffic
 * against sets such as KUBE-CLUSTER-IP ({@code hash:ip,port}) instead of one rule per service. {@code type} is the
 * set type as ipset names it; each member holds the parts its type has (the others null).
 */
public record IpSet(String name, String type, List<Member> members) {
    public IpSet {
        members = List.copyOf(members);
    }

    /**
     * One member: {@code 10.96.0.1,tcp:443} of a hash:ip,port set is address 10.96.0.1/32, TCP, port 443;
     * {@code 30080} of a bitmap:port set is port 30080 alone; {@code second} is the trailing ip or net of
     * hash:ip,port,ip and hash:ip,port,net.
     */
    public record Member(Prefix address, Protocol protocol, Integer port, Prefix second) {}
}
