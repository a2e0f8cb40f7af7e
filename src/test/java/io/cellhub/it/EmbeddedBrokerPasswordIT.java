package io.cellhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.cellhub.support.FreePort;
import io.cellhub.support.PackagedApp;
import io.cellhub.support.ScratchSpace;

/** The embedded broker exposed with a password file: devices need credentials, and CellHub's own channels log in too. */
class EmbeddedBrokerPasswordIT {

    @Test
    void embeddedBrokerWithAPasswordFileRefusesAnonymousDevices() throws Exception {
        Path dir = ScratchSpace.directory("cellhub-broker-users");
        Files.write(dir.resolve("users"), List.of("cellhub:" + sha256("cellhub-secret"), "device:" + sha256("device-secret")));
        int brokerPort = FreePort.find();
        Map<String, String> env = Map.of(
                "CELLHUB_BROKER_PORT", String.valueOf(brokerPort),
                "CELLHUB_DATA_DIR", dir.resolve("data").toString(),
                "CELLHUB_FLEET_ENABLED", "false",
                "CELLHUB_BROKER_ALLOW_ANONYMOUS", "false",
                "CELLHUB_BROKER_PASSWORD_FILE", dir.resolve("users").toString(),
                // The names CellHub read before cellhub.mqtt.*: still accepted, with a warning.
                "MP_MESSAGING_CONNECTOR_SMALLRYE_MQTT_USERNAME", "cellhub",
                "MP_MESSAGING_CONNECTOR_SMALLRYE_MQTT_PASSWORD", "cellhub-secret");

        // Ready means both channels and the retained scan logged in.
        try (PackagedApp app = new PackagedApp(FreePort.find(), env).start()) {
            assertThat(publish(brokerPort, "anonymous/t", "x")).as("anonymous publish exit code").isNotZero();
            assertThat(publish(brokerPort, "device/t", "x", "-u", "device", "-P", "wrong")).as("wrong password").isNotZero();
            assertThat(publish(brokerPort, "secured/t", "42", "-u", "device", "-P", "device-secret")).isZero();
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> app.get("/api/topics/secured/t").contains("\"payload\":\"42\""));
            assertThat(app.request("/api/topics/anonymous/t").statusCode()).isEqualTo(404);
            assertThat(java.nio.file.Files.readString(app.log())).contains("mp.messaging.connector.smallrye-mqtt.password, "
                    + "mp.messaging.connector.smallrye-mqtt.username are the SmallRye MQTT connector's keys");
        }
    }

    private static int publish(int port, String topic, String payload, String... credentials) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p",
                String.valueOf(port), "-q", "1", "-t", topic, "-m", payload));
        command.addAll(List.of(credentials));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    private static String sha256(String password) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
    }
}
