package io.cellhub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
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
     * The exceptions: config sources run while the configuration is being built, before any mapping
     * exists. The embedded PostgreSQL's starts the database from {@code cellhub.data-dir} and
     * {@code cellhub.database.port}; cluster mode's supplies channel settings when
     * {@code cellhub.cluster.kafka.bootstrap-servers} is set.
     */
    private static final Path[] CONFIG_SOURCES = { SOURCES.resolve("store/EmbeddedDatabaseConfigSource.java"),
            SOURCES.resolve("cluster/ClusterModeConfigSource.java") };

    /** A CellHub key in a property expression, as in {@code @Scheduled(every = "${cellhub.snapshot.every:5m}")}. */
    private static final Pattern KEY_EXPRESSION = Pattern.compile("\\$\\{(cellhub\\.[a-z0-9.-]+)");
    private static final Pattern MAPPING_PREFIX = Pattern.compile("@ConfigMapping\\s*\\(\\s*prefix\\s*=\\s*\"([a-z0-9.-]+)\"");
    /**
     * The exceptions: the address of CellHub's own MQTT connections defaults to the embedded broker's,
     * in {@code MqttSettings}' defaults, which SmallRye Config resolves before any class reads them.
     */
    private static final List<String> FOREIGN_EXPRESSIONS = List.of("channel/MqttSettings.java: cellhub.broker.host",
            "channel/MqttSettings.java: cellhub.broker.port");

    /** The {@code $} rule of MQTT (4.7.2), spelt out instead of asked of {@code TopicName.isReserved}. */
    private static final Pattern RESERVED_TOPIC_RULE = Pattern.compile("startsWith\\(\"\\$|charAt\\(0\\)\\s*==\\s*'\\$'");
    private static final Path TOPIC_NAME = SOURCES.resolve("topic/TopicName.java");

    @Test
    void noMainClassReadsACellHubKeyAsAStringInsteadOfThroughItsMapping() throws IOException {
        assertThat(filesMatching(KEY_AS_STRING)).as("sources that read cellhub.* keys by name").isSubsetOf(CONFIG_SOURCES);
    }

    @Test
    void aKeyReadByNameIsRecognisedHoweverItIsRead() {
        assertThat(List.of("@ConfigProperty(name = \"cellhub.ingest.filter\") String filter",
                "ConfigProvider.getConfig().getValue(\"quarkus.http.port\", Integer.class)",
                "config.getOptionalValue(\"cellhub.ingest.client-id\", String.class)"))
                .allSatisfy(code -> assertThat(KEY_AS_STRING.matcher(code).find()).as(code).isTrue());
        assertThat(KEY_AS_STRING.matcher("IngestConfig ingest").find()).isFalse();
    }

    /**
     * A key in a property expression (a {@code @Scheduled} interval, a mapping's default) belongs to a
     * {@code @ConfigMapping} of the package that names it.
     */
    @Test
    void aKeyInAnExpressionIsMappedInTheSamePackage() throws IOException {
        List<String> foreign = new ArrayList<>();
        for (Path dir : packageDirectories()) {
            List<Path> files = javaFiles(dir);
            List<String> prefixes = new ArrayList<>();
            for (Path file : files) {
                Matcher mapping = MAPPING_PREFIX.matcher(Files.readString(file));
                while (mapping.find()) {
                    prefixes.add(mapping.group(1) + ".");
                }
            }
            for (Path file : files) {
                Matcher key = KEY_EXPRESSION.matcher(Files.readString(file));
                while (key.find()) {
                    String name = key.group(1);
                    if (prefixes.stream().noneMatch(name::startsWith)) {
                        foreign.add(SOURCES.relativize(file) + ": " + name);
                    }
                }
            }
        }
        assertThat(foreign).as("cellhub.* keys in expressions outside the package that maps them")
                .containsExactlyInAnyOrderElementsOf(FOREIGN_EXPRESSIONS);
    }

    @Test
    void onlyTopicNameSpellsOutWhichTopicsMqttReserves() throws IOException {
        assertThat(filesMatching(RESERVED_TOPIC_RULE)).as("sources with the $ rule").containsExactly(TOPIC_NAME);
    }

    private static List<Path> packageDirectories() throws IOException {
        try (Stream<Path> dirs = Files.walk(SOURCES)) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
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
