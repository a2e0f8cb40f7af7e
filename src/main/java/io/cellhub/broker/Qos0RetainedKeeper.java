package io.cellhub.broker;

import java.util.Optional;

import org.jboss.logging.Logger;

import io.moquette.broker.IRetainedRepository;
import io.moquette.broker.Server;
import io.moquette.broker.subscriptions.Topic;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptPublishMessage;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;

/**
 * Keeps retained messages that are published at QoS 0, as Mosquitto and HiveMQ do and as the course
 * notebook expects ({@code publish(..., qos=0, retain=True)}, then a new subscriber gets it).
 * <p>
 * Moquette 0.17 discards them: a QoS 0 retained publish only clears the topic's retained message
 * (MQTT 3.1.1 allows that, 3.3.1.3). This interceptor sees every publish in the order the broker
 * handled it, on Moquette's single interceptor thread, and writes each retained publish, of any
 * QoS, into Moquette's own retained store again, so the store ends on the last retained publish.
 * Moquette offers no API for its store; it is reached by reflection at the first retained publish,
 * and when that fails (another Moquette version) CellHub logs it and runs without the repair.
 */
final class Qos0RetainedKeeper extends AbstractInterceptHandler {

    private static final Logger LOG = Logger.getLogger(Qos0RetainedKeeper.class);

    private final Server server;
    /** Null until the first retained publish, then Moquette's store or empty. Used on one thread only. */
    private Optional<IRetainedRepository> retained;

    Qos0RetainedKeeper(Server server) {
        this.server = server;
    }

    @Override
    public String getID() {
        return "cellhub-qos0-retained-keeper";
    }

    @Override
    public Class<?>[] getInterceptedMessageTypes() {
        return new Class<?>[] { InterceptPublishMessage.class };
    }

    @Override
    public void onPublish(InterceptPublishMessage msg) {
        try {
            if (!msg.isRetainFlag()) {
                return;
            }
            if (retained == null) {
                retained = retainedStoreOf(server);
            }
            if (retained.isEmpty()) {
                return;
            }
            IRetainedRepository store = retained.get();
            Topic topic = new Topic(msg.getTopicName());
            if (!msg.getPayload().isReadable()) {
                store.cleanRetained(topic);
                return;
            }
            store.retain(topic, MqttMessageBuilders.publish()
                    .topicName(msg.getTopicName())
                    .qos(msg.getQos())
                    .retained(true)
                    .payload(Unpooled.wrappedBuffer(RetainedChangeReporter.bytes(msg)))
                    .build());
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not keep the retained message on '%s'", msg.getTopicName());
        } finally {
            msg.getPayload().release();
        }
    }

    @Override
    public void onSessionLoopError(Throwable error) {
        // SessionLoopWatchdog reports it
    }

    private static Optional<IRetainedRepository> retainedStoreOf(Server server) {
        try {
            return Optional.of(MoquetteFields.retainedStore(server));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("Cannot reach Moquette's retained store (%s); retained messages published at QoS 0 will be "
                    + "discarded by the embedded broker", e.toString());
            return Optional.empty();
        }
    }
}
