package io.cellhub.channel;

import java.lang.reflect.Field;

import org.jboss.logging.Logger;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSession;
import io.vertx.core.net.impl.NetSocketInternal;

/**
 * Makes the publishes of one burst reach the socket with one flush. The Vert.x MQTT client flushes
 * every packet it writes, which costs a {@code write} system call per message on CellHub's side and a
 * {@code read} per message on the broker's. Netty's {@link FlushConsolidationHandler}, placed in the
 * connection's pipeline, defers each flush to the end of the event loop's current run of tasks, so
 * the messages written meanwhile leave together.
 * <p>
 * The client's connection is not part of its API: it is reached by reflection at each connect, and
 * when that fails (another client version) the connection simply keeps flushing per message.
 */
final class FlushCoalescing {

    static final String HANDLER = "cellhub-flush-coalescing";

    private static final Logger LOG = Logger.getLogger(FlushCoalescing.class);
    /** At most this many flushes are deferred before one goes through regardless. */
    private static final int MAX_DEFERRED_FLUSHES = 256;

    private FlushCoalescing() {
    }

    /** Installs the handler on the session's current connection; call on every (re)connect. */
    static void install(MqttClientSession session) {
        try {
            Object client = field(session.getClass(), "client").get(session);
            Object connection = client == null ? null : field(client.getClass(), "connection").get(client);
            if (connection instanceof NetSocketInternal socket) {
                ChannelPipeline pipeline = socket.channelHandlerContext().pipeline();
                if (pipeline.get(HANDLER) == null) {
                    pipeline.addFirst(HANDLER, new FlushConsolidationHandler(MAX_DEFERRED_FLUSHES, true));
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debugf("Cannot reach the MQTT client's connection (%s); it flushes every message", e);
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
