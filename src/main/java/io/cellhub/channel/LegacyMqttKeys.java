package io.cellhub.channel;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.Config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;

/**
 * Reads the broker settings of the SmallRye MQTT connector CellHub used before
 * ({@code mp.messaging.connector.smallrye-mqtt.host}, {@code port}, {@code username}, {@code password},
 * {@code ssl}, {@code ssl.truststore.*}, {@code ssl.hostname-verification-algorithm},
 * {@code reconnect-interval-seconds}) for the {@code cellhub.mqtt.*} key that replaced each, when
 * that key is set nowhere but has only its default: deployments configured with the old environment
 * variables keep working for this release. {@code CellHubMqttConnector} warns at start when they are
 * used. Registered in {@code META-INF/services/io.smallrye.config.ConfigSourceInterceptor}.
 */
public class LegacyMqttKeys implements ConfigSourceInterceptor {

    static final String PREFIX = "cellhub.mqtt.";
    static final String LEGACY_PREFIX = "mp.messaging.connector.smallrye-mqtt.";

    private static final Map<String, String> RENAMED = Map.of(
            "ssl.enabled", "ssl",
            "reconnect-interval", "reconnect-interval-seconds");

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!name.startsWith(PREFIX) || value != null && !isDefault(value)) {
            return value;
        }
        String legacy = legacyName(name.substring(PREFIX.length()));
        if (legacy == null) {
            return value;
        }
        ConfigValue old = context.proceed(legacy);
        return old != null && old.getValue() != null ? old.withName(name) : value;
    }

    /** The old key for a {@code cellhub.mqtt.} key's suffix, or null when there was none. */
    static String legacyName(String suffix) {
        String renamed = RENAMED.get(suffix);
        if (renamed != null) {
            return LEGACY_PREFIX + renamed;
        }
        boolean carried = suffix.equals("host") || suffix.equals("port") || suffix.equals("username")
                || suffix.equals("password") || suffix.startsWith("ssl.truststore.")
                || suffix.equals("ssl.hostname-verification-algorithm");
        return carried ? LEGACY_PREFIX + suffix : null;
    }

    /**
     * The old keys set in {@code config}, sorted. Asked for by name: an environment variable such as
     * {@code MP_MESSAGING_CONNECTOR_SMALLRYE_MQTT_PASSWORD} is listed under that name, not the key's.
     */
    static List<String> setIn(Config config) {
        return Stream.of("host", "port", "username", "password", "ssl", "ssl.hostname-verification-algorithm",
                "ssl.truststore.type", "ssl.truststore.location", "ssl.truststore.password", "reconnect-interval-seconds")
                .map(suffix -> LEGACY_PREFIX + suffix)
                .filter(key -> config.getConfigValue(key).getRawValue() != null)
                .sorted().toList();
    }

    /** A value from the mapping's defaults, which rank below every configured source. */
    private static boolean isDefault(ConfigValue value) {
        return value.getConfigSourceOrdinal() < 0;
    }
}
