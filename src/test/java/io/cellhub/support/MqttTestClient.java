package io.cellhub.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    private String host;
    private int port;

    private MqttTestClient(MqttClientOptions options) {
        client = MqttClient.create(VERTX, options);
        client.publishHandler(p -> received.add(new Received(p.topicName(), p.payload().toString(),
                p.qosLevel().value(), p.isRetain())));
    }

    public static MqttTestClient connect(String host, int port, String clientId, boolean cleanSession) {
        MqttTestClient c = new MqttTestClient(new MqttClientOptions().setClientId(clientId).setCleanSession(cleanSession)
                .setMaxMessageSize(1024 * 1024).setMaxInflightQueue(1000));
        c.host = host;
        c.port = port;
        c.connectRetryingWhileRefused();
        c.pingRoundTrip();
        return c;
    }

    /**
     * The embedded broker restarts itself when Moquette 0.17 kills one of its session loops
     * ({@code SelfHealingBroker}, e.g. on its QoS 2 PUBREL fault), and for those two seconds its port
     * refuses connections: a test that connects then waits for it, as a device's reconnect would,
     * instead of failing on another test's fault. Any other failure, or a refusal that lasts, fails.
     */
    private void connectRetryingWhileRefused() {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                await(client.connect(port, host));
                return;
            } catch (AssertionError e) {
                if (!(rootCause(e) instanceof java.net.ConnectException) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new AssertionError(interrupted);
            }
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    public static MqttTestClient connect(int port, String clientId) {
        return connect("127.0.0.1", port, clientId, true);
    }

    /**
     * One PINGREQ/PINGRESP before anything else: Moquette 0.17 drops the connection when a SUBSCRIBE
     * arrives before it has finished its side of CONNACK, as a fast device's can.
     */
    private void pingRoundTrip() {
        CompletableFuture<Void> pong = new CompletableFuture<>();
        client.pingResponseHandler(v -> pong.complete(null));
        client.ping();
        try {
            pong.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("No PINGRESP", e);
        }
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

    /** Waits for a write started by {@link #publishAsync}. */
    public static void awaitWritten(Future<Integer> write) {
        await(write);
    }

    /**
     * Subscribes and waits for the SUBACK, sending SUBSCRIBE again when none comes within a second:
     * Moquette 0.17 drops a SUBSCRIBE that arrives right after CONNACK (see IngestSubscriptionGuard).
     *
     * @return the QoS the broker granted, 128 for a refusal
     */
    public int subscribe(String filter, int qos) {
        for (int attempt = 1; attempt <= 5; attempt++) {
            if (!client.isConnected()) {
                // Moquette 0.17 closes a connection whose SUBSCRIBE came too early; a device reconnects.
                await(client.connect(port, host));
                pingRoundTrip();
            }
            CompletableFuture<Integer> granted = new CompletableFuture<>();
            client.subscribeCompletionHandler(ack -> granted.complete(ack.grantedQoSLevels().get(0)));
            await(client.subscribe(filter, qos));
            try {
                return granted.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                // SUBSCRIBE lost: send it again
            } catch (Exception e) {
                throw new AssertionError("Subscribing to " + filter + " failed", e);
            }
        }
        throw new AssertionError("No SUBACK for " + filter + " after 5 attempts");
    }

    /** Sends a SUBSCRIBE without waiting for its SUBACK. */
    public void subscribeAsync(String filter, int qos) {
        await(client.subscribe(filter, qos));
    }

    /** Publishes at QoS 1 and waits for the broker's PUBACK. */
    public void publishAcknowledged(String topic, String payload) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        client.publishCompletionHandler(id -> acked.complete(null));
        await(client.publish(topic, Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, false));
        try {
            acked.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("No PUBACK for " + topic + "=" + payload, e);
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
