package io.cellhub.interop;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.cellhub.support.MqttTestClient;
import io.cellhub.support.NotebookExercises;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** The same ingest and publish paths against Debian's Mosquitto, including a broker outage. */
@QuarkusTest
@TestProfile(ExternalMosquittoProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MosquittoInteropTest {

    @Test
    @Order(0)
    void retainedMessagesHeldBeforeStartShowAsRetainedWithTheirQos() {
        NotebookExercises.awaitReady();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/topics/robotcell7/temperature2")
                .then().statusCode(200)
                .body("number", equalTo(26.0f))
                .body("retained", equalTo(true))
                .body("qos", equalTo(1)));
    }

    @Test
    @Order(1)
    void ingestsFromMosquittoWithQosAndNumber() {
        given().get("/api/status").then().body("embeddedBroker", equalTo(false));
        try (MqttTestClient device = MqttTestClient.connect(port(), "mosq-device")) {
            device.publish("robotcell9/temperature1", "21.5", 1, true);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().queryParam("filter", "robotcell9/#")
                    .get("/api/topics")
                    .then().body("topic", contains("robotcell9/temperature1"))
                    .body("[0].number", equalTo(21.5f))
                    .body("[0].qos", equalTo(1)));
        }
    }

    @Test
    @Order(2)
    void publishReachesMosquittoSubscribersAndRetainedReachesLateOnesAtQos1() {
        try (MqttTestClient subscriber = MqttTestClient.connect(port(), "mosq-sub")) {
            subscriber.subscribe("cellm/#", 1);
            given().contentType(ContentType.JSON)
                    .body(Map.of("topic", "cellm/cylinderOn", "payload", "False", "qos", 1, "retain", true))
                    .post("/api/publish").then().statusCode(202);
            MqttTestClient.Received live = subscriber.next("cellm/cylinderOn");
            assertThat(live.qos()).isEqualTo(1);
            assertThat(live.retained()).isFalse();
        }
        try (MqttTestClient late = MqttTestClient.connect(port(), "mosq-late")) {
            late.subscribe("cellm/cylinderOn", 1);
            MqttTestClient.Received retained = late.next("cellm/cylinderOn");
            assertThat(retained.payload()).isEqualTo("False");
            assertThat(retained.retained()).isTrue();
            assertThat(retained.qos()).isEqualTo(1);
        }
    }

    @Test
    @Order(2)
    void averageExerciseWorksAgainstMosquitto() {
        NotebookExercises.average(port(), "mosqcell");
    }

    @Test
    @Order(2)
    void cylinderExerciseWorksAgainstMosquitto() {
        NotebookExercises.cylinders(port());
    }

    @Test
    @Order(2)
    void cellsAnnouncingThemselvesOnStatusTopicsAreDeviceSessions() {
        try (MqttTestClient cell = MqttTestClient.connect(port(), "mosq-status-cell")) {
            cell.publish("statuscell/status", "online", 1, true);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/sessions")
                    .then().body("find { it.id == 'statuscell' }.online", equalTo(true))
                    .body("find { it.id == 'statuscell' }.source", equalTo("status-topic")));
            cell.publish("statuscell/status", "offline", 1, true);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/sessions")
                    .then().body("find { it.id == 'statuscell' }.online", equalTo(false)));
        }
    }

    @Test
    @Order(3)
    void brokerOutageMakesCellHubUnreadyButAliveAndItRecovers() {
        ExternalMosquittoProfile.mosquitto.stop();
        try {
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503));
            given().get("/q/health/live").then().statusCode(200);
            given().contentType(ContentType.JSON).body(Map.of("topic", "cellm/x", "payload", "1", "qos", 1))
                    .post("/api/publish").then().statusCode(503).contentType("application/problem+json");
        } finally {
            ExternalMosquittoProfile.mosquitto.start();
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));

        // Mosquitto ran without persistence, so the session is gone: the connector must subscribe again.
        try (MqttTestClient device = MqttTestClient.connect(port(), "mosq-device-after")) {
            device.publish("cellafter/temperature1", "7", 1, false);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/topics/cellafter/temperature1")
                    .then().statusCode(200).body("number", equalTo(7.0f)));
        }
    }

    @Test
    @Order(4)
    void restoreRepublishesTheMirrorToAMosquittoThatLostItsRetainedStore() {
        try (MqttTestClient device = MqttTestClient.connect(port(), "mosq-retainer")) {
            device.publish("cellrestore/temperature1", "19.5", 1, true);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().queryParam("filter", "cellrestore/#")
                .get("/api/retained")
                .then().body("topic", contains("cellrestore/temperature1")).body("[0].payload", equalTo("19.5")));

        ExternalMosquittoProfile.mosquitto.stop();
        ExternalMosquittoProfile.mosquitto.start();
        NotebookExercises.awaitReady();
        try (MqttTestClient probe = MqttTestClient.connect(port(), "mosq-restore-probe-1")) {
            probe.subscribe("cellrestore/#", 1);
            assertThat(probe.poll(Duration.ofMillis(500))).as("Mosquitto without persistence lost it").isNull();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }

        given().queryParam("filter", "cellrestore/#").post("/api/retained/restore")
                .then().statusCode(200).body("restored", equalTo(1));
        try (MqttTestClient late = MqttTestClient.connect(port(), "mosq-restore-probe-2")) {
            late.subscribe("cellrestore/#", 1);
            MqttTestClient.Received restored = late.next("cellrestore/temperature1");
            assertThat(restored.payload()).isEqualTo("19.5");
            assertThat(restored.retained()).isTrue();
        }
    }

    private static int port() {
        return ExternalMosquittoProfile.mosquitto.port();
    }
}
