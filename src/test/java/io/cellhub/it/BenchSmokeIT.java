package io.cellhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.cellhub.support.ScratchSpace;

/**
 * Keeps the benchmark from rotting: {@code bench/run.sh --smoke} against the packaged jar (every
 * scenario with tiny N) must finish and print its table with a row for every scenario. No figure,
 * not even lost messages, is checked: timings belong to the benchmark, never to the test suite. The only
 * clock here is a hang guard.
 */
class BenchSmokeIT {

    @Test
    void theBenchmarkRunsAndPrintsItsTable() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path output = ScratchSpace.file("bench-smoke", ".txt");
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("bench/run.sh").toString(), "--smoke")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        String jar = System.getProperty("cellhub.app.jar");
        if (jar != null) {
            builder.environment().put("CELLHUB_JAR", jar);
        }
        Process process = builder.start();
        boolean finished = process.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        String text = read(output);
        assertThat(finished).as("bench/run.sh --smoke finished; its output:%n%s", text).isTrue();
        assertThat(process.exitValue()).as("exit status; output:%n%s", text).isZero();
        assertThat(text).contains("| scenario", "one-hop ceiling (no processor)", "CellHub average",
                "latency: CellHub", "command: bench/run.sh --smoke");
        assertThat(text).contains("fan-out: ingest", "Python paho-mqtt 1.6.1 processor"); // .ci/run installs paho
        if (Files.exists(Path.of("/usr/include/mosquitto.h"))) {
            assertThat(text).contains("C processor, libmosquitto", "generator and sink: bench/c/loadgen.c");
        }
        assertThat(text).doesNotContain("printed no result", "# c did not become ready", "# paho did not become ready");
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
