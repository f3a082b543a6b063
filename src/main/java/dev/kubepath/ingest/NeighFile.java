package dev.kubepath.ingest;

import dev.kubepath.model.Neighbour;

import java.util.List;

/** A neigh.txt of any supported form: {@code ip neigh} (text or -j) or net-tools {@code arp -n} / {@code arp -an}. */
public final class NeighFile {
    private NeighFile() {}

    public enum Format { IP, ARP }

    public static Format detect(String text) {
        if (Json.looksLikeJson(text)) return Format.IP;
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String s = l.text();
            if (Transcript.isComment(s)) continue;
            String[] t = Tokens.split(s);
            if (ArpText.isHeader(s) || ArpText.isBsd(t) || ArpText.isTableRow(t)) return Format.ARP;
            return Format.IP;
        }
        return Format.IP;
    }

    public static Parsed<List<Neighbour>> parse(String file, String text) {
        return switch (detect(text)) {
            case IP -> IpNeighText.parse(file, text);
            case ARP -> ArpText.parse(file, text);
        };
    }
}
