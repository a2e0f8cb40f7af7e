package io.cellhub.snapshot;

import java.time.Instant;
import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The values snapshots are made of, as the API shows them. */
public final class SnapshotModel {

    private SnapshotModel() {
    }

    public enum Trigger {
        manual, scheduled, shutdown
    }

    public record Summary(long id, Instant takenAt, String label, Trigger trigger, int topics) {
    }

    /**
     * CellHub's own MQTT session at the instant of the snapshot. It, {@link Subscription} and
     * {@link RuleState} are also stored as JSON by SnapshotStore's own ObjectMapper, hence registered
     * for reflection for the native image.
     */
    @RegisterForReflection
    public record Session(String clientId, boolean cleanSession, List<Subscription> subscriptions, Instant connectedSince,
            long messagesIn, long messagesOut) {
    }

    @RegisterForReflection
    public record Subscription(String filter, int qos) {
    }

    @RegisterForReflection
    public record RuleState(String name, String type, long received, long published, long ignored, long cut,
            String lastTopic, String lastPayload, Instant lastAt) {
    }

    public record Entry(String topic, String payload, String payloadBase64, int qos, boolean retained, Instant updatedAt) {
    }

    public record Detail(long id, Instant takenAt, String label, Trigger trigger, int topics, Session session,
            List<RuleState> rules, List<Entry> entries) {
    }

    public record Change(String topic, Entry before, Entry after) {
    }

    /** One page of a diff, in topic order; {@code next} is the cursor of the next page, null on the last. */
    public record Diff(long from, long to, List<Entry> added, List<Entry> removed, List<Change> changed, String next) {
    }
}
