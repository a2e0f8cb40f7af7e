package io.cellhub.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.MqttTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** POST /api/publish goes out through the outgoing channel to real subscribers, and refuses bad input clearly. */
@QuarkusTest
class PublishApiTest {

    @ConfigProperty(name = EmbeddedPartsResource.BROKER_PORT)
    int brokerPort;

    @Test
    void publishedMessageReachesASubscriberWithItsQos() {
        try (MqttTestClient subscriber = MqttTestClient.connect(brokerPort, "sub-publish-qos")) {
            subscriber.subscribe("cellp/#", 2);

            publish(Map.of("topic", "cellp/cylinderOn", "payload", "True", "qos", 2, "retain", false))
                    .then().statusCode(202)
                    .body("topic", equalTo("cellp/cylinderOn"))
                    .body("qos", equalTo(2))
                    .body("bytes", equalTo(4));

            MqttTestClient.Received received = subscriber.next("cellp/cylinderOn");
            assertThat(received.payload()).isEqualTo("True");
            assertThat(received.qos()).isEqualTo(2);
            // MQTT 3.1.1: forwards to an existing subscription carry RETAIN = 0
            assertThat(received.retained()).isFalse();
        }
    }

    @Test
    void retainedPublishReachesALateSubscriberMarkedRetained() {
        publish(Map.of("topic", "cellr/status", "payload", "online", "qos", 1, "retain", true))
                .then().statusCode(202);

        try (MqttTestClient late = MqttTestClient.connect(brokerPort, "late-subscriber")) {
            late.subscribe("cellr/status", 1);
            MqttTestClient.Received received = late.next("cellr/status");
            assertThat(received.payload()).isEqualTo("online");
            assertThat(received.retained()).isTrue();
        }
    }

    @Test
    void binaryPayloadIsPublishedFromBase64() {
        try (MqttTestClient subscriber = MqttTestClient.connect(brokerPort, "sub-publish-binary")) {
            subscriber.subscribe("cellp/raw", 1);
            publish(Map.of("topic", "cellp/raw", "payloadBase64", "aGVsbG8=", "qos", 1)).then().statusCode(202);
            assertThat(subscriber.next("cellp/raw").payload()).isEqualTo("hello");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "a/#", "+", "robotcell1/+/temperature", "", "$SYS/broker/uptime" })
    void invalidTopicIsABadRequestProblem(String topic) {
        publish(Map.of("topic", topic, "payload", "1"))
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("detail", containsString("topic"));
        assertStillReady();
    }

    @Test
    void overlongTopicIsABadRequestProblem() {
        publish(Map.of("topic", "a".repeat(65_536), "payload", "1"))
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("65535"));
    }

    @ParameterizedTest
    @ValueSource(ints = { -1, 3 })
    void qosOutsideZeroToTwoIsABadRequestProblem(int qos) {
        publish(Map.of("topic", "cellp/q", "payload", "1", "qos", qos))
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("qos must be 0, 1 or 2"));
    }

    @Test
    void payloadOverTheLimitIsAPayloadTooLargeProblem() {
        publish(Map.of("topic", "cellp/big", "payload", "x".repeat(262_145)))
                .then().statusCode(413)
                .contentType("application/problem+json")
                .body("detail", containsString("cellhub.publish.max-payload-bytes"));
        assertStillReady();
    }

    @Test
    void malformedJsonIsABadRequestProblem() {
        given().contentType(ContentType.JSON).body("{\"topic\": ").post("/api/publish")
                .then().statusCode(400)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"topic\": \"a\", \"qos\": \"high\"}").post("/api/publish")
                .then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void textAndBase64TogetherIsABadRequestProblem() {
        publish(Map.of("topic", "cellp/both", "payload", "a", "payloadBase64", "YQ=="))
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("not both"));
    }

    @Test
    void rejectionsAreCountedByReason() {
        publish(Map.of("topic", "a/#", "payload", "1")).then().statusCode(400);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).containsPattern("cellhub_messages_rejected_total\\{reason=\"invalid-topic\"[^}]*} [1-9]");
        assertThat(metrics).contains("cellhub_messages_received_total");
        assertThat(metrics).contains("cellhub_messages_published_total");
    }

    private static io.restassured.response.Response publish(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/publish");
    }

    private static void assertStillReady() {
        given().get("/q/health/ready").then().statusCode(200);
    }
}
