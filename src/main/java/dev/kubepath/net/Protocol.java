package dev.kubepath.net;

import java.util.Locale;

public enum Protocol {
    TCP, UDP, ICMP;

    public static Protocol parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }

    public String lower() {
        return name().toLowerCase(Locale.ROOT);
    }
}
