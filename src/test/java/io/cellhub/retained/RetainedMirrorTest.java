package io.cellhub.retained;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.MqttTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The retained mirror in PostgreSQL follows the embedded broker's retained store exactly. */
@QuarkusTest
class RetainedMirrorTest {

    @ConfigProperty(name = EmbeddedPartsResource.BROKER_PORT)
    int brokerPort;

    @Test
    void mirrorHoldsWhatALateSubscriberGetsAndIgnoresNonRetainedPublishes() throws InterruptedException {
        try (MqttTestClient notebook = MqttTestClient.connect(brokerPort, "mirror-notebook")) {
            notebook.publish("mirror1/temperature", "2", 0, true);
            notebook.publish("mirror1/temperature", "75", 0, false);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().queryParam("filter", "mirror1/#")
                    .get("/api/retained")
                    .then().statusCode(200)
                    .body("topic", contains("mirror1/temperature"))
                    .body("[0].payload", equalTo("2"))
                    .body("[0].qos", equalTo(0)));
        }
        assertThat(lateSubscriberGets("mirror1/temperature")).isEqualTo("2");
    }

    @Test
    void updatesAndZeroLengthClearsReachTheMirror() throws InterruptedException {
        try (MqttTestClient device = MqttTestClient.connect(brokerPort, "mirror-device")) {
            device.publish("mirror2/status", "online", 1, true);
            await().untilAsserted(() -> given().queryParam("filter", "mirror2/#").get("/api/retained")
                    .then().body("[0].payload", equalTo("online")).body("[0].qos", equalTo(1)));
            device.publish("mirror2/status", "offline", 1, true);
            await().untilAsserted(() -> given().queryParam("filter", "mirror2/#").get("/api/retained")
                    .then().body("[0].payload", equalTo("offline")));
            device.publish("mirror2/status", "", 1, true);
            await().untilAsserted(() -> given().queryParam("filter", "mirror2/#").get("/api/retained")
                    .then().body("topic", empty()));
        }
        assertThat(lateSubscriberGets("mirror2/status")).isNull();
    }

    @Test
    void deleteClearsTheBrokerAndTheMirror() throws InterruptedException {
        given().contentType(ContentType.JSON)
                .body(Map.of("topic", "mirror3/cylinderOn", "payload", "True", "qos", 1, "retain", true))
                .post("/api/publish").then().statusCode(202);
        await().untilAsserted(() -> given().queryParam("filter", "mirror3/#").get("/api/retained")
                .then().body("topic", contains("mirror3/cylinderOn")));
        assertThat(lateSubscriberGets("mirror3/cylinderOn")).isEqualTo("True");

        given().delete("/api/retained/mirror3/cylinderOn").then().statusCode(204);

        await().untilAsserted(() -> given().queryParam("filter", "mirror3/#").get("/api/retained")
                .then().body("topic", empty()));
        assertThat(lateSubscriberGets("mirror3/cylinderOn")).isNull();
    }

    @Test
    void binaryRetainedPayloadsAreKeptAsBytes() {
        try (MqttTestClient device = MqttTestClient.connect(brokerPort, "mirror-binary")) {
            device.publish("mirror4/blob", io.vertx.core.buffer.Buffer.buffer(new byte[] { (byte) 0xff, 0x01 }), 1, true);
            await().untilAsserted(() -> given().queryParam("filter", "mirror4/#").get("/api/retained")
                    .then().body("[0].payload", equalTo(null)).body("[0].payloadBase64", equalTo("/wE=")));
        }
    }

    @Test
    void invalidFilterIsABadRequestProblem() {
        given().queryParam("filter", "a/#/b").get("/api/retained")
                .then().statusCode(400).contentType("application/problem+json");
    }

    private String lateSubscriberGets(String topic) throws InterruptedException {
        try (MqttTestClient late = MqttTestClient.connect(brokerPort, "mirror-late-" + System.nanoTime())) {
            late.subscribe(topic, 0);
            MqttTestClient.Received received = late.poll(Duration.ofSeconds(1));
            return received == null ? null : received.payload();
        }
    }
}
