package io.cellhub.web;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.util.Base64;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.MqttTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;

/** Devices publish to the embedded broker; /api/topics shows what CellHub ingested. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPartsResource.class)
class TopicApiTest {

    @ConfigProperty(name = EmbeddedPartsResource.BROKER_PORT)
    int brokerPort;

    MqttTestClient device;

    @BeforeEach
    void connect() {
        device = MqttTestClient.connect(brokerPort, "device-topic-api");
    }

    @AfterEach
    void disconnect() {
        device.close();
    }

    @Test
    void retainedQos1NumberShowsWithItsQosAndNumber() {
        device.publish("robotcell7/temperature1", "21.5", 1, true);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().queryParam("filter", "robotcell7/#")
                .when().get("/api/topics")
                .then().statusCode(200)
                .body("topic", contains("robotcell7/temperature1"))
                .body("[0].payload", equalTo("21.5"))
                .body("[0].payloadBase64", nullValue())
                .body("[0].number", equalTo(21.5f))
                .body("[0].qos", equalTo(1))
                .body("[0].count", equalTo(1)));
    }

    @Test
    void notebookJsonWithOneNumericFieldReadsAsThatNumber() {
        device.publish("cellj/temperature", "{\"temperatur\": 3, \"type\": \"robot front\"}", 0, false);

        await().untilAsserted(() -> given().get("/api/topics/cellj/temperature")
                .then().statusCode(200)
                .body("number", equalTo(3.0f))
                .body("qos", equalTo(0)));
    }

    @Test
    void binaryPayloadIsShownAsBase64Only() {
        byte[] bytes = { (byte) 0xff, 0x00, (byte) 0xc3, 0x28 };
        device.publish("cellb/blob", Buffer.buffer(bytes), 1, false);

        await().untilAsserted(() -> given().get("/api/topics/cellb/blob")
                .then().statusCode(200)
                .body("payload", nullValue())
                .body("payloadBase64", equalTo(Base64.getEncoder().encodeToString(bytes)))
                .body("number", nullValue()));
    }

    @Test
    void topicDetailKeepsHistoryOldestFirstAndAcceptsAnEncodedTopic() {
        for (int i = 1; i <= 3; i++) {
            device.publish("cellh/temperature1", String.valueOf(i), 1, false);
        }

        await().untilAsserted(() -> given().urlEncodingEnabled(false).get("/api/topics/cellh%2Ftemperature1")
                .then().statusCode(200)
                .body("topic", equalTo("cellh/temperature1"))
                .body("count", equalTo(3))
                .body("history.payload", contains("1", "2", "3"))
                .body("history.number", contains(1.0f, 2.0f, 3.0f)));
    }

    @Test
    void wildcardFiltersFollowMqttRulesIncludingEmptyLevels() {
        device.publish("cellw/a/x", "1", 1, false);
        device.publish("cellw//x", "2", 1, false);
        device.publish("cellw", "3", 1, false);
        device.publish("cellw/a/b/c", "4", 1, false);

        await().untilAsserted(() -> given().queryParam("filter", "cellw/#").get("/api/topics")
                .then().body("topic", contains("cellw", "cellw//x", "cellw/a/b/c", "cellw/a/x")));
        given().queryParam("filter", "cellw/+/x").get("/api/topics")
                .then().body("topic", contains("cellw//x", "cellw/a/x"));
        given().queryParam("filter", "cellw/+").get("/api/topics")
                .then().body("topic", hasSize(0));
        given().queryParam("filter", "+").get("/api/topics")
                .then().body("topic", contains("cellw"));
    }

    @Test
    void unknownTopicIsANotFoundProblem() {
        given().get("/api/topics/no/such/topic")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("detail", containsString("no/such/topic"));
    }

    @Test
    void invalidFilterIsABadRequestProblem() {
        given().queryParam("filter", "a/#/b").get("/api/topics")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("'#' may only be the last level"));
    }
}
