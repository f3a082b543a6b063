package dev.kubepath.ingest;

import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.net.Mac;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * iproute2's brief listings, one device a line: {@code ip -br addr} ({@code eth0@if5  UP  10.0.0.35/24 fe80::1/64})
 * and {@code ip -br link} ({@code flannel.1  UNKNOWN  36:70:76:ea:39:b8 <BROADCAST,MULTICAST,UP,LOWER_UP>}). Both
 * may be in one file; a device's facts are merged. A device is up when its state is UP or UNKNOWN with LOWER_UP
 * (or, from {@code ip -br addr}, UNKNOWN, as virtual devices without carrier detection say). The brief form shows no
 * mtu ({@link Link#MTU_UNKNOWN}) and no device type (the kind comes from the name).
 */
public final class IpBriefText {
    private IpBriefText() {}

    private static final List<String> STATES = List.of("UP", "DOWN", "UNKNOWN", "LOWERLAYERDOWN", "DORMANT", "NOTPRESENT", "TESTING");

    private static final class Dev {
        String name, peer;
        String state;
        Mac mac;
        Boolean lowerUp;
    }

    public static Parsed<Interfaces> parse(String file, String text) {
        Problems problems = new Problems(file);
        Map<String, Dev> devs = new LinkedHashMap<>();
        List<IfAddress> addresses = new ArrayList<>();
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String line = l.text();
            if (Transcript.isComment(line)) continue;
            try {
                String[] t = Tokens.split(line);
                if (!isBrief(t)) throw new IllegalArgumentException("expected 'NAME STATE ADDRESSES...' or 'NAME STATE MAC <FLAGS>', got '" + line.trim() + "'");
                String name = t[0], peer = null;
                int at = name.indexOf('@');
                if (at > 0) {
                    peer = name.substring(at + 1);
                    name = name.substring(0, at);
                }
                Dev d = devs.computeIfAbsent(name, k -> new Dev());
                d.name = name;
                if (peer != null && !peer.startsWith("if") && !peer.equals("NONE")) d.peer = peer;
                d.state = t[1];
                for (int i = 2; i < t.length; i++) {
                    String w = t[i];
                    if (w.startsWith("<") && w.endsWith(">")) {
                        d.lowerUp = false;
                        for (String f : w.substring(1, w.length() - 1).split(",")) if (f.equals("LOWER_UP")) d.lowerUp = true;
                    } else if (w.indexOf('/') > 0 && w.indexOf(':') < 0) {
                        addresses.add(new IfAddress(name, Addresses.addressOf(w), Addresses.lengthOf(w)));
                    } else if (w.indexOf('/') > 0) {
                        continue; // IPv6
                    } else {
                        d.mac = Mac.parse(w);
                    }
                }
            } catch (IllegalArgumentException e) {
                problems.add(l.number(), e);
            }
        }
        List<Link> links = new ArrayList<>();
        for (Dev d : devs.values()) {
            boolean up = d.state.equals("UP") || d.state.equals("UNKNOWN") && (d.lowerUp == null || d.lowerUp);
            links.add(new Link(d.name, LinkKinds.byName(d.name, d.peer, false), Link.MTU_UNKNOWN, d.mac, up, null));
        }
        return problems.result(new Interfaces(links, addresses));
    }

    /** A brief line: a device name (no trailing ':'), then an operational state word. */
    static boolean isBrief(String[] t) {
        return t.length >= 2 && !t[0].endsWith(":") && STATES.contains(t[1]);
    }
}
