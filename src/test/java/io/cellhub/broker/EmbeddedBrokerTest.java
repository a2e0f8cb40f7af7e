package io.cellhub.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;

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

    @Test
    void connectionsToTheEmbeddedBrokerAreAMetric() {
        try (DeviceClient device = DeviceClient.v5(brokerPort, "metrics-device")) {
            double connections = PrometheusText.value(RestAssured.get("/q/metrics").asString(), "cellhub_broker_connections");
            assertThat(connections).as("CellHub's two channels and this device").isGreaterThanOrEqualTo(3);
        }
    }
}
