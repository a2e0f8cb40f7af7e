package io.cellhub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/ARCHITECTURE.md} against the code: its import table is the package graph of
 * {@code src/main/java/io/cellhub} exactly, that graph has no cycle, and its package table names every
 * package and only classes that exist in them.
 */
class ArchitectureDocTest {

    static final Path DOC = Path.of("docs/ARCHITECTURE.md");
    static final Path SOURCES = Path.of("src/main/java/io/cellhub");
    static final String ROOT = "root";
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.cellhub\\.(\\w+)");
    private static final Pattern CODE_NAME = Pattern.compile("`([^`]+)`");

    @Test
    void theImportTableIsThePackageGraphOfTheSources() throws IOException {
        assertThat(documentedImports()).as("the import table of %s (left: the doc, right: the sources)", DOC)
                .isEqualTo(PackageGraph.of(SOURCES).edges());
    }

    @Test
    void thePackageGraphHasNoCycle() throws IOException {
        assertThat(PackageGraph.of(SOURCES).cycle()).as("a cycle between packages").isEmpty();
    }

    @Test
    void thePackageTableNamesEveryPackageAndOnlyClassesThatExistInIt() throws IOException {
        Map<String, List<String>> table = new TreeMap<>();
        for (List<String> row : rows(section("## Packages"))) {
            table.put(packageName(row.get(0)), names(row.get(2)));
        }
        assertThat(table.keySet()).as("packages in the package table").isEqualTo(PackageGraph.of(SOURCES).edges().keySet());
        table.forEach((pkg, classes) -> assertThat(classes).as("classes named for %s", pkg).isNotEmpty()
                .allSatisfy(name -> assertThat(directory(pkg).resolve(name.replaceAll("^\\+", "") + ".java"))
                        .as("%s in package %s", name, pkg).exists()));
    }

    @Test
    void packageGraphReadsImportsAndQualifiedNamesButNotCommentsOrStrings(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        Files.writeString(dir.resolve("a/A.java"), "package io.cellhub.a;\nimport io.cellhub.b.B;\n/** {@link io.cellhub.c.C} */\nclass A { String s = \"/*\"; // io.cellhub.d\n String t = \"io.cellhub.e.E */\"; }\n");
        Files.writeString(dir.resolve("b/B.java"), "package io.cellhub.b;\nclass B { Object x = new io.cellhub.CellHubConfig[0]; }\n");
        Files.writeString(dir.resolve("Root.java"), "package io.cellhub;\nclass Root {}\n");
        assertThat(PackageGraph.of(dir).edges()).isEqualTo(Map.of("a", Set.of("b"), "b", Set.of(ROOT), ROOT, Set.of()));
    }

    private static Map<String, Set<String>> documentedImports() throws IOException {
        Map<String, Set<String>> imports = new TreeMap<>();
        for (List<String> row : rows(section("### What the imports contain now"))) {
            Set<String> targets = new TreeSet<>();
            for (String name : names(row.get(1))) {
                targets.add(packageName("`" + name + "`"));
            }
            if (row.get(1).matches(".*\\broot\\b.*")) {
                targets.add(ROOT);
            }
            imports.put(packageName(row.get(0)), targets);
        }
        return imports;
    }

    /** {@code `topic`} is {@code topic}; {@code `io.cellhub` (root)} and {@code root} are the root package. */
    private static String packageName(String cell) {
        String name = cell.strip();
        if (name.startsWith("`io.cellhub`") || name.equals("`root`") || name.equals("root")) {
            return ROOT;
        }
        List<String> codes = names(name);
        assertThat(codes).as("one package in '%s'", cell).hasSize(1);
        return codes.get(0);
    }

