package io.cellhub.channel;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;

/** The latest connection of each incoming channel: its MQTT version and whether the broker kept its session. */
@ApplicationScoped
public class ConnectedChannels {

    private final Map<String, ChannelConnected> latest = new ConcurrentHashMap<>();

    void onConnected(@ObservesAsync ChannelConnected connected) {
        latest.put(connected.channel(), connected);
    }

    public Optional<ChannelConnected> latest(String channel) {
        return Optional.ofNullable(latest.get(channel));
    }

    /** {@code "5"}, {@code "3.1.1"}, or empty before the channel's first connection. */
    public Optional<String> mqttVersion(String channel) {
        return latest(channel).map(connected -> BrokerConnection.versionName(connected.protocolVersion()));
    }
}
