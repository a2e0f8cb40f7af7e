package io.cellhub.broker;

import java.time.Instant;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.cellhub.topic.Payload;
import io.cellhub.topic.RetainedChange;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptPublishMessage;

/**
 * Reports every retained publish the embedded broker handles, with its own RETAIN flag and QoS,
 * which MQTT 3.1.1 subscribers never see on live traffic. Moquette calls it on one thread, in the
 * order it handled the publishes.
 */
final class RetainedChangeReporter extends AbstractInterceptHandler {

    private static final Logger LOG = Logger.getLogger(RetainedChangeReporter.class);

    private final Consumer<RetainedChange> changes;

    RetainedChangeReporter(Consumer<RetainedChange> changes) {
        this.changes = changes;
    }

    @Override
    public String getID() {
        return "cellhub-retained-change-reporter";
    }

    @Override
    public Class<?>[] getInterceptedMessageTypes() {
        return new Class<?>[] { InterceptPublishMessage.class };
    }

    @Override
    public void onPublish(InterceptPublishMessage msg) {
        try {
            if (msg.isRetainFlag() && !msg.getTopicName().startsWith("$")) {
                changes.accept(new RetainedChange(msg.getTopicName(), Payload.adopt(bytes(msg)), msg.getQos().value(),
                        Instant.now()));
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not report the retained message on '%s'", msg.getTopicName());
        } finally {
            msg.getPayload().release();
        }
    }

    /** A copy of an intercepted publish's payload, leaving the buffer as it was. */
    static byte[] bytes(InterceptPublishMessage msg) {
        byte[] bytes = new byte[msg.getPayload().readableBytes()];
        msg.getPayload().getBytes(msg.getPayload().readerIndex(), bytes);
        return bytes;
    }

    @Override
    public void onSessionLoopError(Throwable error) {
        // SessionLoopWatchdog reports it
    }
}
