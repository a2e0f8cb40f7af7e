package io.cellhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.RepeatedTest;

import io.cellhub.support.FreePort;
import io.cellhub.support.PackagedApp;
import io.cellhub.support.ScratchSpace;

/**
 * The notebook's students, for real: {@code src/test/python/notebook_exercises.py} (paho-mqtt 1.6.1, as in
 * the course) does the "average" and "cylinders" exercises against the packaged CellHub.
 */
class NotebookIT {

    private static final String PYTHON = "/usr/bin/python3";
    private static final Path SCRIPT = Path.of("src/test/python/notebook_exercises.py");

    /**
     * On embedded defaults, the simulated fleet included, as a student would run it; three times, each
     * on a fresh CellHub, since a flaky broker fails such a run now and then, not every time.
     */
    @RepeatedTest(3)
    void theNotebookExercisesPassWithPahoClients() throws Exception {
        requirePaho();
        Path dataDir = ScratchSpace.directory("cellhub-notebook");
        int brokerPort = FreePort.find();
        Map<String, String> env = Map.of(
                "CELLHUB_BROKER_PORT", String.valueOf(brokerPort),
                "CELLHUB_DATA_DIR", dataDir.toString());

        try (PackagedApp app = new PackagedApp(FreePort.find(), env).start()) {
            Result result = run(60, PYTHON, SCRIPT.toAbsolutePath().toString(), "127.0.0.1", String.valueOf(brokerPort));
            String described = "notebook_exercises.py (exit " + result.exitCode() + ", CellHub log " + app.log()
                    + ") printed:\n" + result.output()
                    + (result.exitCode() == 0 ? "" : "\nThe end of CellHub's log:\n" + app.logTail(80));

            assertThat(result.exitCode()).as(described).isZero();
            assertThat(result.output()).as(described)
                    .contains("avg 23.5", "avg 28.5", "avg 15", "notebook exercises passed");
            List<String> cylinderLines = result.output().lines().filter(line -> line.startsWith("cylinders ")).toList();
            assertThat(cylinderLines).as(described).containsExactly("cylinders False True True", "cylinders False True True");
        }
    }

    private static void requirePaho() throws Exception {
        Result check;
        try {
            check = run(30, PYTHON, "-c", "import paho.mqtt.client");
        } catch (IOException e) {
            fail(PYTHON + " cannot be run (" + e.getMessage() + "); install it and paho-mqtt 1.6.1 with "
                    + "`apt-get install python3-paho-mqtt`");
            return;
        }
        if (check.exitCode() != 0) {
            fail(PYTHON + " cannot import paho.mqtt.client; install paho-mqtt 1.6.1 with "
                    + "`apt-get install python3-paho-mqtt`:\n" + check.output());
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(int timeoutSeconds, String... command) throws Exception {
        Path output = ScratchSpace.file("cellhub-notebook", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(output.toFile())).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s; output:\n"
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
