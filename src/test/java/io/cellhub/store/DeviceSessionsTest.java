package io.cellhub.store;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.MqttTestClient;
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
}
