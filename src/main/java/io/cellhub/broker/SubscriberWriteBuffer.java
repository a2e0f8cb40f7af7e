package io.cellhub.broker;

import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.moquette.broker.Server;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptConnectMessage;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;

/**
 * Gives every client connection of the embedded broker a larger outbound buffer
 * ({@code cellhub.broker.write-buffer-size}), and reports each time one fills up. Moquette 0.17
 * silently drops the QoS 0 messages and the acknowledgements it has to send while the connection's
 * Netty buffer is above its high water mark (Netty's default: 64 KiB). A subscriber that paused
 * reading for a moment under a burst, CellHub's own ingest among them, lost messages by the
 * thousand, and nothing said so. The connection is not part of Moquette's API; it is reached by
 * reflection once the client has connected, and when that fails (another Moquette version) the
 * connection keeps Netty's default.
 */
final class SubscriberWriteBuffer extends AbstractInterceptHandler {

    private static final String HANDLER = "cellhub-full-buffer-report";

    private static final Logger LOG = Logger.getLogger(SubscriberWriteBuffer.class);
    /** A client whose buffer keeps filling is logged at most this often; the metric counts every time. */
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Server server;
    private final int bytes;
    private final WriteBufferWaterMark waterMark;
    private final Runnable onFull;
    private volatile boolean warnedUnreachable;

    /**
     * @param onFull called each time a connection's buffer fills up, on that connection's event loop
     */
    SubscriberWriteBuffer(Server server, int bytes, Runnable onFull) {
        this.server = server;
        this.bytes = bytes;
        this.waterMark = new WriteBufferWaterMark(bytes / 2, bytes);
        this.onFull = onFull;
    }

    @Override
    public String getID() {
        return "cellhub-subscriber-write-buffer";
    }

    @Override
    public void onConnect(InterceptConnectMessage msg) {
        try {
            MoquetteFields.channelOf(server, msg.getClientID()).ifPresent(channel -> {
                channel.config().setWriteBufferWaterMark(waterMark);
                if (channel.pipeline().get(HANDLER) == null) {
                    channel.pipeline().addFirst(HANDLER, new FullBufferReport(msg.getClientID()));
                }
            });
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (!warnedUnreachable) {
                warnedUnreachable = true;
                LOG.warnf("Cannot reach the embedded broker's connections (%s); they keep Netty's 64 KiB outbound buffer, "
                        + "and Moquette drops what a slow subscriber cannot take beyond it", e.toString());
            }
        }
    }

    @Override
    public void onSessionLoopError(Throwable error) {
        // SessionLoopWatchdog reports it
    }

    /** Sees one connection's buffer fill up: from then until it drains, Moquette drops what it sends there. */
    private final class FullBufferReport extends ChannelInboundHandlerAdapter {

        private final String clientId;
        private long lastWarned;
        private boolean warned;

        FullBufferReport(String clientId) {
            this.clientId = clientId;
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            if (!ctx.channel().isWritable()) {
                onFull.run();
                long now = System.nanoTime();
                if (!warned || now - lastWarned >= WARN_EVERY_NANOS) {
                    warned = true;
                    lastWarned = now;
                    LOG.warnf("Embedded broker: client '%s' reads slower than its messages arrive and its %d KiB outbound "
                            + "buffer is full; until it catches up, the QoS 0 messages and acknowledgements sent to it are "
                            + "dropped (Moquette). Raise cellhub.broker.write-buffer-size for longer pauses "
                            + "(cellhub_broker_write_buffer_full_total counts these)", clientId, bytes / 1024);
                }
            }
            super.channelWritabilityChanged(ctx);
        }
    }
}
