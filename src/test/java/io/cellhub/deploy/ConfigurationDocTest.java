package io.cellhub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/CONFIGURATION.md} lists every {@code cellhub.*} key CellHub reads, with the default it
 * really has: the keys of CellHub's {@code @ConfigMapping}s (with their {@code @WithDefault} or the value
 * {@code application.properties} sets), the build property {@code cellhub.embedded-parts} among them.
 */
class ConfigurationDocTest {

    static final Path DOC = Path.of("docs/CONFIGURATION.md");
    /** A table row whose first cell is a {@code cellhub.} key: key, default, meaning. */
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`(cellhub\\.[^`]+)`\\s*\\|\\s*([^|]*?)\\s*\\|.*\\|\\s*$");
    private static final Pattern NAME_PLACEHOLDER = Pattern.compile("<[a-z-]+>");

    static Map<String, String> documented;
    static Map<String, String> actual;

    @BeforeAll
    static void load() throws IOException {
        documented = new LinkedHashMap<>();
        for (String line : Files.readAllLines(DOC)) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                String key = NAME_PLACEHOLDER.matcher(row.group(1)).replaceAll("*");
                assertThat(documented.put(key, row.group(2))).as("%s is documented once", key).isNull();
            }
        }
        actual = new TreeMap<>(ConfigKeys.cellHubKeysWithDefaults());
    }

    @Test
    void everyKeyCellHubReadsIsDocumented() {
        assertThat(documented.keySet()).as("keys in %s", DOC).containsAll(actual.keySet());
    }

    @Test
    void theDocNamesNoKeyCellHubDoesNotRead() {
        assertThat(actual.keySet()).as("keys CellHub reads").containsAll(documented.keySet());
    }

    @Test
    void everyDocumentedDefaultIsTheOneCellHubApplies() {
        Map<String, String> expected = new TreeMap<>();
        actual.forEach((key, value) -> expected.put(key, value == null ? "none" : "`" + value + "`"));
        Map<String, String> shown = new TreeMap<>(documented);
        shown.keySet().retainAll(expected.keySet());
        expected.keySet().retainAll(shown.keySet());
        assertThat(shown).as("the default column of %s", DOC).isEqualTo(expected);
    }
}
