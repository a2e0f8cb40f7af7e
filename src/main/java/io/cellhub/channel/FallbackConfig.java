package io.cellhub.channel;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * A channel's configuration that falls back to another prefix of the global configuration for the
 * attributes the channel does not set: {@link PipelinedMqttConnector} reads the broker settings of
 * {@code mp.messaging.connector.smallrye-mqtt.*}.
 */
final class FallbackConfig implements Config {

    private final Config channel;
    private final Config global;
    private final String prefix;

    FallbackConfig(Config channel, Config global, String prefix) {
        this.channel = channel;
        this.global = global;
        this.prefix = prefix;
    }

    @Override
    public <T> T getValue(String name, Class<T> type) {
        return getOptionalValue(name, type).orElseGet(() -> channel.getValue(name, type));
    }

    @Override
    public ConfigValue getConfigValue(String name) {
        ConfigValue own = channel.getConfigValue(name);
        return own.getRawValue() != null ? own : global.getConfigValue(prefix + name);
    }

    @Override
    public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
        Optional<T> own = channel.getOptionalValue(name, type);
        return own.isPresent() ? own : global.getOptionalValue(prefix + name, type);
    }

    @Override
    public Iterable<String> getPropertyNames() {
        Set<String> names = new HashSet<>();
        channel.getPropertyNames().forEach(names::add);
        for (String name : global.getPropertyNames()) {
            if (name.startsWith(prefix)) {
                names.add(name.substring(prefix.length()));
            }
        }
        return names;
    }

    @Override
    public Iterable<ConfigSource> getConfigSources() {
        return channel.getConfigSources();
    }

    @Override
    public <T> Optional<Converter<T>> getConverter(Class<T> type) {
        return channel.getConverter(type);
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        return channel.unwrap(type);
    }
}
