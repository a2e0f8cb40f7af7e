package io.cellhub.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.time.Duration;

import java.io.UncheckedIOException;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.cellhub.support.DeviceClient;
import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.PrometheusText;
import io.cellhub.support.RawMqttClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * What CellHub's embedded broker adds to Artemis inside the running app; the MQTT behaviour every
 * broker must have is in {@link BrokerConformance}.
 */
@QuarkusTest
class EmbeddedBrokerTest {

    @Inject
    EmbeddedBroker broker;

    @ConfigProperty(name = EmbeddedPartsResource.BROKER_PORT)
    int brokerPort;

    @ConfigProperty(name = "cellhub.broker.max-message-size")
    int maxMessageSize;

    /**
     * Artemis enforces its maximum packet size on MQTT 5 clients only; an MQTT 3.1.1 client that
     * publishes more is disconnected too, and its message goes nowhere.
     */
    @Test
    void anMqtt311PublishOverTheMaximumMessageSizeClosesItsConnectionAndGoesNowhere() {
        try (DeviceClient reader = DeviceClient.v3(brokerPort, "oversize-reader", true).subscribe("cellbig/#", 0);
                RawMqttClient device = RawMqttClient.open(brokerPort, 0).connect("oversize-device", true)) {
            device.send(RawMqttClient.publishPacket("cellbig/blob", "x".repeat(maxMessageSize + 1)));
            assertThatThrownBy(device::read).as("the connection, closed by the broker").isInstanceOf(UncheckedIOException.class);
            try (DeviceClient other = DeviceClient.v3(brokerPort, "oversize-neighbour", true)) {
                other.publish("cellbig/small", "fine", 1, false);
            }
            reader.awaitMessage("cellbig/small");
            assertThat(reader.received("cellbig/blob")).isEmpty();
        }
    }

    /**
     * Artemis stops itself for good on a critical IO error of its journal or paging store; CellHub starts
     * it again, reports it on readiness and in a metric, and its own channels reconnect and ingest again.
     */
    @Test
    void anEmbeddedBrokerThatStopsOnACriticalIoErrorRunsAgainAndIngestResumes() throws Exception {
        double restartsBefore = restarts();
        try (DeviceClient device = DeviceClient.v3(brokerPort, "restart-cell", true)) {
            device.publish("restartcell/temperature1", "10", 1, false);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> RestAssured.get("/api/topics/restartcell/temperature1")
                .then().statusCode(200).body("number", equalTo(10.0f)));
        DeviceClient connected = DeviceClient.v3(brokerPort, "restart-connected", true);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> RestAssured.get("/api/sessions").then()
                .body("find { it.id == 'restart-connected' }.online", equalTo(true)));

        broker.server().getStorageManager().criticalError(new IOException("simulated: a paged file could not be read"));

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> RestAssured
                .get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'Embedded MQTT broker' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'Embedded MQTT broker' }.data.problem",
                        containsString("simulated: a paged file could not be read")));
        RestAssured.get("/q/health/live").then().statusCode(200);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> RestAssured.get("/q/health/ready").then().statusCode(200));
        assertThat(restarts()).isEqualTo(restartsBefore + 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> RestAssured.get("/api/sessions").then()
                .body("find { it.id == 'restart-connected' }.online", equalTo(false)));
        connected.close();

        try (DeviceClient device = DeviceClient.v3(brokerPort, "restart-cell", true)) {
            device.publish("restartcell/temperature1", "20", 1, false);
            device.publish("restartcell/temperature2", "30", 1, false);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> RestAssured.get("/api/topics/restartcell/avgtemperature")
                .then().statusCode(200).body("number", equalTo(25.0f)));
    }

    private static double restarts() {
        return PrometheusText.value(RestAssured.get("/q/metrics").asString(), "cellhub_broker_restarts_total");
    }

    @Test
    void connectionsToTheEmbeddedBrokerAreAMetric() {
        try (DeviceClient device = DeviceClient.v5(brokerPort, "metrics-device")) {
            double connections = PrometheusText.value(RestAssured.get("/q/metrics").asString(), "cellhub_broker_connections");
            assertThat(connections).as("CellHub's two channels and this device").isGreaterThanOrEqualTo(3);
        }
    }
}
