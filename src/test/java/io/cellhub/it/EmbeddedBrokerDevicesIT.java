package io.cellhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.cellhub.support.FreePort;
import io.cellhub.support.PackagedApp;
import io.cellhub.support.ScratchSpace;

/**
 * The packaged CellHub on its embedded defaults (the simulated fleet included), with the devices
 * fleets run: {@code mosquitto_pub} in a loop, and paho-mqtt 1.6.1 clients that connect, publish one
 * message and disconnect, at QoS 0 and 1, and MQTT 5 clients with user properties in a shared
 * subscription. Every message reaches a {@code mosquitto_sub -t '#'} and CellHub's live state.
 */
class EmbeddedBrokerDevicesIT {

    private static final String PYTHON = "/usr/bin/python3";
    private static final Path SCRIPT = Path.of("src/test/python/device_clients.py");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static int brokerPort;
    private static PackagedApp app;
    private static Process watcher;
    private static Path watched;

    @BeforeAll
    static void start() throws IOException {
        brokerPort = FreePort.find();
        app = new PackagedApp(FreePort.find(), Map.of(
                "CELLHUB_BROKER_PORT", String.valueOf(brokerPort),
                "CELLHUB_DATA_DIR", ScratchSpace.directory("cellhub-devices").toString())).start();
        watched = ScratchSpace.file("cellhub-mosquitto-sub", ".out");
        watcher = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(brokerPort), "-v", "-t", "#")
                .redirectErrorStream(true).redirectOutput(watched.toFile()).start();
    }

    @AfterAll
    static void stop() {
        if (watcher != null) {
            watcher.destroy();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aThousandMosquittoPubCallsAllArrive() throws Exception {
        String topic = "devices/mosquitto_pub";
        for (int i = 0; i < 1_000; i++) {
            Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(brokerPort), "-t", topic,
                    "-m", String.valueOf(i)).redirectErrorStream(true).start();
            assertThat(pub.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(pub.exitValue()).as("mosquitto_pub exit code, call %d: %s", i,
                    new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        }
        assertEveryMessageArrived(topic, 1_000);
    }

    @Test
    void fiveHundredShortLivedPahoClientsAtQos0AllArrive() throws Exception {
        shortLivedClients(0);
    }

    @Test
    void fiveHundredShortLivedPahoClientsAtQos1AllArrive() throws Exception {
        shortLivedClients(1);
    }

    private void shortLivedClients(int qos) throws Exception {
        String topic = "devices/paho-q" + qos;
        String output = python("short-lived", "127.0.0.1", String.valueOf(brokerPort), String.valueOf(qos), "500", topic);
        assertThat(output).contains("published 500");
        assertEveryMessageArrived(topic, 500);
    }

    /** MQTT 5 with a user property; a '$share/g/...' group of two splits the messages with none twice. */
    @Test
    void mqtt5ClientsShareASubscriptionAndKeepUserProperties() throws Exception {
        String output = python("mqtt5", "127.0.0.1", String.valueOf(brokerPort), "devices/share", "100");
        List<String> members = output.lines().filter(line -> line.startsWith("member ")).toList();
        assertThat(members).as(output).hasSize(2);
        List<Set<String>> shares = members.stream().map(line -> line.substring(line.indexOf(':') + 1).strip())
                .map(list -> list.isEmpty() ? Set.<String>of() : Set.copyOf(Arrays.asList(list.split(",")))).toList();
        int deliveries = members.stream().mapToInt(line -> {
            String list = line.substring(line.indexOf(':') + 1).strip();
            return list.isEmpty() ? 0 : list.split(",").length;
        }).sum();
        Set<String> union = new HashSet<>(shares.get(0));
        union.addAll(shares.get(1));
        assertThat(deliveries).as("deliveries to the group, duplicates included: " + output).isEqualTo(100);
        assertThat(union).as("messages the group received").isEqualTo(
                IntStream.range(0, 100).mapToObj(String::valueOf).collect(Collectors.toSet()));
        assertThat(shares).as("each member's share").allSatisfy(share -> assertThat(share).isNotEmpty());
        assertThat(output).contains("user-property OK");
    }

    /** mosquitto_pub over MQTT 5 with a user property and a content type: CellHub's API shows both. */
    @Test
    void mqtt5PropertiesOfMosquittoPubShowInTheTopicApi() throws Exception {
        Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(brokerPort), "-V", "mqttv5",
                "-q", "1", "-t", "devices/v5props", "-m", "21.5", "-D", "publish", "user-property", "line", "7", "-D", "publish",
                "content-type", "text/plain").redirectErrorStream(true).start();
        assertThat(pub.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(pub.exitValue()).as(new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var topic = JSON.readTree(app.get("/api/topics/devices/v5props"));
            assertThat(topic.get("contentType").asText()).isEqualTo("text/plain");
            assertThat(topic.get("userProperties").get("line").get(0).asText()).isEqualTo("7");
        });
    }

    private static void assertEveryMessageArrived(String topic, int count) throws IOException {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(watchedPayloads(topic)).hasSize(count));
        assertThat(watchedPayloads(topic)).as("payloads mosquitto_sub saw on " + topic)
                .isEqualTo(IntStream.range(0, count).mapToObj(String::valueOf).collect(Collectors.toSet()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                JSON.readTree(app.get("/api/topics/" + topic)).get("count").asLong()).as("CellHub's count for " + topic)
                .isEqualTo(count));
    }

    private static Set<String> watchedPayloads(String topic) throws IOException {
        return Files.readAllLines(watched, StandardCharsets.UTF_8).stream().filter(line -> line.startsWith(topic + " "))
                .map(line -> line.substring(topic.length() + 1)).collect(Collectors.toSet());
    }

    private static String python(String... args) throws Exception {
        Path output = ScratchSpace.file("cellhub-devices", ".out");
        String[] command = new String[args.length + 2];
        command[0] = PYTHON;
        command[1] = SCRIPT.toAbsolutePath().toString();
        System.arraycopy(args, 0, command, 2, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(printed).isZero();
        return printed;
    }
}
