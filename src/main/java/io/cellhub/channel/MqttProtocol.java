package io.cellhub.channel;

import java.util.Locale;

import org.eclipse.microprofile.config.spi.Converter;

/** The MQTT version CellHub's clients speak: {@code cellhub.mqtt.protocol=auto|5|3.1.1}. */
public enum MqttProtocol {

    /** MQTT 5 when the broker takes it, else 3.1.1. */
    AUTO("auto"),
    MQTT_5("5"),
    MQTT_3_1_1("3.1.1");

    private final String name;

    MqttProtocol(String name) {
        this.name = name;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Reads {@code auto}, {@code 5} or {@code 3.1.1} (also {@code mqttv5}, {@code mqttv311}). */
    public static class FromConfig implements Converter<MqttProtocol> {

        @Override
        public MqttProtocol convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "auto" -> AUTO;
                case "5", "5.0", "mqttv5" -> MQTT_5;
                case "3.1.1", "4", "mqttv311" -> MQTT_3_1_1;
                default -> throw new IllegalArgumentException("cellhub.mqtt.protocol is '" + value
                        + "'; use auto (MQTT 5, else 3.1.1), 5 or 3.1.1");
            };
        }
    }
}
