package io.cellhub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.cellhub.channel.ReceivedPublish;
import io.cellhub.topic.DurableLog;
import io.cellhub.topic.MessageProperties;
import io.cellhub.topic.TopicListener;
import io.cellhub.topic.TopicMessage;
import io.cellhub.topic.TrafficMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.mutiny.Multi;

/** The ingest subscriber on its own, with the MQTT messages the connector would hand it. */
class MqttIngestTest {

    private static final int MAX_PAYLOAD = 100;
    private static final int MAX_TOPIC = 30;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Integer> pubAcks = new ArrayList<>();
    private final List<TopicMessage> journaled = new ArrayList<>();
    private boolean journalOn = true;
    private List<String> filters = List.of("#");

    @Test
    void oversizedQos1PayloadIsAcknowledgedCountedAndDroppedWhileTheNextMessagePasses() {
        List<TopicMessage> out = run(qos1(1, "cell/big", MAX_PAYLOAD + 1), qos1(2, "cell/small", 1));

        assertThat(out).extracting(TopicMessage::topic).containsExactly("cell/small");
        assertThat(pubAcks).as("the dropped message is acknowledged at once, the other once journaled").containsExactly(1, 2);
        assertThat(journaled).extracting(TopicMessage::topic).containsExactly("cell/small");
        assertThat(rejected("ingest-payload-too-large")).isEqualTo(1);
        assertThat(registry.get("cellhub.messages.received").counter().count()).isEqualTo(1);
    }

    @Test
    void payloadExactlyAtTheLimitIsTakenIn() {
        assertThat(run(qos1(1, "cell/edge", MAX_PAYLOAD))).hasSize(1);
        assertThat(rejected("ingest-payload-too-large")).isZero();
    }

    @Test
    void topicLengthIsCountedInUtf8BytesAsMqttDoes() {
        String asciiAtLimit = "a".repeat(MAX_TOPIC);
        String asciiOver = "a".repeat(MAX_TOPIC + 1);
        String umlautsOver = "ü".repeat(MAX_TOPIC / 2 + 1); // 16 chars, 32 bytes
        String umlautsAtLimit = "ü".repeat(MAX_TOPIC / 2); // 15 chars, 30 bytes
        String emojiOver = "\uD83E\uDD16".repeat(8); // 16 chars, 32 bytes

        List<TopicMessage> out = run(qos1(1, asciiAtLimit, 1), qos1(2, asciiOver, 1), qos1(3, umlautsOver, 1),
                qos1(4, umlautsAtLimit, 1), qos1(5, emojiOver, 1));

        assertThat(out).extracting(TopicMessage::topic).containsExactly(asciiAtLimit, umlautsAtLimit);
        assertThat(rejected("topic-too-long")).isEqualTo(3);
        assertThat(pubAcks).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
        assertThat(IngestLimits.utf8Length(emojiOver)).isEqualTo(emojiOver.getBytes(StandardCharsets.UTF_8).length);
        assertThat(IngestLimits.utf8Length("a\u07FF\u0800")).isEqualTo("a\u07FF\u0800".getBytes(StandardCharsets.UTF_8).length);
    }

    /**
     * After the broker went away, the message's connection is closed and the Vert.x client throws on
     * the PUBACK. That must not end the stream: every later message would be lost to ingest.
     */
    @Test
    void pubAckOnAClosedConnectionDoesNotEndTheStream() {
        journalOn = false;
        Message<byte[]> orphan = message(7, "cell/orphan", MqttQoS.AT_LEAST_ONCE, new byte[1], () -> {
            throw new NullPointerException("connection closed");
        });
        Message<byte[]> oversizedOrphan = message(8, "cell/orphan-big", MqttQoS.AT_LEAST_ONCE, new byte[MAX_PAYLOAD + 1], () -> {
            throw new NullPointerException("connection closed");
        });

        List<TopicMessage> out = run(orphan, oversizedOrphan, qos1(9, "cell/next", 1));

        assertThat(out).extracting(TopicMessage::topic).containsExactly("cell/orphan", "cell/next");
        assertThat(pubAcks).containsExactly(9);
        assertThat(registry.get("cellhub.ingest.pubacks.unsent").counter().count()).isEqualTo(2);
    }

