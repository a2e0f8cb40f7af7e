package io.cellhub.interop;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.cellhub.support.DeviceClient;
import io.cellhub.support.MqttTestClient;
import io.cellhub.support.NotebookExercises;
import io.cellhub.support.PrometheusText;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** The same ingest and publish paths against Debian's Mosquitto, including a broker outage. */
@QuarkusTest
@TestProfile(ExternalMosquittoProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class MosquittoInteropTest {

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

    /**
     * Debian's Mosquitto with its stock limits (no message_size_limit) forwards a device's 2 MiB payloads;
     * CellHub counts them as rejected, acknowledges them and goes on: no device can stall its ingest.
     */
    @Test
    @Order(2)
    void twoMegabytePayloadsAreCountedAndDroppedAndIngestGoesOn() {
        double rejectedBefore = rejected();
        String big = "x".repeat(2 * 1024 * 1024);
        try (MqttTestClient device = MqttTestClient.connect(port(), "mosq-big-device")) {
            device.publishAcknowledged("cellbig/small", "1");
            device.publishAcknowledged("cellbig/huge", big);
            device.publishAcknowledged("cellbig/small", "2");
            device.publish("cellbig/huge0", big, 0, false);
            device.publishAcknowledged("cellbig/small", "3");
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().get("/api/topics/cellbig/small").then()
                .statusCode(200).body("payload", equalTo("3")).body("count", equalTo(3)));
        given().get("/api/topics/cellbig/huge").then().statusCode(404);
        given().get("/api/topics/cellbig/huge0").then().statusCode(404);
        assertThat(rejected() - rejectedBefore).as("oversized payloads counted").isEqualTo(2);
        given().get("/q/health/ready").then().statusCode(200);
    }

    /**
     * A full-speed QoS 0 burst that outruns CellHub's output (a publish backlog of 64 here): CellHub
     * stops reading from Mosquitto while its output catches up, and every average it computes
     * reaches the broker, none dropped (issue 18).
     */
    @Test
    @Order(3)
    void aQos0BurstFasterThanTheOutputIsHeldBackAndNoAverageIsDropped() throws Exception {
        int cells = 50;
        int rounds = 200;
        double holdsBefore = holds();
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (MqttTestClient sink = MqttTestClient.connect(port(), "mosq-burst-sink");
                MqttTestClient device = MqttTestClient.connect(port(), "mosq-burst-device")) {
            sink.subscribe("+/avgtemperature", 1);
            io.vertx.core.Future<Integer> last = null;
            for (int round = 0; round < rounds; round++) {
                for (int cell = 0; cell < cells; cell++) {
                    // each input a distinct value, so each average is distinct: 2 * round + 0.5 for round > 0
                    last = device.publishAsync("burstcell" + cell + "/temperature1", String.valueOf(2 * round), 0);
                    last = device.publishAsync("burstcell" + cell + "/temperature2", String.valueOf(2 * round + 1), 0);
                }
            }
            MqttTestClient.awaitWritten(last);
            int expected = cells * (2 * rounds - 1);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen.size() < expected && System.nanoTime() < deadline) {
                MqttTestClient.Received received = sink.poll(Duration.ofSeconds(5));
                if (received == null) {
                    break;
                }
                if (received.topic().startsWith("burstcell") && received.topic().endsWith("/avgtemperature")) {
                    seen.add(received.topic() + " " + received.payload());
                }
            }
            assertThat(seen).as("distinct averages that reached Mosquitto").hasSize(expected);
        }
        assertThat(holds() - holdsBefore).as("times ingest was held").isPositive();
        assertThat(given().get("/q/metrics").asString()).doesNotContain("SRMSG00034");
    }

    /**
     * Over MQTT 5 live deliveries keep the publisher's RETAIN flag (Retain As Published): a retained
     * publish, and the zero-length one that clears it, reach the mirror at once, without a rescan.
     */
    @Test
    @Order(2)
    void aLiveRetainedPublishAndItsClearReachTheMirrorWithoutARescan() {
        Assumptions.assumeTrue(mqtt5(), "MQTT 3.1.1 learns retained messages by rescanning");
        given().get("/api/status").then().body("mqttVersion", equalTo("5"));
        double scansBefore = scans();
        try (MqttTestClient device = MqttTestClient.connect(port(), "mosq-live-retainer")) {
            device.publishAcknowledged("celllive/status", "up");
            device.publish("celllive/status", "up", 1, true);
            await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> given().queryParam("filter", "celllive/#")
                    .get("/api/retained").then().body("topic", contains("celllive/status")));
            device.publish("celllive/status", "", 1, true);
            await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> given().queryParam("filter", "celllive/#")
                    .get("/api/retained").then().body("size()", equalTo(0)));
        }
        assertThat(scans()).as("retained scans meanwhile").isEqualTo(scansBefore);
    }

    /** MQTT 5 properties travel from a device through CellHub's API and journal, and from the API to a device. */
    @Test
    @Order(2)
    void userPropertiesAndContentTypeRoundTrip() {
        Assumptions.assumeTrue(mqtt5(), "MQTT 3.1.1 has no properties");
        try (DeviceClient device = DeviceClient.v5(port(), "mosq-v5-device");
                DeviceClient listener = DeviceClient.v5(port(), "mosq-v5-listener").subscribe("cellprops/out", 1)) {
            device.publish("cellprops/in", "21.5", 1, Map.of("line", "7"), "text/plain");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/topics/cellprops/in").then()
                    .statusCode(200).body("contentType", equalTo("text/plain"))
                    .body("userProperties.line", contains("7"))
                    .body("history[-1].userProperties.line", contains("7")));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().queryParam("topic", "cellprops/in")
                    .get("/api/journal").then().body("[0].contentType", equalTo("text/plain"))
                    .body("[0].userProperties.line", contains("7")));

            given().contentType(ContentType.JSON).body(Map.of("topic", "cellprops/out", "payload", "go", "qos", 1,
                    "contentType", "application/x-command", "userProperties", Map.of("operator", List.of("ada"))))
                    .post("/api/publish").then().statusCode(202);
            DeviceClient.Received out = listener.awaitMessage("cellprops/out");
            assertThat(out.contentType()).isEqualTo("application/x-command");
            assertThat(out.userProperties()).containsEntry("operator", List.of("ada"));
        }
    }

    /** Whether CellHub speaks MQTT 5 with this Mosquitto (its profile may insist on 3.1.1). */
    protected boolean mqtt5() {
        return true;
    }

    private static double holds() {
        return PrometheusText.value(given().get("/q/metrics").asString(), "cellhub_ingest_holds_started_total");
    }

    private static double rejected() {
        return PrometheusText.value(given().get("/q/metrics").asString(), "cellhub_messages_rejected_total", "reason",
                "ingest-payload-too-large");
    }

    private static double scans() {
        return PrometheusText.value(given().get("/q/metrics").asString(), "cellhub_retained_scans_total");
    }

    static int port() {
        return ExternalMosquittoProfile.mosquitto.port();
    }
}
