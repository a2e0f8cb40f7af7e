package io.cellhub.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Flow;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.cellhub.topic.DurableLog;
import io.cellhub.topic.Payload;
import io.cellhub.topic.RateLimitedWarning;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicListener;
import io.cellhub.topic.TopicMessage;
import io.cellhub.topic.TrafficMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.All;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Turns the {@code mqtt-in} channel into {@link TopicMessage}s and hands each to the journal and to
 * every {@link TopicListener}: the live state, the retained mirror, the sessions, the stream and the
 * processors. Runs on the channel's event loop and never blocks.
 */
@Singleton
public class MqttIngest {

    private static final Logger LOG = Logger.getLogger(MqttIngest.class);

    private final TrafficMetrics metrics;
    private final TopicFilter filter;
    private final DurableLog log;
    private final IngestLimits limits;
    private final Counter unsentPubAcks;
    private final IngestLiveness liveness;
    private final List<TopicListener> listeners;
    private final Counter listenerFailures;
    private final RateLimitedWarning listenerFailure = new RateLimitedWarning(LOG, Duration.ofSeconds(10));

    public MqttIngest(TrafficMetrics metrics, IngestConfig config,
            @ConfigProperty(name = "cellhub.broker.max-message-size") int maxMessageSize,
            DurableLog log, MeterRegistry registry, @Liveness IngestLiveness liveness,
            @All List<TopicListener> listeners) {
        this.metrics = metrics;
        this.liveness = liveness;
        this.listeners = List.copyOf(listeners);
        this.filter = TopicFilter.parse(config.filter());
        this.log = log;
        this.limits = new IngestLimits(config, maxMessageSize, metrics);
        this.unsentPubAcks = Counter.builder("cellhub.ingest.pubacks.unsent")
                .description("QoS 1 acknowledgements not sent because the connection the message came on had closed; "
                        + "the broker redelivers those messages")
                .register(registry);
        this.listenerFailures = Counter.builder("cellhub.ingest.listener.failures")
                .description("Messages a part of CellHub (a processor, the live state, the stream) failed on; "
                        + "the other parts still saw them")
                .register(registry);
    }

    /**
     * The ingest channel's one subscriber. It takes the connector's stream without holding it back
     * and, for each message, runs every {@link TopicListener} directly on the channel's event loop:
     * one hop per message instead of one reactive stream per component.
     * <p>
     * Each QoS 1 message is acknowledged to the broker (PUBACK) only once the journal has committed
     * it, or at once when the journal does not record its topic (the {@code cellhub-mqtt} connector
     * never acknowledges on its own). Messages
     * outside the filter or over the {@link IngestLimits} are acknowledged and dropped. A listener
     * that throws is logged and counted; the others still see the message and the stream goes on.
     * Acknowledgement is {@code MANUAL}: the PUBACK is ours, and the default pre-processing
     * acknowledgement would add a concatenation stage per message.
     */
    @Incoming("mqtt-in")
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Flow.Subscriber<Message<byte[]>> ingest() {
        return new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Message<byte[]> message) {
                receive(message);
            }

            @Override
            public void onError(Throwable failure) {
                liveness.failed(failure);
            }

            @Override
            public void onComplete() {
                LOG.info("The ingest channel mqtt-in completed");
            }
        };
    }

    void receive(Message<byte[]> message) {
        ReceivingMqttMessageMetadata mqtt = message.getMetadata(ReceivingMqttMessageMetadata.class).orElse(null);
        if (mqtt == null) {
            LOG.warn("Ignored a message without MQTT metadata on channel mqtt-in");
            return;
        }
        if (!accepted(mqtt)) {
            return;
        }
        metrics.received();
        TopicMessage received = new TopicMessage(mqtt.getTopic(), Payload.adopt(message.getPayload()),
                mqtt.getQosLevel().value(), mqtt.isRetain(), Instant.now());
        Runnable pubAck = pubAck(mqtt);
        if (log.records(received.topic())) {
            log.append(received, pubAck);
        } else {
            pubAck.run();
        }
        for (TopicListener listener : listeners) {
            try {
                listener.onMessage(received);
            } catch (RuntimeException e) {
                listenerFailures.increment();
                listenerFailure.occurred(count -> String.format("%s failed on a message on %s (%d such failures since "
                        + "the last warning; the stack trace is logged at DEBUG): %s", listener.getClass().getSimpleName(),
                        received.topic(), count, e));
                LOG.debugf(e, "%s failed on a message on %s", listener.getClass().getSimpleName(), received.topic());
            }
        }
    }

    private boolean accepted(ReceivingMqttMessageMetadata mqtt) {
        String topic = mqtt.getTopic();
        // The size from the client's buffer: an oversized payload is never copied.
        boolean accepted = filter.matches(topic) && limits.admit(topic, mqtt.getMessage().payload().length());
        if (!accepted) {
            pubAck(mqtt).run();
        }
        return accepted;
    }

    /** Sends the PUBACK of a QoS 1 message on the channel's event loop; nothing for QoS 0. */
    private Runnable pubAck(ReceivingMqttMessageMetadata mqtt) {
        if (mqtt.getQosLevel().value() == 0) {
            return () -> {
            };
        }
        Context context = Vertx.currentContext();
        return () -> {
            if (context == null || context == Vertx.currentContext()) {
                sendPubAck(mqtt);
            } else {
                context.runOnContext(v -> sendPubAck(mqtt));
            }
        };
    }

    /**
     * The PUBACK goes out on the connection the message came on. When that connection has closed
     * since (the broker went away and the connector reconnected with a new client), the Vert.x
     * client throws; the broker redelivers the message to the session, so it is journaled again (a
     * duplicate), never lost. The failure must not escape: thrown inside the stream, it would end it.
     */
    private void sendPubAck(ReceivingMqttMessageMetadata mqtt) {
        try {
            mqtt.getMessage().ack();
        } catch (RuntimeException connectionClosed) {
            unsentPubAcks.increment();
            LOG.debugf("PUBACK for message %d on %s not sent (%s): the broker redelivers it", mqtt.getMessageId(),
                    mqtt.getTopic(), connectionClosed);
        }
    }
}
