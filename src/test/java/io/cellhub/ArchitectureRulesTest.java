package io.cellhub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** Rules of the code's shape that a reader of one class cannot see, checked over all of {@code src/main/java}. */
class ArchitectureRulesTest {

    static final Path SOURCES = Path.of("src/main/java/io/cellhub");

    /**
     * A CellHub key read by name, past its {@code @ConfigMapping}: through {@code @ConfigProperty}, a
     * {@code Config} or a config-source context.
     */
    private static final Pattern KEY_AS_STRING = Pattern.compile(
            "@ConfigProperty\\s*\\(\\s*name\\s*=\\s*\"cellhub\\.|ConfigProvider\\.getConfig|get(Optional|Config)?Value\\(\\s*\"cellhub\\.");
    /**
     * The one exception: a SmallRye {@code ConfigSourceFactory} runs while the configuration is being
     * built, before any mapping exists, and starts the embedded PostgreSQL from {@code cellhub.data-dir}
     * and {@code cellhub.database.port}.
     */
    private static final Path CONFIG_SOURCE = SOURCES.resolve("store/EmbeddedDatabaseConfigSource.java");

    /** The {@code $} rule of MQTT (4.7.2), spelt out instead of asked of {@code TopicName.isReserved}. */
    private static final Pattern RESERVED_TOPIC_RULE = Pattern.compile("startsWith\\(\"\\$|charAt\\(0\\)\\s*==\\s*'\\$'");
    private static final Path TOPIC_NAME = SOURCES.resolve("topic/TopicName.java");

    @Test
    void noMainClassReadsACellHubKeyAsAStringInsteadOfThroughItsMapping() throws IOException {
        assertThat(filesMatching(KEY_AS_STRING)).as("sources that read cellhub.* keys by name").isSubsetOf(CONFIG_SOURCE);
    }

    @Test
    void aKeyReadByNameIsRecognisedHoweverItIsRead() {
        assertThat(List.of("@ConfigProperty(name = \"cellhub.ingest.filter\") String filter",
                "ConfigProvider.getConfig().getValue(\"quarkus.http.port\", Integer.class)",
                "config.getOptionalValue(\"cellhub.ingest.client-id\", String.class)"))
                .allSatisfy(code -> assertThat(KEY_AS_STRING.matcher(code).find()).as(code).isTrue());
        assertThat(KEY_AS_STRING.matcher("IngestConfig ingest").find()).isFalse();
    }

    @Test
    void onlyTopicNameSpellsOutWhichTopicsMqttReserves() throws IOException {
        assertThat(filesMatching(RESERVED_TOPIC_RULE)).as("sources with the $ rule").containsExactly(TOPIC_NAME);
    }

    private static List<Path> filesMatching(Pattern pattern) throws IOException {
        List<Path> matching = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                if (pattern.matcher(Files.readString(file)).find()) {
                    matching.add(file);
                }
            }
        }
        return matching;
    }
}
