package io.cellhub.journal;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.MqttTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;

/** The journal in PostgreSQL, fed through the embedded broker. */
@QuarkusTest
class JournalApiTest {

    @ConfigProperty(name = EmbeddedPartsResource.BROKER_PORT)
    int brokerPort;

    @Test
    void fiftyQos1MessagesFromMosquittoPubAppearInOrder() throws Exception {
        Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(brokerPort), "-q", "1",
                "-t", "journal50/counter", "-l").redirectErrorStream(true).start();
        try (OutputStream lines = pub.getOutputStream()) {
            lines.write(IntStream.rangeClosed(1, 50).mapToObj(String::valueOf).collect(Collectors.joining("\n", "", "\n"))
                    .getBytes(StandardCharsets.UTF_8));
        }
        assertThat(pub.waitFor(20, TimeUnit.SECONDS)).as("mosquitto_pub finished").isTrue();
        assertThat(pub.exitValue()).as(new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(payloads("journal50/counter")).hasSize(50));
        assertThat(payloads("journal50/counter"))
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 50).mapToObj(String::valueOf).toList());
    }

    @Test
    void filterLimitAndTimeRangeNarrowTheAnswer() {
        try (MqttTestClient device = MqttTestClient.connect(brokerPort, "journal-device")) {
            // Each QoS 1 PUBACK is awaited, so the broker has taken the QoS 0 message before it too.
            for (int i = 1; i <= 5; i++) {
                device.publish("journalf/b", "b" + i, 0, false);
                device.publishAcknowledged("journalf/a", "a" + i);
            }
        }
        await().untilAsserted(() -> assertThat(given().queryParam("filter", "journalf/+").queryParam("limit", 100)
                .get("/api/journal").jsonPath().getList("topic")).hasSize(10));

        List<String> newestTwoOfA = given().queryParam("filter", "journalf/a").queryParam("limit", 2).get("/api/journal")
                .jsonPath().getList("payload");
        assertThat(newestTwoOfA).containsExactly("a4", "a5");
        assertThat(given().queryParam("topic", "journalf/b").queryParam("to", "2000-01-01T00:00:00Z").get("/api/journal")
                .jsonPath().getList("payload")).isEmpty();
    }

    /** Rows are written with PostgreSQL's binary COPY: each column must come back as it went in. */
    @Test
    void everyColumnComesBackAsItWasReceived() {
        Instant before = Instant.now();
        try (MqttTestClient device = MqttTestClient.connect(brokerPort, "journal-columns")) {
            // A QoS 0 message may overtake a QoS 1 message not yet acknowledged (MQTT orders per QoS).
            device.publishAcknowledged("journalcol/température/1", Buffer.buffer(new byte[] { 0, (byte) 0xFF, 1 }));
            device.publish("journalcol/température/1", "21,5 °C", 0, false);
        }
        await().untilAsserted(() -> assertThat(entries("journalcol/température/1")).hasSize(2));
        Instant after = Instant.now();
        List<Map<String, Object>> entries = entries("journalcol/température/1");
        assertThat(entries.get(0)).containsEntry("payloadBase64", "AP8B").containsEntry("qos", 1)
                .containsEntry("retained", false);
        assertThat(entries.get(1)).containsEntry("payload", "21,5 °C").containsEntry("qos", 0);
        for (Map<String, Object> entry : entries) {
            // PostgreSQL keeps microseconds
            assertThat(Instant.parse((String) entry.get("receivedAt"))).isBetween(before.minusMillis(1), after);
        }
    }

    @Test
    void badParametersAreProblems() {
        given().queryParam("limit", 0).get("/api/journal").then().statusCode(400).contentType("application/problem+json");
        given().queryParam("from", "yesterday").get("/api/journal").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("ISO-8601"));
    }

    private static List<Map<String, Object>> entries(String topic) {
        return given().queryParam("topic", topic).get("/api/journal").jsonPath().getList("$");
    }

    private static List<String> payloads(String topic) {
        return given().queryParam("topic", topic).queryParam("limit", 1000).get("/api/journal").jsonPath().getList("payload");
    }
}
