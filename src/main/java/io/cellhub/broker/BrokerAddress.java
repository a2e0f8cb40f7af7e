package io.cellhub.broker;

import java.util.Optional;

import org.eclipse.microprofile.config.Config;

import io.vertx.mqtt.MqttClientOptions;

/**
 * Where CellHub's MQTT clients connect: the SmallRye MQTT connector's own settings
 * ({@code mp.messaging.connector.smallrye-mqtt.*}), so the retained scan and the demo fleet always
 * reach the same broker as the channels, embedded or not.
 */
public record BrokerAddress(String host, int port, Optional<String> username, Optional<String> password, boolean ssl,
        int maxMessageSize) {

    private static final String CONNECTOR = "mp.messaging.connector.smallrye-mqtt.";

    public static BrokerAddress from(Config config) {
        boolean ssl = config.getOptionalValue(CONNECTOR + "ssl", Boolean.class).orElse(false);
        return new BrokerAddress(
                config.getValue(CONNECTOR + "host", String.class),
                config.getOptionalValue(CONNECTOR + "port", Integer.class).orElse(ssl ? 8883 : 1883),
                config.getOptionalValue(CONNECTOR + "username", String.class),
                config.getOptionalValue(CONNECTOR + "password", String.class),
                ssl,
                config.getOptionalValue(CONNECTOR + "max-message-size", Integer.class).orElse(8092));
    }

    /** Options for a Vert.x MQTT client of CellHub's own, with the connector's credentials and limits. */
    public MqttClientOptions clientOptions(String clientId) {
        MqttClientOptions options = new MqttClientOptions()
                .setClientId(clientId)
                .setMaxMessageSize(maxMessageSize)
                .setSsl(ssl);
        username.ifPresent(options::setUsername);
        password.ifPresent(options::setPassword);
        return options;
    }

    @Override
    public String toString() {
        return (ssl ? "mqtts://" : "mqtt://") + host + ":" + port;
    }
}
