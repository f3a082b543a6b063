package dev.kubepath.ingest;

import dev.kubepath.model.Chain;
import dev.kubepath.model.IpSet;

import java.util.List;

/**
 * An iptables.txt of any supported form: {@code iptables-save} (whole, or fragments without a {@code *table} line),
 * {@code iptables -S} or {@code iptables -L}, told apart by the first line of content.
 */
public final class IptablesFile {
    private IptablesFile() {}

    public enum Format { SAVE, S, LIST }

    public static Format detect(String text) {
        for (Transcript.Line l : Transcript.of(text).lines()) {
            String s = l.text().trim();
            if (s.startsWith("#")) continue;
            if (s.startsWith("Chain ")) return Format.LIST;
            if (s.startsWith("-P ") || s.startsWith("-N ")) return Format.S;
            return Format.SAVE;
        }
        return Format.SAVE;
    }

    public static Parsed<List<Chain>> parse(String file, String text, List<IpSet> sets) {
        return switch (detect(text)) {
            case SAVE -> IptablesSave.parse(file, text, sets);
            case S -> IptablesSText.parse(file, text, sets);
            case LIST -> IptablesListText.parse(file, text, sets);
        };
    }
}
