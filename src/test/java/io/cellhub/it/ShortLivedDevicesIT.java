package io.cellhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.cellhub.support.FreePort;
import io.cellhub.support.PackagedApp;
import io.cellhub.support.ScratchSpace;

/**
 * The benchmark's short-lived devices against the packaged CellHub on its embedded broker, with the
 * benchmark's settings (QoS 0 in and out, journal and simulated fleet off): {@code bench/c/loadgen.c}
 * makes each of 100 cells a device that connects, publishes its two temperatures, disconnects and
 * connects again at once with its own client id, 10,000 connections per round, three rounds. Each of
 * CellHub's 19,900 averages per round arrives once, and none of another pair of inputs: a device's
 * messages reach CellHub in the order it sent them.
 * <p>
 * When the embedded broker let a device's next connection go as soon as routing its last message had
 * returned, not once the session's storage context had put it in the queues
 * ({@code broker.ReconnectHandover}), the rounds after the first missed 10 to 54 averages and got half as
 * many twice (an old connection's last temperature came after the new connection's first).
 */
class ShortLivedDevicesIT {

    @Test
    void aHundredDevicesReconnectingAtFullSpeedGetEveryAverageOnce() throws Exception {
        Path loadgen = ScratchSpace.directory("cellhub-loadgen").resolve("loadgen");
        run(List.of("gcc", "-O2", "-o", loadgen.toString(), Path.of("bench/c/loadgen.c").toAbsolutePath().toString(),
                "-lmosquitto", "-lpthread"));
        int brokerPort = FreePort.find();
        try (PackagedApp app = new PackagedApp(FreePort.find(), Map.ofEntries(
                Map.entry("CELLHUB_BROKER_PORT", String.valueOf(brokerPort)),
                Map.entry("CELLHUB_DATA_DIR", ScratchSpace.directory("cellhub-short-lived").toString()),
                Map.entry("CELLHUB_FLEET_ENABLED", "false"),
                Map.entry("CELLHUB_JOURNAL_ENABLED", "false"),
                Map.entry("MP_MESSAGING_INCOMING_MQTT_IN_QOS", "0"),
                Map.entry("MP_MESSAGING_OUTGOING_MQTT_OUT_QOS", "0"),
                Map.entry("CELLHUB_RULES_AVERAGE_TEMPERATURE_QOS", "0"),
                Map.entry("CELLHUB_RULES_AVERAGE_TEMPERATURE_RETAIN", "false"))).start()) {
            for (int round = 0; round < 3; round++) {
                String printed = run(List.of(loadgen.toString(), "--port", String.valueOf(brokerPort), "--scenario", "average",
                        "--qos", "0", "--n", "20000", "--devices", "100", "--per-connection", "2",
                        "--base", String.valueOf(800_000 + round * 1_000), "--quiet", "5", "--timeout", "90"));
                String result = printed.lines().filter(line -> line.startsWith("RESULT ")).findFirst().orElseThrow(
                        () -> new AssertionError("no RESULT line from loadgen: " + printed));
                assertThat(result).as("round %d", round).contains(" expected=19900 ", " lost=0 ", " dup=0 ", " stray=0 ",
                        " ending=complete ", " device_failures=0");
            }
        }
    }

    private static String run(List<String> command) throws Exception {
        Path output = ScratchSpace.file("cellhub-loadgen", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(printed).isZero();
        return printed;
    }
}
