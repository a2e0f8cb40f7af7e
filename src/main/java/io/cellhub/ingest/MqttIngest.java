package io.cellhub.ingest;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.Payload;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicMessage;
import io.cellhub.topic.TrafficMetrics;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;

/**
 * Turns every message of the {@code mqtt-in} channel into a {@link TopicMessage} and records it in
 * the live topic state. Runs on the channel's event loop and never blocks.
 */
@ApplicationScoped
public class MqttIngest {

    private static final Logger LOG = Logger.getLogger(MqttIngest.class);

    private final LiveTopics topics;
    private final TrafficMetrics metrics;
    private final TopicFilter filter;

    public MqttIngest(LiveTopics topics, TrafficMetrics metrics, IngestConfig config) {
        this.topics = topics;
        this.metrics = metrics;
        this.filter = TopicFilter.parse(config.filter());
    }

    @Incoming("mqtt-in")
    public CompletionStage<Void> ingest(Message<byte[]> message) {
        message.getMetadata(ReceivingMqttMessageMetadata.class).ifPresentOrElse(
                mqtt -> accept(new TopicMessage(mqtt.getTopic(), Payload.adopt(message.getPayload()),
                        mqtt.getQosLevel().value(), mqtt.isRetain(), Instant.now())),
                () -> LOG.warnf("Ignored a message without MQTT metadata on channel mqtt-in"));
        return message.ack();
    }

    void accept(TopicMessage message) {
        if (isSystemTopic(message.topic()) || !filter.matches(message.topic())) {
            return;
        }
        metrics.received();
        topics.record(message);
    }

    static boolean isSystemTopic(String topic) {
        return topic.startsWith("$SYS");
    }
}
