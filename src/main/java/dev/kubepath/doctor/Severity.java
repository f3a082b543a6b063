package dev.kubepath.doctor;

import java.util.Locale;

/** How bad a finding is; findings are listed most severe first. */
public enum Severity {
    CRITICAL, WARNING, INFO;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
