package io.cellhub.topic;

import java.time.Instant;

/**
 * CDI event: something a device did, as the embedded broker saw it (connect, disconnect, lost
 * connection, subscribe, unsubscribe, publish) or as its {@code <cell>/status} topic tells it.
 */
public record DeviceActivity(String device, Kind kind, Instant at, Boolean cleanSession, String filter, Integer qos) {

    public enum Kind {
        CONNECTED, DISCONNECTED, SUBSCRIBED, UNSUBSCRIBED, PUBLISHED
    }

    public static DeviceActivity of(String device, Kind kind) {
        return new DeviceActivity(device, kind, Instant.now(), null, null, null);
    }
}
