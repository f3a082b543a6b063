package dev.kubepath.ingest;

/**
 * An addr.txt or link.txt of any supported form ({@code ip -j addr}, {@code ip addr}, {@code ifconfig -a} in its
 * current and its older {@code Link encap:} form, {@code ip -br addr} / {@code ip -br link}, {@code ip -d link}).
 */
public final class AddrFile {
    private AddrFile() {}

    public enum Format { IP_JSON, IFCONFIG, IFCONFIG_OLD, IP_BRIEF, IP_TEXT }

    public static Format detect(String text) {
        if (Json.looksLikeJson(text)) return Format.IP_JSON;
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String s = l.text();
            if (Transcript.isComment(s) || s.charAt(0) <= ' ') continue;
            String[] t = Tokens.split(s);
            if (IfconfigOldText.isHeader(t)) return Format.IFCONFIG_OLD;
            if (IpBriefText.isBrief(t)) return Format.IP_BRIEF;
            return t.length > 1 && t[1].startsWith("flags=") ? Format.IFCONFIG : Format.IP_TEXT;
        }
        return Format.IP_TEXT;
    }

    public static Parsed<Interfaces> parse(String file, String text) {
        return switch (detect(text)) {
            case IP_JSON -> IpAddrJson.parse(file, text);
            case IFCONFIG -> IfconfigText.parse(file, text);
            case IFCONFIG_OLD -> IfconfigOldText.parse(file, text);
            case IP_BRIEF -> IpBriefText.parse(file, text);
            case IP_TEXT -> IpAddrText.parse(file, text);
        };
    }
}
