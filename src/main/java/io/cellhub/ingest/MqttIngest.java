package io.cellhub.ingest;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

import io.cellhub.topic.Payload;
import io.cellhub.topic.RetainedReplay;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicMessage;
import io.cellhub.topic.TrafficMetrics;
import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.annotations.Broadcast;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;

/**
 * Turns the {@code mqtt-in} channel into the {@code topics} stream of {@link TopicMessage}s that the
 * live state and the processors consume. Runs on the channel's event loop and never blocks.
 */
@ApplicationScoped
public class MqttIngest {

    private static final Logger LOG = Logger.getLogger(MqttIngest.class);

    private final TrafficMetrics metrics;
    private final TopicFilter filter;
    private final RetainedReplay replay;

    public MqttIngest(TrafficMetrics metrics, IngestConfig config, RetainedReplay replay) {
        this.metrics = metrics;
        this.filter = TopicFilter.parse(config.filter());
        this.replay = replay;
    }

    @Incoming("mqtt-in")
    @Outgoing("topics")
    @Broadcast
    public Multi<Message<TopicMessage>> ingest(Multi<Message<byte[]>> messages) {
        return messages.select().where(this::accepted)
                .map(message -> {
                    ReceivingMqttMessageMetadata mqtt = message.getMetadata(ReceivingMqttMessageMetadata.class).orElseThrow();
                    metrics.received();
                    return message.withPayload(new TopicMessage(mqtt.getTopic(), Payload.adopt(message.getPayload()),
                            mqtt.getQosLevel().value(), mqtt.isRetain(), Instant.now(), mqtt.isRetain() || !replay.isSettled()));
                });
    }

    private boolean accepted(Message<byte[]> message) {
        String topic = message.getMetadata(ReceivingMqttMessageMetadata.class).map(ReceivingMqttMessageMetadata::getTopic)
                .orElse(null);
        if (topic == null) {
            LOG.warn("Ignored a message without MQTT metadata on channel mqtt-in");
        }
        boolean accepted = topic != null && !isSystemTopic(topic) && filter.matches(topic);
        if (!accepted) {
            message.ack();
        }
        return accepted;
    }

    static boolean isSystemTopic(String topic) {
        return topic.startsWith("$SYS");
    }
}
