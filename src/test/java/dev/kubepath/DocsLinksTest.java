package dev.kubepath;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new operator follows README.md and docs/*.md by their references: every relative link, and every file of this
 * repository they name in backticks (docs/..., scenarios/..., bundles/..., scripts/..., src/...), must be there.
 */
class DocsLinksTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern REPO_PATH = Pattern.compile("`((?:docs|scenarios|bundles|scripts|src)/[^`\\s*{}<>]*)`");

    @Test
    void everyRelativeLinkAndNamedRepositoryFileExists() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> s = Files.list(Path.of("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        assertThat(docs).hasSizeGreaterThan(5);
        List<String> missing = new ArrayList<>();
        for (Path doc : docs) {
            String text = Files.readString(doc);
            Matcher link = LINK.matcher(text);
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("[a-z]+:.*") || target.startsWith("#")) continue; // a URL, or an anchor in the page
                Path file = doc.resolveSibling(target.replaceFirst("#.*", "")).normalize();
                if (!Files.exists(file)) missing.add(doc + ": link " + target);
            }
            Matcher named = REPO_PATH.matcher(text);
            while (named.find()) {
                String path = named.group(1);
                if (!Files.exists(Path.of(path)) && !Files.exists(doc.resolveSibling(path))) missing.add(doc + ": " + path);
            }
        }
        assertThat(missing).as("references to files that are not in the repository").isEmpty();
    }
}
