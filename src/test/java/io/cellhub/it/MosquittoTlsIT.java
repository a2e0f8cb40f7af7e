package io.cellhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.cellhub.support.FreePort;
import io.cellhub.support.Mosquitto;
import io.cellhub.support.PackagedApp;
import io.cellhub.support.ScratchSpace;

/**
 * CellHub against Debian's Mosquitto on a TLS-only listener that refuses anonymous clients, with a
 * CA and server certificate this test makes with openssl. The channels, the retained scan and the
 * processors all go over TLS with a username and password, and the broker's name is verified.
 */
class MosquittoTlsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void cellHubTalksToMosquittoOverTlsWithUsernameAndPassword() throws Exception {
        Path dir = ScratchSpace.directory("cellhub-tls");
        makeCertificates(dir);
        run(dir, "mosquitto_passwd", "-b", "-c", dir.resolve("passwd").toString(), "cellhub", "cellhub-secret");
        run(dir, "mosquitto_passwd", "-b", dir.resolve("passwd").toString(), "device", "device-secret");
        int port = FreePort.find();
        try (Mosquitto broker = new Mosquitto(port, List.of(
                "listener " + port + " 127.0.0.1",
                // Run as the test's user (as root Mosquitto would switch to 'mosquitto', who cannot read the temp dir).
                "user " + System.getProperty("user.name"),
                "cafile " + dir.resolve("ca.crt"),
                "certfile " + dir.resolve("server.crt"),
                "keyfile " + dir.resolve("server.key"),
                "allow_anonymous false",
                "password_file " + dir.resolve("passwd"))).start()) {
            Map<String, String> env = new HashMap<>(PackagedApp.externalBrokerEnv(port, dir.resolve("data")));
            env.put("CELLHUB_MQTT_SSL_ENABLED", "true");
            env.put("CELLHUB_MQTT_SSL_TRUSTSTORE_TYPE", "pem");
            env.put("CELLHUB_MQTT_SSL_TRUSTSTORE_LOCATION", dir.resolve("ca.crt").toString());
            env.put("CELLHUB_MQTT_SSL_HOSTNAME_VERIFICATION_ALGORITHM", "HTTPS");
            env.put("CELLHUB_MQTT_USERNAME", "cellhub");
            env.put("CELLHUB_MQTT_PASSWORD", "cellhub-secret");

            // Readiness needs both channels connected and the retained scan done: all three over TLS.
            try (PackagedApp app = new PackagedApp(FreePort.find(), env).start()) {
                assertThat(JSON.readTree(app.get("/api/status")).get("broker").asText()).startsWith("mqtts://");
                publish(dir, port, "tlscell/temperature1", "20");
                publish(dir, port, "tlscell/temperature2", "30");
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                        .until(() -> JSON.readTree(app.get("/api/topics/tlscell/avgtemperature")).get("payload").asText(),
                                "25"::equals);

                Process subscriber = mosquittoClient(dir, port, "mosquitto_sub", "-t", "tlscell/cmd", "-C", "1", "-W", "20");
                Thread.sleep(500);
                assertThat(app.post("/api/publish", "{\"topic\": \"tlscell/cmd\", \"payload\": \"start\", \"qos\": 1}")
                        .statusCode()).isEqualTo(202);
                assertThat(subscriber.waitFor(25, TimeUnit.SECONDS)).isTrue();
                assertThat(new String(subscriber.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
                        .isEqualTo("start");
            }
        }
    }

    private static void publish(Path dir, int port, String topic, String payload) throws Exception {
        Process pub = mosquittoClient(dir, port, "mosquitto_pub", "-t", topic, "-m", payload, "-q", "1", "-r");
        assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pub.exitValue()).as(new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }

    private static Process mosquittoClient(Path dir, int port, String command, String... args) throws IOException {
        List<String> line = new ArrayList<>(List.of(command, "-h", "127.0.0.1", "-p", String.valueOf(port),
                "--cafile", dir.resolve("ca.crt").toString(), "-u", "device", "-P", "device-secret"));
        line.addAll(List.of(args));
        return new ProcessBuilder(line).redirectErrorStream(true).start();
    }

    /** A CA, and a server certificate it signs for 127.0.0.1 and localhost. */
    private static void makeCertificates(Path dir) throws Exception {
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=CellHub test CA",
                "-keyout", "ca.key", "-out", "ca.crt");
        run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
                "-out", "server.csr");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", "san.ext", "-out", "server.crt");
    }

    private static void run(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