    /** A stream the connector failed (its buffer overflowed) never recovers: liveness must say so. */
    @Test
    void failedIngestStreamTurnsLivenessDown() {
        assertThat(liveness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        Multi.createFrom().<Message<byte[]>> failure(new IllegalStateException("overflow buffer is full"))
                .subscribe().withSubscriber(ingest(List.of()).ingest());
        assertThat(liveness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(liveness.call().getData().orElseThrow().get("failure").toString()).contains("overflow buffer is full");
    }

    @Test
    void aFailingListenerIsCountedWhileTheOthersAndLaterMessagesGoOn() {
        List<String> seenAfter = new ArrayList<>();
        TopicListener failing = message -> {
            if (message.topic().equals("cell/poison")) {
                throw new IllegalStateException("cannot handle it");
            }
        };
        TopicListener after = message -> seenAfter.add(message.topic());
        Multi.createFrom().items(qos1(1, "cell/poison", 1), qos1(2, "cell/next", 1))
                .subscribe().withSubscriber(ingest(List.of(failing, after)).ingest());

        assertThat(seenAfter).containsExactly("cell/poison", "cell/next");
        assertThat(pubAcks).containsExactly(1, 2);
        assertThat(registry.get("cellhub.ingest.listener.failures").counter().count()).isEqualTo(1);
        assertThat(liveness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void aMessageOutsideEveryIngestFilterIsAcknowledgedCountedAndDropped() {
        filters = List.of("+/temperature1", "+/temperature2");

        List<TopicMessage> out = run(qos1(1, "cell1/temperature1", 1), qos1(2, "cell1/avgtemperature", 1),
                qos1(3, "cell1/temperature2", 1));

        assertThat(out).extracting(TopicMessage::topic).containsExactly("cell1/temperature1", "cell1/temperature2");
        assertThat(pubAcks).as("a kept session's old subscription must not hold back later PUBACKs").containsExactly(1, 2, 3);
        assertThat(rejected("outside-ingest-filter")).isEqualTo(1);
        assertThat(registry.get("cellhub.messages.received").counter().count()).isEqualTo(2);
    }

    @Test
    void qos0MessagesOverTheLimitsAreDroppedWithoutAnAcknowledgement() {
        Message<byte[]> big = message(0, "cell/big0", MqttQoS.AT_MOST_ONCE, new byte[MAX_PAYLOAD + 1], () -> {
            throw new AssertionError("QoS 0 has no PUBACK");
        });
        assertThat(run(big)).isEmpty();
        assertThat(rejected("ingest-payload-too-large")).isEqualTo(1);
    }

    private final IngestLiveness liveness = new IngestLiveness();

    private List<TopicMessage> run(Message<?>... messages) {
        List<TopicMessage> out = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Multi<Message<byte[]>> in = Multi.createFrom().items(messages).map(m -> (Message<byte[]>) m);
        in.subscribe().withSubscriber(ingest(List.of(out::add)).ingest());
        return out;
    }

    private MqttIngest ingest(List<TopicListener> listeners) {
        TrafficMetrics metrics = new TrafficMetrics(registry);
        DurableLog log = new DurableLog() {
            @Override
            public boolean records(String topic) {
                return journalOn;
            }

            @Override
            public void append(TopicMessage message, Runnable whenDurable) {
                journaled.add(message);
                whenDurable.run();
            }
        };
        return new MqttIngest(metrics, new Limits(filters), 1024 * 1024, log, registry, liveness, listeners, new PubAcks(registry));
    }

    private Message<byte[]> qos1(int id, String topic, int payloadBytes) {
        return message(id, topic, MqttQoS.AT_LEAST_ONCE, new byte[payloadBytes], () -> pubAcks.add(id));
    }

    private static Message<byte[]> message(int id, String topic, MqttQoS qos, byte[] payload, Runnable onAck) {
        ReceivedPublish publish = new ReceivedPublish(topic, qos.value(), false, false, ByteBuffer.wrap(payload),
                MessageProperties.NONE, onAck);
        return Message.of(payload, Metadata.of(publish));
    }

    private double rejected(String reason) {
        return registry.get("cellhub.messages.rejected").tag("reason", reason).counter().count();
    }

    private record Limits(List<String> filters) implements IngestConfig {

        @Override
        public String clientId() {
            return "cellhub";
        }

        @Override
        public Duration scanQuietPeriod() {
            return Duration.ofMillis(300);
        }

        @Override
        public Duration scanTimeout() {
            return Duration.ofSeconds(10);
        }

        @Override
        public int maxPayloadBytes() {
            return MAX_PAYLOAD;
        }

        @Override
        public int maxTopicLength() {
            return MAX_TOPIC;
        }

        @Override
        public Duration sessionExpiry() {
            return Duration.ofDays(1);
        }

        @Override
        public int receiveMaximum() {
            return 1000;
        }

        @Override
        public java.util.Optional<String> shareGroup() {
            return java.util.Optional.empty();
        }
    }
}
