package io.cellhub.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Flow;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.cellhub.channel.MqttSettings;
import io.cellhub.channel.ReceivedPublish;
import io.cellhub.topic.DurableLog;
import io.cellhub.topic.Payload;
import io.cellhub.topic.RateLimitedWarning;
import io.cellhub.topic.RejectionReason;
import io.cellhub.topic.TopicFilters;
import io.cellhub.topic.TopicListener;
import io.cellhub.topic.TopicMessage;
import io.cellhub.topic.TrafficMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.All;

/**
 * Turns the {@code mqtt-in} channel into {@link TopicMessage}s and hands each to the journal and to
 * every {@link TopicListener}: the live state, the retained mirror, the sessions, the stream and the
 * processors. Runs on the channel's event loop and never blocks.
 */
@Singleton
public class MqttIngest {

    private static final Logger LOG = Logger.getLogger(MqttIngest.class);
    private static final Runnable NO_PUBACK = () -> {
    };

    private final TrafficMetrics metrics;
    private final TopicFilters filters;
    private final DurableLog log;
    private final IngestLimits limits;
    private final PubAcks pubAcks;
    private final IngestLiveness liveness;
    private final List<TopicListener> listeners;
    private final Counter listenerFailures;
    private final RateLimitedWarning listenerFailure = new RateLimitedWarning(LOG, Duration.ofSeconds(10));
    private final RateLimitedWarning outsideFilters = new RateLimitedWarning(LOG, Duration.ofMinutes(1));

    @Inject
    public MqttIngest(TrafficMetrics metrics, IngestConfig config, MqttSettings mqtt, DurableLog log, MeterRegistry registry,
            @Liveness IngestLiveness liveness, @All List<TopicListener> listeners, PubAcks pubAcks) {
        this(metrics, config, mqtt.maxPacketSize(), log, registry, liveness, listeners, pubAcks);
    }

    MqttIngest(TrafficMetrics metrics, IngestConfig config, int maxPacketSize, DurableLog log, MeterRegistry registry,
            IngestLiveness liveness, List<TopicListener> listeners, PubAcks pubAcks) {
        this.metrics = metrics;
        this.liveness = liveness;
        this.listeners = List.copyOf(listeners);
        this.filters = TopicFilters.parse(config.filters());
        this.log = log;
        this.limits = new IngestLimits(config, maxPacketSize, metrics);
        this.pubAcks = pubAcks;
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
        ReceivedPublish mqtt = message.getMetadata(ReceivedPublish.class).orElse(null);
        if (mqtt == null) {
            LOG.warn("Ignored a message without MQTT metadata on channel mqtt-in");
            return;
        }
        if (!accepted(mqtt)) {
            return;
        }
        metrics.received();
        // Under MQTT 3.1.1 RETAIN marks a retained message re-sent to a new subscription: stored state, not
        // an event. With Retain As Published (MQTT 5) it is the flag the publisher set on a live message.
        TopicMessage received = new TopicMessage(mqtt.topic(), Payload.adopt(message.getPayload()), mqtt.qos(),
                mqtt.retain(), Instant.now(), mqtt.retain() && !mqtt.retainAsPublished(), mqtt.properties());
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

    private boolean accepted(ReceivedPublish mqtt) {
        String topic = mqtt.topic();
        // The size from the client's buffer: an oversized payload is never copied.
        boolean accepted = inFilters(topic) && limits.admit(topic, mqtt.payloadSize());
        if (!accepted) {
            pubAck(mqtt).run();
        }
        return accepted;
    }

    /**
     * Whether the topic is one CellHub subscribes to. The broker sends others only when it kept the ingest
     * session with a subscription of an earlier {@code cellhub.ingest.filter}: counted and dropped.
     */
    private boolean inFilters(String topic) {
        if (filters.matches(topic)) {
            return true;
        }
        metrics.rejected(RejectionReason.OUTSIDE_INGEST_FILTER);
        outsideFilters.occurred(count -> String.format("Dropped %d message(s) on topics that match none of "
                + "cellhub.ingest.filter=%s since the last warning, the latest on '%s': the broker kept the ingest session "
                + "with a subscription of an earlier filter list, which a kept session keeps. Start a new session (another "
                + "cellhub.ingest.client-id) to end it.", count, filters, topic));
        return false;
    }

    /**
     * Sends the PUBACK (QoS 1) or PUBREC (QoS 2) of a message; nothing for QoS 0. The client sends it
     * on its own network thread, in the order the messages arrived, whoever calls.
     */
    private Runnable pubAck(ReceivedPublish mqtt) {
        return mqtt.qos() == 0 ? NO_PUBACK : () -> pubAcks.send(mqtt);
    }
}
