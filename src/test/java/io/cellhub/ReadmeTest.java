package io.cellhub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README is a page a user reads: at most 300 lines, its links lead to files of this repository
 * (and to headings that exist), its test command is the one CI runs, and its run command's JVM
 * options ({@code jvm.options}) are the container image's and the benchmark's. The same link check holds
 * for every page under {@code docs/}.
 */
class ReadmeTest {

    static final Path README = Path.of("README.md");
    static final Path DOCS = Path.of("docs");
    static final Path CI = Path.of(".ci/run");
    /** {@code [text](target)} and {@code ![alt](target)}; the target up to a space or the closing parenthesis. */
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)[^)]*\\)");

    @Test
    void theReadmeHasAtMost300Lines() throws IOException {
        assertThat(Files.readAllLines(README)).hasSizeLessThanOrEqualTo(300);
    }

    @Test
    void everyRelativeLinkInTheReadmeResolvesToAFileAndHeadingInTheRepository() throws IOException {
        assertThat(relativeLinks(README)).as("relative links in the README").isNotEmpty();
        assertThat(brokenLinks(README)).as("links in README.md that lead nowhere").isEmpty();
    }

    @Test
    void everyRelativeLinkInTheDocsResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        try (Stream<Path> pages = Files.list(DOCS)) {
            for (Path page : pages.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                broken.addAll(brokenLinks(page));
            }
        }
        assertThat(broken).as("links in docs/*.md that lead nowhere").isEmpty();
    }

    @Test
    void aLinkToAMissingFileOrHeadingIsCaught(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("other.md"), "# Other\n\n## Start-up, fast\n");
        Path page = dir.resolve("page.md"); // its own heading: # Top
        Files.writeString(page, "[ok](other.md#start-up-fast) [here](#top) [gone](missing.md) [no heading](other.md#nope) "
                + "[web](https://example.com/x) ![img](other.md)\n\n# Top\n");
        Files.writeString(dir.resolve("sub.md"), "[outside](../../elsewhere.md)\n");
        assertThat(brokenLinks(page, dir)).containsExactly("missing.md", "other.md#nope");
        assertThat(brokenLinks(dir.resolve("sub.md"), dir)).containsExactly("../../elsewhere.md");
    }

    @Test
    void theReadmeTestCommandIsTheOneCiRunsAndCiRunsNothingTheReadmeDoesNotName() throws IOException {
        String readme = Files.readString(README);
        assertThat(firstShellBlock(readme, "## Test it")).isEqualTo("./mvnw -B verify");
        List<String> ciCommands = Files.readAllLines(CI).stream().map(String::strip)
                .filter(line -> line.startsWith("./mvnw") || line.startsWith("bench/") || line.startsWith("scripts/")).toList();
        assertThat(ciCommands).as("the build and test commands of %s", CI).contains("./mvnw -B verify")
                .allSatisfy(command -> assertThat(readme).as("README names '%s'", command).contains(command));
    }

    @Test
    void theReadmeRunCommandBuildsAndStartsThePackagedJar() throws IOException {
        assertThat(firstShellBlock(Files.readString(README), "## Run it"))
                .isEqualTo("./mvnw -B package -DskipTests && java @jvm.options -jar target/quarkus-app/quarkus-run.jar");
    }

    @Test
    void theRunCommandsJvmOptionsAreTheImagesAndTheBenchmarks() throws IOException {
        List<String> options = Files.readAllLines(Path.of("jvm.options")).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertThat(options).as("jvm.options").contains("-XX:+UseSerialGC");
        Matcher imageOptions = Pattern.compile("JAVA_OPTS=\"([^\"]*)\"")
                .matcher(Files.readString(Path.of("src/main/docker/Dockerfile.jvm")));
        assertThat(imageOptions.find()).as("JAVA_OPTS in the JVM image").isTrue();
        assertThat(List.of(imageOptions.group(1).split(" "))).as("the image's JAVA_OPTS").containsAll(options);
        assertThat(Files.readString(Path.of("bench/run.sh"))).as("CellHub's JVM options in the benchmark")
                .contains("${CELLHUB_JVM_OPTIONS-@$ROOT/jvm.options}");
    }

    private static String firstShellBlock(String markdown, String heading) {
        int section = markdown.indexOf("\n" + heading + "\n");
        assertThat(section).as("section %s", heading).isNotNegative();
        int start = markdown.indexOf("```sh\n", section);
        int end = markdown.indexOf("```", start + 6);
        return markdown.substring(start + 6, end).strip();
    }

    static List<String> relativeLinks(Path page) throws IOException {
        List<String> links = new ArrayList<>();
        Matcher matcher = LINK.matcher(Files.readString(page));
        while (matcher.find()) {
            String target = matcher.group(1);
            if (!target.matches("^[a-z]+:.*")) {
                links.add(target);
            }
        }
        return links;
    }

    /** The relative links of a repository page that lead out of the repository, to no file, or to no heading. */
    static List<String> brokenLinks(Path page) throws IOException {
        return brokenLinks(page, Path.of("").toAbsolutePath());
    }

    static List<String> brokenLinks(Path page, Path repository) throws IOException {
        List<String> broken = new ArrayList<>();
        for (String link : relativeLinks(page)) {
            int hash = link.indexOf('#');
            String file = hash < 0 ? link : link.substring(0, hash);
            Path target = file.isEmpty() ? page.toAbsolutePath() : page.toAbsolutePath().getParent().resolve(file).normalize();
            if (!target.startsWith(repository) || !Files.exists(target)) {
                broken.add(link);
            } else if (hash >= 0 && !headingSlugs(target).contains(link.substring(hash + 1))) {
                broken.add(link);
            }
        }
        return broken;
    }

    /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens. */
    private static List<String> headingSlugs(Path page) throws IOException {
        if (!page.toString().endsWith(".md")) {
            return List.of();
        }
        return Files.readAllLines(page).stream().filter(line -> line.matches("^#{1,6} .*"))
                .map(line -> line.replaceFirst("^#+ ", "").toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "")
                        .replace(' ', '-'))
                .toList();
    }
}
