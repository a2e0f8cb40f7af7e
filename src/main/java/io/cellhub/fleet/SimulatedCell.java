package io.cellhub.fleet;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;

import io.cellhub.channel.BrokerConnection;
import io.cellhub.channel.MqttSettings;
import io.cellhub.channel.OutboundPublish;
import io.vertx.core.Vertx;

/**
 * One simulated robot cell, an MQTT client of its own as a real cell would be. It publishes what
 * the course notebook publishes: two temperatures (retained), the joints as compact JSON and as
 * flattened {@code joints/N} topics, and a retained {@code status} of {@code online} with a last
 * will of {@code offline}. Its connection reconnects by itself; a tick while it is away is skipped.
 */
final class SimulatedCell {

    static final int JOINTS = 6;

    private final Vertx vertx;
    private final String name;
    private final long intervalMillis;
    private final Random random;
    private final BrokerConnection connection;
    private final double[] temperatures = { 21, 26 };
    private final int[] joints = { 10, 42, 53, 64, 8, 22 };
    private long timer = -1;

    SimulatedCell(Vertx vertx, MqttSettings broker, String name, long intervalMillis, Random random) {
        this.vertx = vertx;
        this.name = name;
        this.intervalMillis = intervalMillis;
        this.random = random;
        this.connection = new BrokerConnection(broker, new BrokerConnection.Options("cellhub-fleet-" + name, false,
                Duration.ZERO, 0, Optional.of(message("status", "offline", 1, true)), true));
        connection.onStateChange(new BrokerConnection.StateListener() {
            @Override
            public void connected(BrokerConnection.Connected connected) {
                publish("status", "online", 1, true);
            }

            @Override
            public void disconnected(Throwable cause) {
            }
        });
    }

    void start() {
        connection.start();
        timer = vertx.setPeriodic(intervalMillis, t -> tick());
    }

    /** Says {@code offline} itself, since a clean disconnect does not fire the last will. */
    CompletableFuture<Void> stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (!connection.isConnected()) {
            return connection.disconnect();
        }
        return connection.publish(message("status", "offline", 1, true))
                .handle((ok, failure) -> null)
                .thenCompose(ignored -> connection.disconnect());
    }

    private void tick() {
        if (!connection.isConnected()) {
            return;
        }
        for (int i = 0; i < temperatures.length; i++) {
            temperatures[i] = Math.max(15, Math.min(35, temperatures[i] + random.nextGaussian() * 0.3));
            publish("temperature" + (i + 1), String.format(Locale.ROOT, "%.1f", temperatures[i]), 1, true);
        }
        StringJoiner json = new StringJoiner(", ", "{", "}");
        for (int i = 0; i < JOINTS; i++) {
            joints[i] = Math.floorMod(joints[i] + random.nextInt(7) - 3, 360);
            json.add("\"joint" + i + "\": " + joints[i]);
        }
        publish("joints", json.toString(), 0, false);
        for (int i = 0; i < JOINTS; i++) {
            publish("joints/" + i, String.valueOf(joints[i]), 0, false);
        }
    }

    private void publish(String subtopic, String payload, int qos, boolean retain) {
        connection.publish(message(subtopic, payload, qos, retain));
    }

    private OutboundPublish message(String subtopic, String payload, int qos, boolean retain) {
        return new OutboundPublish(name + "/" + subtopic, payload.getBytes(StandardCharsets.UTF_8), qos, retain);
    }
}
