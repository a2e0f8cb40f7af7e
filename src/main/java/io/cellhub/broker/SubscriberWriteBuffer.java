package io.cellhub.broker;

import java.lang.reflect.Method;

import org.jboss.logging.Logger;

import io.moquette.broker.Server;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptConnectMessage;
import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;

/**
 * Gives every client connection of the embedded broker a larger outbound buffer
 * ({@code cellhub.broker.write-buffer-size}). Moquette 0.17 silently drops the QoS 0 messages and
 * the acknowledgements it has to send while the connection's Netty buffer is above its high water
 * mark (Netty's default: 64 KiB). A subscriber that paused reading for a moment under a burst,
 * CellHub's own ingest among them, lost messages by the thousand. The connection is not part of
 * Moquette's API; it is reached by reflection once the client has connected, and when that fails
 * (another Moquette version) the connection keeps Netty's default.
 */
final class SubscriberWriteBuffer extends AbstractInterceptHandler {

    private static final Logger LOG = Logger.getLogger(SubscriberWriteBuffer.class);

    private final Server server;
    private final WriteBufferWaterMark waterMark;
    private volatile boolean warned;

    SubscriberWriteBuffer(Server server, int bytes) {
        this.server = server;
        this.waterMark = new WriteBufferWaterMark(bytes / 2, bytes);
    }

    @Override
    public String getID() {
        return "cellhub-subscriber-write-buffer";
    }

    @Override
    public void onConnect(InterceptConnectMessage msg) {
        try {
            Object registry = MoquetteFields.read(server, "sessions");
            Method retrieve = registry.getClass().getDeclaredMethod("retrieve", String.class);
            retrieve.setAccessible(true);
            Object session = retrieve.invoke(registry, msg.getClientID());
            Object connection = session == null ? null : MoquetteFields.read(session, "mqttConnection");
            if (connection != null && MoquetteFields.read(connection, "channel") instanceof Channel channel) {
                channel.config().setWriteBufferWaterMark(waterMark);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.warnf("Cannot reach the embedded broker's connections (%s); they keep Netty's 64 KiB outbound buffer, "
                        + "and Moquette drops what a slow subscriber cannot take beyond it", e.toString());
            }
        }
    }

    @Override
    public void onSessionLoopError(Throwable error) {
        // SessionLoopWatchdog reports it
    }
}
