package io.cellhub.device;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.DeviceClient;
import io.cellhub.support.MqttTestClient;
import io.cellhub.support.RawMqttClient;
import io.quarkus.test.junit.QuarkusTest;

/** Device sessions from the embedded broker's own events. */
@QuarkusTest
class DeviceSessionsTest {

    @ConfigProperty(name = EmbeddedPartsResource.BROKER_PORT)
    int brokerPort;

    @Test
    void aClientsConnectSubscriptionsPublishesAndDisconnectAreTracked() {
        String device = "session-device";
        String path = "find { it.id == '" + device + "' }";
        MqttTestClient client = MqttTestClient.connect("127.0.0.1", brokerPort, device, false);
        try {
            client.subscribe("sessions/commands/#", 1);
            client.publish("sessions/telemetry", "1", 1, false);
            client.publish("sessions/telemetry", "2", 1, false);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/sessions")
                    .then().statusCode(200)
                    .body(path + ".online", equalTo(true))
                    .body(path + ".source", equalTo("broker"))
                    .body(path + ".cleanSession", equalTo(false))
                    .body(path + ".subscriptions.'sessions/commands/#'", equalTo(1))
                    .body(path + ".messages", equalTo(2))
                    .body(path + ".connectedAt", notNullValue()));
        } finally {
            client.close();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/sessions")
                .then().body(path + ".online", equalTo(false))
                .body(path + ".disconnectedAt", notNullValue())
                .body(path + ".subscriptions.'sessions/commands/#'", equalTo(1)));
    }

    @Test
    void anUnsubscribeRemovesTheSubscription() {
        String device = "session-unsubscriber";
        String path = "find { it.id == '" + device + "' }";
        try (DeviceClient client = DeviceClient.v3(brokerPort, device, true)) {
            client.subscribe("sessions/a/#", 1).subscribe("sessions/b/#", 0).unsubscribe("sessions/a/#");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/sessions").then()
                    .body(path + ".subscriptions.'sessions/b/#'", equalTo(0))
                    .body(path + ".subscriptions", not(hasKey("sessions/a/#"))));
        }
    }

    /**
     * A device that reconnects while the broker still holds its old connection (after a network fault)
     * takes the session over; the old connection closing then does not make it offline.
     */
    @Test
    void aDeviceThatTakesItsSessionOverStaysOnline() {
        String device = "session-taker";
        String path = "find { it.id == '" + device + "' }";
        RawMqttClient stale = RawMqttClient.open(brokerPort, 0).connect(device, false);
        try (DeviceClient fresh = DeviceClient.v3(brokerPort, device, false)) {
            fresh.publish("sessions/taker", "after the takeover", 1, false);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/sessions").then()
                    .body(path + ".online", equalTo(true)).body(path + ".messages", equalTo(1)));
            stale.close();
            fresh.publish("sessions/taker", "still here", 1, false);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/sessions").then()
                    .body(path + ".messages", equalTo(2)));
            given().get("/api/sessions").then().body(path + ".online", equalTo(true));
        }
    }

    /** A device whose network goes away without a DISCONNECT is offline once the broker notices. */
    @Test
    void aDroppedConnectionMakesTheDeviceOffline() {
        String device = "session-dropped";
        String path = "find { it.id == '" + device + "' }";
        RawMqttClient client = RawMqttClient.open(brokerPort, 0).connect(device, true);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/sessions").then()
                .body(path + ".online", equalTo(true)).body(path + ".cleanSession", equalTo(true)));
        client.close();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/sessions").then()
                .body(path + ".online", equalTo(false)));
    }

    @Test
    void anMqtt5DeviceIsTracked() {
        String device = "session-v5";
        String path = "find { it.id == '" + device + "' }";
        try (DeviceClient client = DeviceClient.v5(brokerPort, device)) {
            client.subscribe("sessions/v5/#", 2);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/sessions").then()
                    .body(path + ".online", equalTo(true)).body(path + ".cleanSession", equalTo(true))
                    .body(path + ".subscriptions.'sessions/v5/#'", equalTo(2)));
        }
    }
}
