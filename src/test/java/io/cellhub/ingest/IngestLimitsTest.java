package io.cellhub.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.MqttTestClient;
import io.cellhub.support.MqttTestClient.Outgoing;
import io.cellhub.support.NotebookExercises;
import io.cellhub.support.PrometheusText;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;

/**
 * The ingest limits through the embedded broker: what is over them is counted and dropped, and the
 * device that sent it stays connected and keeps being heard.
 */
@QuarkusTest
class IngestLimitsTest {

    @ConfigProperty(name = EmbeddedPartsResource.BROKER_PORT)
    int brokerPort;

    @ConfigProperty(name = "cellhub.ingest.max-payload-bytes")
    int maxPayloadBytes;

    @ConfigProperty(name = "cellhub.ingest.max-topic-length")
    int maxTopicLength;

    @ConfigProperty(name = "cellhub.broker.max-message-size")
    int maxMessageSize;

    @BeforeEach
    void ready() {
        NotebookExercises.awaitReady();
    }

    @Test
    void oversizedPayloadIsCountedAndDroppedAndTheSameConnectionKeepsPublishing() {
        double before = rejected("ingest-payload-too-large");
        try (MqttTestClient device = MqttTestClient.connect(brokerPort, "oversize-device")) {
            // QoS 1: the broker acknowledges it to the device, CellHub acknowledges it to the broker and drops it.
            device.publishAllAcknowledged(List.of(new Outgoing("oversize/blob", Buffer.buffer(new byte[maxPayloadBytes + 1]))), 1);
            device.publish("oversize/blob0", Buffer.buffer(new byte[maxPayloadBytes + 1]), 0, false);
            await().atMost(Duration.ofSeconds(10)).until(() -> rejected("ingest-payload-too-large") == before + 2);

            given().get("/api/topics/oversize/blob").then().statusCode(404);
            given().get("/api/topics/oversize/blob0").then().statusCode(404);
            assertThat(given().queryParam("filter", "oversize/#").get("/api/journal").jsonPath().getList("topic")).isEmpty();

            assertThat(device.isConnected()).isTrue();
            device.publish("oversize/blob", "small", 1, false);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/topics/oversize/blob")
                    .then().statusCode(200).body("payload", equalTo("small")).body("count", equalTo(1)));
        }
        assertThat(rejected("ingest-payload-too-large")).isEqualTo(before + 2);
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void payloadExactlyAtTheLimitIsIngested() {
        try (MqttTestClient device = MqttTestClient.connect(brokerPort, "limit-device")) {
            device.publish("limit/blob", Buffer.buffer("x".repeat(maxPayloadBytes)), 1, false);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/topics/limit/blob")
                    .then().statusCode(200).body("count", equalTo(1)));
        }
    }

    @Test
    void topicOverTheLengthLimitIsCountedAndDroppedAndOneAtTheLimitIsIngested() {
        double before = rejected("topic-too-long");
        String atLimit = "longtopic/" + "a".repeat(maxTopicLength - "longtopic/".length());
        String overInUtf8 = "longtopic/" + "ü".repeat((maxTopicLength - "longtopic/".length()) / 2 + 1);
        assertThat(overInUtf8.length()).as("fewer characters than the limit, more bytes").isLessThan(maxTopicLength);
        try (MqttTestClient device = MqttTestClient.connect(brokerPort, "long-topic-device")) {
            device.publish(atLimit + "b", "over", 1, false);
            device.publish(overInUtf8, "over", 1, false);
            device.publish(atLimit, "at", 1, false);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(given().queryParam("filter", "longtopic/#")
                    .get("/api/topics").jsonPath().getList("payload")).containsExactly("at"));
            assertThat(device.isConnected()).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> rejected("topic-too-long") == before + 2);
    }

    /**
     * Above {@code cellhub.broker.max-message-size} the embedded broker itself refuses the packet and
     * closes the publisher's connection, before CellHub sees the message: that is why CellHub's own
     * limit sits well below it. CellHub's ingest is not affected.
     */
    @Test
    void payloadOverTheBrokersMaxMessageSizeMakesTheEmbeddedBrokerDropThatDeviceOnly() {
        double before = rejected("ingest-payload-too-large");
        try (MqttTestClient bystander = MqttTestClient.connect(brokerPort, "bystander-device");
                MqttTestClient device = MqttTestClient.connect(brokerPort, "too-big-device")) {
            device.publish("toobig/blob", Buffer.buffer(new byte[maxMessageSize]), 0, false);
            await().atMost(Duration.ofSeconds(10)).until(() -> !device.isConnected());

            bystander.publish("toobig/after", "still here", 1, false);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/topics/toobig/after")
                    .then().statusCode(200).body("payload", equalTo("still here")));
            assertThat(bystander.isConnected()).isTrue();
        }
        given().get("/api/topics/toobig/blob").then().statusCode(404);
        assertThat(rejected("ingest-payload-too-large")).as("CellHub never saw it").isEqualTo(before);
        given().get("/q/health/ready").then().statusCode(200);
    }

    static double rejected(String reason) {
        return PrometheusText.value(given().get("/q/metrics").asString(), "cellhub_messages_rejected_total", "reason", reason);
    }
}
