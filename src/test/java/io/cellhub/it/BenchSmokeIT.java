package io.cellhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.cellhub.support.ScratchSpace;

/**
 * Keeps the benchmark from rotting: {@code bench/run.sh --smoke --rounds 2} against the packaged jar
 * (every scenario with tiny N, twice) must finish and print the table of the medians with a row for
 * every scenario, and CellHub's line for each round; {@code bench/compare.sh --smoke} with the packaged
 * jar as both builds must print its table; {@code bench/profile.sh --smoke} must report its bursts for
 * CellHub (with a JFR recording) and for the C processor. No figure, not even lost messages, is checked: timings
 * belong to the benchmark, never to the test suite. The only clock here is a hang guard.
 */
class BenchSmokeIT {

    private static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void theBenchmarkRunsAndPrintsItsTable() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", ROOT.resolve("bench/run.sh").toString(), "--smoke", "--rounds", "2");
        String jar = System.getProperty("cellhub.app.jar");
        if (jar != null) {
            builder.environment().put("CELLHUB_JAR", jar);
        }
        String text = outputOfSuccessfulRun(builder, "bench-smoke", 15);
        assertThat(text).contains("the median of 2 rounds");
        // The rounds' own tables come first (on standard error); the table of the medians is the last.
        String medians = text.substring(text.lastIndexOf("the median of 2 rounds"));
        assertThat(medians).contains("| scenario", "one-hop ceiling (no processor)", "CellHub average",
                "latency: CellHub", "latency: CellHub, journal on", "command: bench/run.sh --smoke --rounds 2",
                "CellHub in each round", "  round 1: QoS 0 ", "  round 2: QoS 0 ", "| steal % |", "steal % = ");
        assertThat(medians).contains("fan-out: ingest", "Python paho-mqtt 1.6.1 processor"); // .ci/run installs paho
        // CellHub on its two inputs (cellhub.ingest.filter with a comma): the broker no longer sends it its
        // own averages (about one more message per input on '#': an average follows every input). At QoS 1,
        // where nothing is lost.
        assertThat(medians).contains("CellHub on its inputs (like C)", "latency: CellHub on its inputs", " on its inputs: QoS 0 ");
        Matcher received = Pattern.compile("CellHub QoS 1 on its inputs: .* received per input ([0-9.]+) \\(on the default "
                + "filter #, its own averages read back: ([0-9.]+)\\)").matcher(medians);
        assertThat(received.find()).as("the line of what CellHub's ingest received, in:%n%s", medians).isTrue();
        assertThat(Double.parseDouble(received.group(1))).as("messages received per input on the two inputs").isLessThan(1.25);
        assertThat(Double.parseDouble(received.group(2))).as("messages received per input on '#'").isGreaterThan(1.25);
        if (Files.exists(Path.of("/usr/include/mosquitto.h"))) {
            assertThat(medians).contains("C processor, libmosquitto", "C processor on # (like CellHub)",
                    "generator and sink: bench/c/loadgen.c", "short-lived devices: C processor",
                    "short-lived devices: CellHub, embedded broker", "cold start: CellHub, embedded broker",
                    "short-lived devices, QoS 1");
        }
        assertThat(text).doesNotContain("printed no result", "# c did not become ready", "# chash did not become ready",
                "# paho did not become ready",
                "round 1 failed", "round 2 failed");
    }

    @Test
    void theComparisonOfTwoBuildsRunsAndPrintsItsTable() throws Exception {
        // its generator is the C one only (.ci/run installs gcc and libmosquitto-dev)
        assumeTrue(Files.exists(Path.of("/usr/include/mosquitto.h")), "bench/compare.sh needs libmosquitto-dev");
        String jar = System.getProperty("cellhub.app.jar", ROOT.resolve("target/quarkus-app/quarkus-run.jar").toString());
        // one setting only (the journal's settle between bursts included): about 40 s, all four take two minutes
        String text = outputOfSuccessfulRun(new ProcessBuilder("bash", ROOT.resolve("bench/compare.sh").toString(), jar, jar,
                "--smoke", "--qos", "1", "--journal", "on"), "bench-compare-smoke", 5);
        assertThat(text).contains("CellHub builds compared", "| setting ", "| cold, qos1, journal-on ",
                "| qos1, journal-on ", "command: bench/compare.sh ").doesNotContain("printed no result");
    }

    @Test
    void theProfileOfOneProcessorRunsForCellHubAndForTheCProcessor() throws Exception {
        // its generator and the C processor are the C ones (.ci/run installs gcc and libmosquitto-dev)
        assumeTrue(Files.exists(Path.of("/usr/include/mosquitto.h")), "bench/profile.sh needs libmosquitto-dev");
        String jar = System.getProperty("cellhub.app.jar", ROOT.resolve("target/quarkus-app/quarkus-run.jar").toString());
        ProcessBuilder cellhub = new ProcessBuilder("bash", ROOT.resolve("bench/profile.sh").toString(), "cellhub", "--smoke",
                "--jfr", "--latency", "1");
        cellhub.environment().put("CELLHUB_JAR", jar);
        String text = outputOfSuccessfulRun(cellhub, "bench-profile-smoke-cellhub", 5);
        assertThat(text).contains("# cellhub at QoS 1, ingest filter +/temperature1,+/temperature2", "label=cold ",
                "label=burst1 ", "label=burst2 ", "label=burst3 ", "label=latency1 ", "# JFR recording: ")
                .doesNotContain("ending=failed");
        assertThat(text).as("the host's steal beside every burst").containsPattern("label=latency1 .* steal_pct=[0-9]+\\.[0-9]");
        Matcher recording = Pattern.compile("# JFR recording: (\\S+)").matcher(text);
        assertThat(recording.find()).isTrue();
        assertThat(Path.of(recording.group(1))).as("the JFR recording of the second burst").isNotEmptyFile();

        text = outputOfSuccessfulRun(new ProcessBuilder("bash", ROOT.resolve("bench/profile.sh").toString(), "c", "--smoke"),
                "bench-profile-smoke-c", 5);
        assertThat(text).contains("# c at QoS 1", "label=cold ", "label=burst1 ", "label=burst3 ").doesNotContain("ending=failed");
    }

    /**
     * Runs a script from the repository root, stopping it after {@code minutes} (a hang guard, not a
     * timing), and returns its output once it finished with exit status 0.
     */
    private static String outputOfSuccessfulRun(ProcessBuilder builder, String name, long minutes)
            throws IOException, InterruptedException {
        Path output = ScratchSpace.file(name, ".txt");
        Process process = builder.directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean finished = process.waitFor(minutes, TimeUnit.MINUTES);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(finished).as("%s finished; its output:%n%s", builder.command(), text).isTrue();
        assertThat(process.exitValue()).as("exit status; output:%n%s", text).isZero();
        return text;
    }
}