    private static List<String> names(String cell) {
        List<String> names = new ArrayList<>();
        Matcher matcher = CODE_NAME.matcher(cell);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    private static Path directory(String pkg) {
        return pkg.equals(ROOT) ? SOURCES : SOURCES.resolve(pkg);
    }

    /** The lines of a section, from its heading to the next heading of the same or a higher level. */
    private static List<String> section(String heading) throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int start = lines.indexOf(heading);
        assertThat(start).as("heading '%s' in %s", heading, DOC).isNotNegative();
        int level = headingLevel(heading);
        int end = start + 1;
        while (end < lines.size() && (headingLevel(lines.get(end)) == 0 || headingLevel(lines.get(end)) > level)) {
            end++;
        }
        return lines.subList(start + 1, end);
    }

    /** 2 for {@code ## Packages}, 0 for a line that is no heading. */
    private static int headingLevel(String line) {
        int hashes = 0;
        while (hashes < line.length() && line.charAt(hashes) == '#') {
            hashes++;
        }
        return hashes > 0 && line.startsWith(" ", hashes) ? hashes : 0;
    }

    /** The body rows of the first table in {@code lines}, as cells. */
    private static List<List<String>> rows(List<String> lines) {
        List<List<String>> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : lines) {
            if (!line.startsWith("|")) {
                if (inTable) {
                    break;
                }
                continue;
            }
            if (!inTable) {
                inTable = true; // the header row
                continue;
            }
            if (line.matches("^\\|[-|: ]+\\|$")) {
                continue;
            }
            List<String> cells = List.of(line.substring(1, line.length() - 1).split("\\|", -1));
            rows.add(cells);
        }
        assertThat(rows).as("a table").isNotEmpty();
        return rows;
    }

    /** Which CellHub packages each package's sources name, outside comments. */
    record PackageGraph(Map<String, Set<String>> edges) {

        static PackageGraph of(Path sources) throws IOException {
            Map<String, Set<String>> edges = new TreeMap<>();
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Path relative = sources.relativize(file.getParent());
                    String from = relative.toString().isEmpty() ? ROOT : relative.toString().replace('/', '.');
                    Set<String> targets = edges.computeIfAbsent(from, k -> new TreeSet<>());
                    Matcher matcher = REFERENCE.matcher(withoutComments(Files.readString(file)));
                    while (matcher.find()) {
                        String name = matcher.group(1);
                        String to = Character.isUpperCase(name.charAt(0)) ? ROOT : name;
                        if (!to.equals(from)) {
                            targets.add(to);
                        }
                    }
                }
            }
            return new PackageGraph(edges);
        }

        /** The packages of one cycle, or empty. */
        List<String> cycle() {
            for (String start : edges.keySet()) {
                List<String> path = new ArrayList<>();
                if (reachesBack(start, start, path, new TreeSet<>())) {
                    return path;
                }
            }
            return List.of();
        }

        private boolean reachesBack(String start, String at, List<String> path, Set<String> seen) {
            path.add(at);
            for (String next : edges.getOrDefault(at, Set.of())) {
                if (next.equals(start) || (seen.add(next) && reachesBack(start, next, path, seen))) {
                    return true;
                }
            }
            path.remove(path.size() - 1);
            return false;
        }

        /** The code alone: comments and string, text-block and char literals left out. */
        static String withoutComments(String source) {
            StringBuilder code = new StringBuilder();
            int i = 0;
            while (i < source.length()) {
                if (source.startsWith("//", i)) {
                    i = endOf(source, "\n", i + 2) - 1;
                } else if (source.startsWith("/*", i)) {
                    i = endOf(source, "*/", i + 2);
                } else if (source.startsWith("\"\"\"", i)) {
                    i = endOf(source, "\"\"\"", i + 3);
                } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                    char quote = source.charAt(i++);
                    while (i < source.length() && source.charAt(i) != quote) {
                        i += source.charAt(i) == '\\' ? 2 : 1;
                    }
                    i++;
                } else {
                    code.append(source.charAt(i++));
                }
            }
            return code.toString().replaceAll("(?m)^package .*$", "");
        }

        private static int endOf(String source, String end, int from) {
            int at = source.indexOf(end, from);
            return at < 0 ? source.length() : at + end.length();
        }
    }
}
