package io.cellhub.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;

/** A real MQTT 3.1.1 client for tests (Vert.x MQTT), with blocking calls and a queue of what it received. */
public final class MqttTestClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Vertx VERTX = Vertx.vertx();

    public record Received(String topic, String payload, int qos, boolean retained) {
    }

    /** A message to publish. */
    public record Outgoing(String topic, Buffer payload) {
    }

    private final MqttClient client;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    private MqttTestClient(MqttClientOptions options) {
        client = MqttClient.create(VERTX, options);
        client.publishHandler(p -> received.add(new Received(p.topicName(), p.payload().toString(),
                p.qosLevel().value(), p.isRetain())));
    }

    public static MqttTestClient connect(String host, int port, String clientId, boolean cleanSession) {
        MqttTestClient c = new MqttTestClient(new MqttClientOptions().setClientId(clientId).setCleanSession(cleanSession)
                .setMaxMessageSize(1024 * 1024).setMaxInflightQueue(1000));
        await(c.client.connect(port, host));
        return c;
    }

    public static MqttTestClient connect(int port, String clientId) {
        return connect("127.0.0.1", port, clientId, true);
    }

    public void publish(String topic, String payload, int qos, boolean retain) {
        publish(topic, Buffer.buffer(payload), qos, retain);
    }

    public void publish(String topic, Buffer payload, int qos, boolean retain) {
        await(client.publish(topic, payload, MqttQoS.valueOf(qos), false, retain));
    }

    /** Publishes without waiting: for load, where the caller waits on the last write only. */
    public Future<Integer> publishAsync(String topic, String payload, int qos) {
        return client.publish(topic, Buffer.buffer(payload), MqttQoS.valueOf(qos), false, false);
    }

    /** Publishes without waiting, retained or not. */
    public Future<Integer> publishAsync(String topic, String payload, int qos, boolean retain) {
        return client.publish(topic, Buffer.buffer(payload), MqttQoS.valueOf(qos), false, retain);
    }

    /** Waits for a write started by {@link #publishAsync}. */
    public static void awaitWritten(Future<Integer> write) {
        await(write);
    }

    /**
     * Subscribes and waits for the SUBACK.
     *
     * @return the QoS the broker granted, 128 for a refusal
     */
    public int subscribe(String filter, int qos) {
        CompletableFuture<Integer> granted = new CompletableFuture<>();
        client.subscribeCompletionHandler(ack -> granted.complete(ack.grantedQoSLevels().get(0)));
        await(client.subscribe(filter, qos));
        try {
            return granted.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("No SUBACK for " + filter, e);
        }
    }

    /** Sends a SUBSCRIBE without waiting for its SUBACK. */
    public void subscribeAsync(String filter, int qos) {
        await(client.subscribe(filter, qos));
    }

    /** Publishes at QoS 1 and waits for the broker's PUBACK. */
    public void publishAcknowledged(String topic, String payload) {
        publishAcknowledged(topic, Buffer.buffer(payload));
    }

    /** Publishes at QoS 1 and waits for the broker's PUBACK. */
    public void publishAcknowledged(String topic, Buffer payload) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        client.publishCompletionHandler(id -> acked.complete(null));
        await(client.publish(topic, payload, MqttQoS.AT_LEAST_ONCE, false, false));
        try {
            acked.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("No PUBACK for " + topic, e);
        }
    }

    /**
     * Publishes every message at QoS 1 with at most {@code window} of them waiting for their PUBACK,
     * and waits for the last PUBACK: a fast burst that stays within the broker's in-flight window.
     */
    public void publishAllAcknowledged(List<Outgoing> messages, int window) {
        Semaphore free = new Semaphore(window);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        client.publishCompletionHandler(id -> free.release());
        for (Outgoing message : messages) {
            acquire(free, 1, message.topic());
            client.publish(message.topic(), message.payload(), MqttQoS.AT_LEAST_ONCE, false, false).onFailure(e -> {
                failure.compareAndSet(null, e);
                free.release();
            });
        }
        acquire(free, window, "the last messages");
        if (failure.get() != null) {
            throw new AssertionError("A publish failed: " + failure.get().getMessage(), failure.get());
        }
    }

    private static void acquire(Semaphore permits, int count, String what) {
        try {
            if (!permits.tryAcquire(count, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("No PUBACK within " + TIMEOUT + " for " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    /** Subscribes, then disconnects: leaves a persistent session holding the subscription. */
    public void subscribeThenClose(String filter, int qos) {
        subscribe(filter, qos);
        close();
    }

    /** The next message received, waiting up to ten seconds; fails the test when none comes. */
    public Received next() {
        try {
            Received r = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (r == null) {
                throw new AssertionError("No MQTT message arrived within " + TIMEOUT);
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next message on this topic, skipping others. */
    public Received next(String topic) {
        while (true) {
            Received r = next();
            if (r.topic().equals(topic)) {
                return r;
            }
        }
    }

    /** Nothing more arrives within the given time. */
    public Received poll(Duration wait) throws InterruptedException {
        return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (client.isConnected()) {
            await(client.disconnect());
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("MQTT operation failed: " + e.getMessage(), e);
        }
    }
}
