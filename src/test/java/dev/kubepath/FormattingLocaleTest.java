package dev.kubepath;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Output must not change with the user's locale (a German locale writes 1.234 for 1,234 and 0,5 for 0.5; an Arabic
 * one writes other digits): every String.format and printf in the sources names Locale.ROOT, and no
 * String.formatted (which always takes the default locale) is used.
 */
class FormattingLocaleTest {
    private static final Pattern WITHOUT_LOCALE = Pattern.compile("(String\\.format|\\.printf)\\((?!(java\\.util\\.)?Locale\\.ROOT)|\\.formatted\\(");

    @Test
    void everyFormatCallNamesLocaleRoot() throws IOException {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    if (WITHOUT_LOCALE.matcher(lines.get(i)).find()) offenders.add(p + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertThat(offenders).isEmpty();
    }
}
