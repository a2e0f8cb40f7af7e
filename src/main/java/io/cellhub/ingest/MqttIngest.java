package io.cellhub.ingest;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

import io.cellhub.topic.DurableLog;
import io.cellhub.topic.Payload;
import io.cellhub.topic.RetainedReplay;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicMessage;
import io.cellhub.topic.TrafficMetrics;
import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.annotations.Broadcast;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

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
    private final DurableLog log;

    public MqttIngest(TrafficMetrics metrics, IngestConfig config, RetainedReplay replay, DurableLog log) {
        this.metrics = metrics;
        this.filter = TopicFilter.parse(config.filter());
        this.replay = replay;
        this.log = log;
    }

    /**
     * Each QoS 1 message is acknowledged to the broker (PUBACK) only once the journal has committed
     * it, or at once when the journal does not record its topic ({@link ManualPubAck}).
     */
    @Incoming("mqtt-in")
    @Outgoing("topics")
    @Broadcast
    public Multi<Message<TopicMessage>> ingest(Multi<Message<byte[]>> messages) {
        return messages.select().where(this::accepted)
                .map(message -> {
                    ReceivingMqttMessageMetadata mqtt = message.getMetadata(ReceivingMqttMessageMetadata.class).orElseThrow();
                    metrics.received();
                    TopicMessage received = new TopicMessage(mqtt.getTopic(), Payload.adopt(message.getPayload()),
                            mqtt.getQosLevel().value(), mqtt.isRetain(), Instant.now(), mqtt.isRetain() || !replay.isSettled());
                    Runnable pubAck = pubAck(mqtt);
                    if (log.records(received.topic())) {
                        log.append(received, pubAck);
                    } else {
                        pubAck.run();
                    }
                    return message.withPayload(received);
                });
    }

    private boolean accepted(Message<byte[]> message) {
        ReceivingMqttMessageMetadata mqtt = message.getMetadata(ReceivingMqttMessageMetadata.class).orElse(null);
        if (mqtt == null) {
            LOG.warn("Ignored a message without MQTT metadata on channel mqtt-in");
            return false;
        }
        boolean accepted = !isSystemTopic(mqtt.getTopic()) && filter.matches(mqtt.getTopic());
        if (!accepted) {
            pubAck(mqtt).run();
        }
        return accepted;
    }

    /** Sends the PUBACK of a QoS 1 message on the connection's own event loop; nothing for QoS 0. */
    private static Runnable pubAck(ReceivingMqttMessageMetadata mqtt) {
        if (mqtt.getQosLevel().value() == 0) {
            return () -> {
            };
        }
        Context context = Vertx.currentContext();
        return () -> {
            if (context == null || context == Vertx.currentContext()) {
                mqtt.getMessage().ack();
            } else {
                context.runOnContext(v -> mqtt.getMessage().ack());
            }
        };
    }

    static boolean isSystemTopic(String topic) {
        return topic.startsWith("$SYS");
    }
}
