package io.cellhub.broker;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.moquette.broker.Server;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

/**
 * Holds back what a client sends after its CONNECT until Moquette counts the connection as connected.
 *
 * <p>Moquette 0.17 marks a connection connected in a listener on its CONNACK write, which its session
 * thread adds after handing the write to Netty. When the write completes first, the listener runs
 * later, as a task of the connection's event loop, and a SUBSCRIBE (or PUBLISH, or DISCONNECT) read
 * before that task finds the connection "already closed": Moquette drops the packet and the connection.
 * A client that sends SUBSCRIBE together with CONNECT, as MQTT 3.1.1 allows (section 3.1.4), lost it
 * every time, and one that waited for the CONNACK lost it now and then on a loaded machine.
 *
 * <p>The gate sits just before Moquette's own handler in every client pipeline. After the CONNECT
 * passes, the packets that follow wait, in order, until the connection is connected (checked every
 * millisecond on the connection's event loop), then go on, and the gate leaves the pipeline. If the
 * connection closes first, the held packets are released; if it is still not connected after
 * {@link #PATIENCE_MILLIS}, they go on anyway and Moquette handles them as it would have.
 *
 * <p>Moquette has no hook for a handler of its own in the pipeline. Its acceptor adds the optional
 * Dropwizard metrics handler ({@code wizardMetrics}, off in CellHub) right before its own; the gate
 * takes that place, set by reflection after the server started.
 */
@Sharable
final class ConnectGate extends ChannelInboundHandlerAdapter {

    static final ConnectGate INSTANCE = new ConnectGate();

    private static final Logger LOG = Logger.getLogger(ConnectGate.class);
    private static final long PATIENCE_MILLIS = 10_000;
    /** Moquette's own key for the connection of a channel ({@code NewNettyMQTTHandler}). */
    private static final AttributeKey<Object> CONNECTION = AttributeKey.valueOf("connection");
    private static final AttributeKey<Held> HELD = AttributeKey.valueOf("cellhub-connect-gate");

    private ConnectGate() {
    }

    /** Puts the gate into every client pipeline the server creates from now on. */
    static void install(Server server) {
        try {
            Object acceptor = MoquetteFields.read(server, "acceptor");
            Optional<ChannelInboundHandler> gate = Optional.of(INSTANCE);
            MoquetteFields.write(acceptor, "metrics", gate);
            LOG.debug("Connect gate installed in the embedded broker's client pipelines");
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("Cannot put CellHub's connect gate into the embedded broker (%s): a SUBSCRIBE sent right after "
                    + "CONNECT may be dropped with the connection; devices should subscribe again when they reconnect",
                    e.toString());
        }
    }

    /** The packets one connection sent after its CONNECT, while it is not connected yet. */
    private static final class Held {
        final ArrayDeque<Object> packets = new ArrayDeque<>();
        final long since = System.nanoTime();
        boolean connectSeen;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Held held = ctx.channel().attr(HELD).get();
        if (held == null) {
            held = new Held();
            ctx.channel().attr(HELD).set(held);
        }
        if (!held.packets.isEmpty()) {
            held.packets.add(msg);
            return;
        }
        if (!held.connectSeen) {
            held.connectSeen = msg instanceof MqttMessage message && message.fixedHeader() != null
                    && message.fixedHeader().messageType() == MqttMessageType.CONNECT;
            ctx.fireChannelRead(msg);
            return;
        }
        if (connected(ctx.channel())) {
            ctx.fireChannelRead(msg);
            leave(ctx);
            return;
        }
        held.packets.add(msg);
        ctx.executor().schedule(() -> release(ctx), 1, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Held held = ctx.channel().attr(HELD).get();
        if (held == null || held.packets.isEmpty()) {
            ctx.fireChannelReadComplete();
        }
        // else: the read completes when the held packets go on
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Held held = ctx.channel().attr(HELD).getAndSet(null);
        if (held != null) {
            held.packets.forEach(ReferenceCountUtil::release);
            held.packets.clear();
        }
        ctx.fireChannelInactive();
    }

    /** On the connection's event loop: lets the held packets go on once connected, else looks again. */
    private void release(ChannelHandlerContext ctx) {
        Held held = ctx.channel().attr(HELD).get();
        if (held == null || held.packets.isEmpty() || ctx.isRemoved()) {
            return;
        }
        boolean connected = connected(ctx.channel());
        if (!connected && ctx.channel().isActive()
                && System.nanoTime() - held.since < TimeUnit.MILLISECONDS.toNanos(PATIENCE_MILLIS)) {
            ctx.executor().schedule(() -> release(ctx), 1, TimeUnit.MILLISECONDS);
            return;
        }
        if (!connected && ctx.channel().isActive()) {
            LOG.warnf("Client connection %s not connected %d ms after its CONNECT; passing its packets on",
                    ctx.channel().remoteAddress(), PATIENCE_MILLIS);
        }
        while (!held.packets.isEmpty()) {
            ctx.fireChannelRead(held.packets.poll());
        }
        ctx.fireChannelReadComplete();
        if (connected) {
            leave(ctx);
        }
    }

    private static void leave(ChannelHandlerContext ctx) {
        ctx.channel().attr(HELD).set(null);
        ctx.pipeline().remove(ctx.handler());
    }

    private static boolean connected(Channel channel) {
        Object connection = channel.attr(CONNECTION).get();
        try {
            return connection != null && (boolean) MoquetteFields.read(connection, "connected");
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true; // another Moquette version: do not hold anything back
        }
    }
}
