package io.cellhub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The docs name CellHub's meters as {@code /q/metrics} shows them: every meter the sources register is
 * named in {@code docs/}, and every {@code cellhub_*} name there is a meter the sources register (a
 * metric that was removed or renamed does not stay in the docs). {@code cellhub_sse_*} stands for the
 * meters that start so.
 */
class MetricsDocTest {

    private static final Path DOCS = Path.of("docs");
    private static final Pattern METER = Pattern.compile(
            "(?:Counter|FunctionCounter|Gauge|Timer|DistributionSummary)\\.builder\\(\\s*\"(cellhub\\.[a-z.]+)\"");
    private static final Pattern DOCUMENTED = Pattern.compile("`(cellhub_[a-z_]+[a-z])(_\\*)?`");
    private static final Pattern PROMETHEUS_SUFFIX = Pattern.compile("_(total|seconds_max|seconds|bytes)$");

    @Test
    void everyMeterTheSourcesRegisterIsInTheDocs() throws IOException {
        String doc = docs();
        Set<String> missing = new TreeSet<>(registeredMeters());
        missing.removeIf(meter -> doc.contains("`" + meter));
        assertThat(missing).as("meters of src/main/java missing from %s", DOCS).isEmpty();
    }

    @Test
    void everyMetricTheDocsNameIsRegistered() throws IOException {
        Set<String> meters = registeredMeters();
        Set<String> documented = new TreeSet<>();
        Matcher names = DOCUMENTED.matcher(docs());
        while (names.find()) {
            String name = PROMETHEUS_SUFFIX.matcher(names.group(1)).replaceFirst("");
            boolean family = names.group(2) != null;
            if (family ? meters.stream().noneMatch(meter -> meter.startsWith(name + "_")) : !meters.contains(name)) {
                documented.add(names.group());
            }
        }
        assertThat(documented).as("metrics %s names that src/main/java does not register", DOCS).isEmpty();
    }

    private static String docs() throws IOException {
        try (Stream<Path> files = Files.list(DOCS)) {
            StringBuilder all = new StringBuilder();
            files.filter(file -> file.toString().endsWith(".md")).sorted().forEach(file -> all.append(read(file)));
            assertThat(all).as("the docs").contains("`cellhub_messages_received_total`");
            return all.toString();
        }
    }

    /** The Prometheus names (dots as underscores, no unit suffix) of the meters {@code src/main/java} builds. */
    private static Set<String> registeredMeters() throws IOException {
        Set<String> meters = new TreeSet<>();
        try (Stream<Path> files = Files.walk(ArchitectureDocTest.SOURCES)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                Matcher meter = METER.matcher(read(file));
                while (meter.find()) {
                    meters.add(meter.group(1).replace('.', '_'));
                }
            });
        }
        return meters;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
