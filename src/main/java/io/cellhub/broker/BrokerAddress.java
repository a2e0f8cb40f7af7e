package io.cellhub.broker;

import java.util.Optional;

import org.eclipse.microprofile.config.Config;

import io.vertx.core.net.JksOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.mqtt.MqttClientOptions;

/**
 * Where CellHub's MQTT clients connect: the SmallRye MQTT connector's own settings
 * ({@code mp.messaging.connector.smallrye-mqtt.*}), so the retained scan and the demo fleet always
 * reach the same broker as the channels, embedded or not.
 */
public record BrokerAddress(String host, int port, Optional<String> username, Optional<String> password, boolean ssl,
        int maxMessageSize, Optional<Truststore> truststore, String hostnameVerification) {

    /** The CA certificates that sign the broker's certificate: {@code pem}, {@code jks} or {@code pkcs12}. */
    public record Truststore(String type, String location, Optional<String> password) {
    }

    private static final String CONNECTOR = "mp.messaging.connector.smallrye-mqtt.";

    public static BrokerAddress from(Config config) {
        boolean ssl = config.getOptionalValue(CONNECTOR + "ssl", Boolean.class).orElse(false);
        return new BrokerAddress(
                config.getValue(CONNECTOR + "host", String.class),
                config.getOptionalValue(CONNECTOR + "port", Integer.class).orElse(ssl ? 8883 : 1883),
                config.getOptionalValue(CONNECTOR + "username", String.class),
                config.getOptionalValue(CONNECTOR + "password", String.class),
                ssl,
                config.getOptionalValue(CONNECTOR + "max-message-size", Integer.class).orElse(8092),
                config.getOptionalValue(CONNECTOR + "ssl.truststore.location", String.class)
                        .map(location -> new Truststore(
                                config.getOptionalValue(CONNECTOR + "ssl.truststore.type", String.class).orElse("pkcs12"),
                                location,
                                config.getOptionalValue(CONNECTOR + "ssl.truststore.password", String.class))),
                config.getOptionalValue(CONNECTOR + "ssl.hostname-verification-algorithm", String.class).orElse("NONE"));
    }

    /** Options for a Vert.x MQTT client of CellHub's own, with the connector's credentials and limits. */
    public MqttClientOptions clientOptions(String clientId) {
        MqttClientOptions options = new MqttClientOptions()
                .setClientId(clientId)
                .setMaxMessageSize(maxMessageSize)
                .setSsl(ssl);
        username.ifPresent(options::setUsername);
        password.ifPresent(options::setPassword);
        if (ssl) {
            options.setHostnameVerificationAlgorithm("NONE".equalsIgnoreCase(hostnameVerification) ? "" : hostnameVerification);
            truststore.ifPresent(store -> options.setTrustOptions(switch (store.type().toLowerCase(java.util.Locale.ROOT)) {
                case "pem" -> new PemTrustOptions().addCertPath(store.location());
                case "jks" -> new JksOptions().setPath(store.location()).setPassword(store.password().orElse(null));
                default -> new PfxOptions().setPath(store.location()).setPassword(store.password().orElse(null));
            }));
        }
        return options;
    }

    @Override
    public String toString() {
        return (ssl ? "mqtts://" : "mqtt://") + host + ":" + port;
    }
}
