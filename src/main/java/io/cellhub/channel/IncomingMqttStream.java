package io.cellhub.channel;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.cellhub.topic.TopicFilter;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.smallrye.reactive.messaging.health.HealthReport.HealthReportBuilder;
import io.smallrye.reactive.messaging.mqtt.session.RequestedQoS;
import io.vertx.mqtt.messages.MqttPublishMessage;

/**
 * One incoming channel of {@link CellHubMqttConnector}: subscribes its topic filter on the shared
 * session and hands each message to the channel's subscriber on the connection's event loop, with
 * no hop to another thread or context. The subscriber is expected to take what arrives (CellHub's
 * ingest requests without bound). A message that arrives while the subscriber has no demand is
 * dropped and counted, never buffered without limit and never a reason to fail the stream: at QoS 0
 * that is at-most-once delivery, and a QoS 1/2 message stays unacknowledged, so the broker
 * redelivers it with the session.
 * <p>
 * Each message is a {@link ReceivedMqttMessage}.
 */
final class IncomingMqttStream implements ChannelHealth {

    private static final Logger LOG = Logger.getLogger(IncomingMqttStream.class);

    private final String channel;
    private final SharedSession shared;
    private final Multi<Message<byte[]>> messages;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();

    IncomingMqttStream(String channel, SharedSession shared, String topic, int qos) {
        this.channel = channel;
        this.shared = shared;
        TopicFilter filter = TopicFilter.parse(topic);
        this.messages = Multi.createFrom().<Message<byte[]>> emitter(emitter -> {
            shared.onMessage(message -> {
                if (filter.matches(message.topicName())) {
                    deliver(emitter, message);
                }
            });
            shared.start();
            shared.session().subscribe(topic, RequestedQoS.valueOf(qos))
                    .onSuccess(granted -> {
                        subscribed.set(true);
                        LOG.infof("Channel %s subscribed to %s (granted QoS %s)", channel, topic, granted);
                    })
                    .onFailure(failure -> LOG.errorf("Channel %s could not subscribe to %s: %s", channel, topic, failure));
        });
    }

    private void deliver(MultiEmitter<? super Message<byte[]>> emitter, MqttPublishMessage message) {
        if (emitter.requested() <= 0) {
            long count = dropped.incrementAndGet();
            if (Long.bitCount(count) == 1) { // 1, 2, 4, 8, ...: says so without flooding the log
                LOG.warnf("Channel %s has dropped %d message(s) that arrived while its consumer had no demand%s", channel,
                        count, message.qosLevel() == MqttQoS.AT_MOST_ONCE ? "" : "; unacknowledged, the broker redelivers them");
            }
            return;
        }
        emitter.emit(ReceivedMqttMessage.of(message));
    }

    Flow.Publisher<Message<byte[]>> publisher() {
        return messages;
    }

    long dropped() {
        return dropped.get();
    }

    @Override
    public void reportStarted(HealthReportBuilder builder) {
        builder.add(channel, subscribed.get());
    }

    @Override
    public void reportReady(HealthReportBuilder builder) {
        builder.add(channel, shared.isConnected());
    }

    /** The stream never fails: a message it cannot deliver is dropped, not an error. */
    @Override
    public void reportAlive(HealthReportBuilder builder) {
        builder.add(channel, true);
    }
}
