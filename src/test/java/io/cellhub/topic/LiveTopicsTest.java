package io.cellhub.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class LiveTopicsTest {

    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static final class FixedTopicsConfig implements TopicsConfig {
        private final int max;
        private final int history;

        FixedTopicsConfig(int max, int history) {
            this.max = max;
            this.history = history;
        }

        @Override
        public int max() {
            return max;
        }

        @Override
        public int history() {
            return history;
        }

        @Override
        public java.util.Optional<String> numberField() {
            return java.util.Optional.empty();
        }
    }

    private LiveTopics live(int max, int history) {
        return new LiveTopics(new FixedTopicsConfig(max, history), new TrafficMetrics(registry));
    }

    private static TopicMessage message(String topic, String payload, int second) {
        return new TopicMessage(topic, Payload.ofText(payload), 0, false, T0.plusSeconds(second));
    }

    private static TopicMessage retained(String topic, String payload, int second) {
        return new TopicMessage(topic, Payload.ofText(payload), 1, true, T0.plusSeconds(second));
    }

    private double rejected(String reason) {
        return registry.get("cellhub.messages.rejected").tag("reason", reason).counter().count();
    }

    private double topicsGauge() {
        return registry.get("cellhub.topics").gauge().value();
    }

    private static List<String> payloads(List<TopicMessage> messages) {
        return messages.stream().map(m -> m.payload().text().orElseThrow()).toList();
    }

    @Test
    void recordedMessageIsTheTopicsLastWithCountOne() {
        LiveTopics topics = live(10, 5);
        TopicMessage m = message("cell1/temp", "21.5", 0);

        assertTrue(topics.record(m));

        TopicSnapshot snapshot = topics.get("cell1/temp").orElseThrow();
        assertEquals(m, snapshot.last());
        assertEquals(1, snapshot.count());
        assertEquals("cell1/temp", snapshot.topic());
        assertEquals(1, topics.size());
    }

    @Test
    void countGrowsAndLastIsNewest() {
        LiveTopics topics = live(10, 5);
        topics.record(message("cell1/temp", "1", 0));
        topics.record(message("cell1/temp", "2", 1));
        TopicMessage newest = message("cell1/temp", "3", 2);
        topics.record(newest);

        TopicSnapshot snapshot = topics.get("cell1/temp").orElseThrow();
        assertEquals(3, snapshot.count());
        assertEquals(newest, snapshot.last());
        assertEquals(1, topics.size());
    }

    @Test
    void unknownTopicIsEmpty() {
        LiveTopics topics = live(10, 5);
        topics.record(message("a", "1", 0));
        assertEquals(Optional.empty(), topics.get("b"));
        assertEquals(List.of(), topics.history("b"));
    }

    @Test
    void historyIsOldestFirstBeforeTheRingFills() {
        LiveTopics topics = live(10, 5);
        topics.record(message("t", "1", 0));
        topics.record(message("t", "2", 1));
        assertEquals(List.of("1", "2"), payloads(topics.history("t")));
    }

    @Test
    void historyRingKeepsOnlyTheNewestInOrder() {
        LiveTopics topics = live(10, 3);
        for (int i = 1; i <= 7; i++) {
            topics.record(message("t", Integer.toString(i), i));
        }
        assertEquals(List.of("5", "6", "7"), payloads(topics.history("t")));
        assertEquals(7, topics.get("t").orElseThrow().count());
        assertEquals("7", topics.get("t").orElseThrow().last().payload().text().orElseThrow());
    }

    @Test
    void historyGivesBackEveryMessageAsRecorded() {
        LiveTopics topics = live(10, 4);
        Instant precise = Instant.parse("2026-11-25T07:10:11.123456789Z");
        List<TopicMessage> recorded = List.of(
                new TopicMessage("t", Payload.ofText("21.5"), 2, false, precise, true),
                new TopicMessage("t", Payload.copyOf(new byte[] { (byte) 0xff, 0, 7 }), 1, true, precise.plusNanos(1), false),
                new TopicMessage("t", Payload.EMPTY, 0, true, precise.minusSeconds(3600 * 24 * 365L), true),
                new TopicMessage("t", Payload.ofText("{\"temperatur\": 20}"), 1, false, precise.plusSeconds(1), false));
        recorded.forEach(topics::record);
        assertEquals(recorded, topics.history("t"));
    }

    @Test
    void historyRingExactlyFullKeepsAll() {
        LiveTopics topics = live(10, 3);
        for (int i = 1; i <= 3; i++) {
            topics.record(message("t", Integer.toString(i), i));
        }
        assertEquals(List.of("1", "2", "3"), payloads(topics.history("t")));
    }

    @Test
    void historiesArePerTopic() {
        LiveTopics topics = live(10, 2);
        topics.record(message("a", "a1", 0));
        topics.record(message("b", "b1", 1));
        topics.record(message("a", "a2", 2));
        topics.record(message("a", "a3", 3));
        assertEquals(List.of("a2", "a3"), payloads(topics.history("a")));
        assertEquals(List.of("b1"), payloads(topics.history("b")));
    }

    @Test
    void historyOfZeroStillKeepsTheLastMessage() {
        LiveTopics topics = live(10, 0);
        topics.record(message("t", "1", 0));
        topics.record(message("t", "2", 1));
        assertEquals(List.of("2"), payloads(topics.history("t")));
        assertEquals(2, topics.get("t").orElseThrow().count());
    }

    @Test
    void returnedHistoryIsASnapshot() {
        LiveTopics topics = live(10, 3);
        topics.record(message("t", "1", 0));
        List<TopicMessage> before = topics.history("t");
        topics.record(message("t", "2", 1));
        assertEquals(List.of("1"), payloads(before));
        assertEquals(List.of("1", "2"), payloads(topics.history("t")));
    }

    @Test
    void listIsSortedByTopic() {
        LiveTopics topics = live(100, 5);
        List<String> names = List.of("robot/b", "robot/a/x", "cell2", "robot/a", "cell10", "cell1", "Z", "robot/c");
        for (int i = 0; i < names.size(); i++) {
            topics.record(message(names.get(i), "v", i));
        }
        List<String> listed = topics.list(TopicFilter.ALL).stream().map(TopicSnapshot::topic).toList();
        assertEquals(List.of("Z", "cell1", "cell10", "cell2", "robot/a", "robot/a/x", "robot/b", "robot/c"), listed);
    }

    @Test
    void listAppliesTheFilter() {
        LiveTopics topics = live(100, 5);
        topics.record(message("robot/b/temp", "1", 0));
        topics.record(message("robot/a/temp", "2", 1));
        topics.record(message("robot/a/speed", "3", 2));
        topics.record(message("cell/a/temp", "4", 3));
        topics.record(message("$SYS/broker/uptime", "5", 4));

        assertEquals(List.of("robot/a/temp", "robot/b/temp"),
                topics.list(TopicFilter.parse("robot/+/temp")).stream().map(TopicSnapshot::topic).toList());
        assertEquals(List.of("cell/a/temp", "robot/a/speed", "robot/a/temp", "robot/b/temp"),
                topics.list(TopicFilter.ALL).stream().map(TopicSnapshot::topic).toList());
        assertEquals(List.of("$SYS/broker/uptime"),
                topics.list(TopicFilter.parse("$SYS/#")).stream().map(TopicSnapshot::topic).toList());
        assertEquals(List.of(), topics.list(TopicFilter.parse("nothing/#")));
    }

    @Test
    void listCarriesLastMessageAndCount() {
        LiveTopics topics = live(100, 5);
        topics.record(message("a", "1", 0));
        topics.record(message("a", "2", 1));
        List<TopicSnapshot> listed = topics.list(TopicFilter.parse("a"));
        assertEquals(1, listed.size());
        assertEquals(2, listed.get(0).count());
        assertEquals("2", listed.get(0).last().payload().text().orElseThrow());
    }

    @Test
    void topicLimitRefusesNewTopicsButUpdatesExistingOnes() {
        LiveTopics topics = live(2, 5);
        assertTrue(topics.record(message("a", "1", 0)));
        assertTrue(topics.record(message("b", "1", 1)));

        assertFalse(topics.record(message("c", "1", 2)));
        assertEquals(Optional.empty(), topics.get("c"));
        assertEquals(2, topics.size());

        assertTrue(topics.record(message("a", "2", 3)));
        TopicSnapshot a = topics.get("a").orElseThrow();
        assertEquals(2, a.count());
        assertEquals("2", a.last().payload().text().orElseThrow());
        assertEquals(List.of("a", "b"), topics.list(TopicFilter.ALL).stream().map(TopicSnapshot::topic).toList());
    }

    @Test
    void topicLimitRefusalIncrementsRejectedCounterWithTopicLimitReason() {
        LiveTopics topics = live(1, 5);
        topics.record(message("a", "1", 0));
        assertEquals(0.0, rejected("topic-limit"));

        topics.record(message("b", "1", 1));
        topics.record(message("c", "1", 2));
        topics.record(message("a", "2", 3)); // existing topic: not a refusal

        assertEquals(2.0, rejected("topic-limit"));
        assertEquals(0.0, rejected("invalid-topic"));
    }

    @Test
    void topicsGaugeReportsSize() {
        LiveTopics topics = live(2, 5);
        assertEquals(0.0, topicsGauge());
        topics.record(message("a", "1", 0));
        topics.record(message("a", "2", 1));
        assertEquals(1.0, topicsGauge());
        topics.record(message("b", "1", 2));
        topics.record(message("c", "1", 3)); // refused
        assertEquals(2.0, topicsGauge());
    }

    @Test
    void retainedOnUnknownTopicIsRecordedAsRetainedWithCountOne() {
        LiveTopics topics = live(10, 5);
        TopicMessage scan = new TopicMessage("a", Payload.ofText("1"), 1, false, T0);

        assertTrue(topics.recordRetained(scan));

        TopicSnapshot snapshot = topics.get("a").orElseThrow();
        assertTrue(snapshot.last().retained());
        assertEquals(1, snapshot.count());
        assertEquals(Payload.ofText("1"), snapshot.last().payload());
        assertEquals(1, topics.history("a").size());
    }

    @Test
    void retainedOnUnknownTopicBeyondTheLimitIsRefused() {
        LiveTopics topics = live(1, 5);
        topics.record(message("a", "1", 0));

        assertFalse(topics.recordRetained(retained("b", "1", 1)));
        assertEquals(Optional.empty(), topics.get("b"));
        assertEquals(1.0, rejected("topic-limit"));
    }

    @Test
    void retainedRepeatingLastMessageMarksItRetainedWithoutCounting() {
        LiveTopics topics = live(10, 5);
        topics.record(message("a", "0", 0));
        TopicMessage live = message("a", "21.5", 1);
        topics.record(live);

        assertTrue(topics.recordRetained(retained("a", "21.5", 9)));

        TopicSnapshot snapshot = topics.get("a").orElseThrow();
        assertEquals(2, snapshot.count());
        assertTrue(snapshot.last().retained());
        assertEquals(live.asRetained(), snapshot.last()); // keeps the original time and qos
        List<TopicMessage> history = topics.history("a");
        assertEquals(List.of("0", "21.5"), payloads(history));
        assertFalse(history.get(0).retained());
        assertTrue(history.get(1).retained());
    }

    @Test
    void retainedWithDifferentPayloadLeavesNewerLiveValueAlone() {
        LiveTopics topics = live(10, 5);
        TopicMessage live = message("a", "new", 5);
        topics.record(message("a", "old", 0));
        topics.record(live);

        assertTrue(topics.recordRetained(retained("a", "old", 9)));

        TopicSnapshot snapshot = topics.get("a").orElseThrow();
        assertEquals(live, snapshot.last());
        assertFalse(snapshot.last().retained());
        assertEquals(2, snapshot.count());
        assertEquals(List.of("old", "new"), payloads(topics.history("a")));
        assertFalse(topics.history("a").get(0).retained());
    }
}
