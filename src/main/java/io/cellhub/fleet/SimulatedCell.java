package io.cellhub.fleet;

import java.util.Locale;
import java.util.Random;
import java.util.StringJoiner;

import org.jboss.logging.Logger;

import io.cellhub.broker.BrokerAddress;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;

/**
 * One simulated robot cell, an MQTT client of its own as a real cell would be. It publishes what
 * the course notebook publishes: two temperatures (retained), the joints as compact JSON and as
 * flattened {@code joints/N} topics, and a retained {@code status} of {@code online} with a last
 * will of {@code offline}.
 */
final class SimulatedCell {

    static final int JOINTS = 6;

    private static final Logger LOG = Logger.getLogger(SimulatedCell.class);
    private static final long RECONNECT_MILLIS = 2_000;

    private final Vertx vertx;
    private final BrokerAddress broker;
    private final String name;
    private final long intervalMillis;
    private final Random random;
    private final double[] temperatures = { 21, 26 };
    private final int[] joints = { 10, 42, 53, 64, 8, 22 };
    private MqttClient client;
    private long timer = -1;
    private volatile boolean running;

    SimulatedCell(Vertx vertx, BrokerAddress broker, String name, long intervalMillis, Random random) {
        this.vertx = vertx;
        this.broker = broker;
        this.name = name;
        this.intervalMillis = intervalMillis;
        this.random = random;
    }

    void start() {
        running = true;
        connect();
    }

    /** Says {@code offline} itself, since a clean disconnect does not fire the last will. */
    Future<Void> stop() {
        running = false;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (client == null || !client.isConnected()) {
            return Future.succeededFuture();
        }
        return client.publish(topic("status"), Buffer.buffer("offline"), MqttQoS.AT_LEAST_ONCE, false, true)
                .compose(id -> client.disconnect())
                .recover(e -> Future.succeededFuture());
    }

    private void connect() {
        client = MqttClient.create(vertx, broker.clientOptions("cellhub-fleet-" + name)
                .setCleanSession(true)
                .setKeepAliveInterval(10)
                .setWillFlag(true)
                .setWillTopic(topic("status"))
                .setWillMessageBytes(Buffer.buffer("offline"))
                .setWillQoS(MqttQoS.AT_LEAST_ONCE.value())
                .setWillRetain(true));
        client.closeHandler(v -> reconnectLater());
        client.connect(broker.port(), broker.host())
                .compose(ack -> client.publish(topic("status"), Buffer.buffer("online"), MqttQoS.AT_LEAST_ONCE, false, true))
                .onSuccess(id -> {
                    tick();
                    timer = vertx.setPeriodic(intervalMillis, t -> tick());
                })
                .onFailure(e -> {
                    LOG.debugf("Simulated cell %s could not connect to %s: %s", name, broker, e.getMessage());
                    reconnectLater();
                });
    }

    private void reconnectLater() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        if (running) {
            vertx.setTimer(RECONNECT_MILLIS, t -> {
                if (running && (client == null || !client.isConnected())) {
                    connect();
                }
            });
        }
    }

    private void tick() {
        if (!client.isConnected()) {
            return;
        }
        for (int i = 0; i < temperatures.length; i++) {
            temperatures[i] = Math.max(15, Math.min(35, temperatures[i] + random.nextGaussian() * 0.3));
            publish("temperature" + (i + 1), String.format(Locale.ROOT, "%.1f", temperatures[i]), MqttQoS.AT_LEAST_ONCE, true);
        }
        StringJoiner json = new StringJoiner(", ", "{", "}");
        for (int i = 0; i < JOINTS; i++) {
            joints[i] = Math.floorMod(joints[i] + random.nextInt(7) - 3, 360);
            json.add("\"joint" + i + "\": " + joints[i]);
        }
        publish("joints", json.toString(), MqttQoS.AT_MOST_ONCE, false);
        for (int i = 0; i < JOINTS; i++) {
            publish("joints/" + i, String.valueOf(joints[i]), MqttQoS.AT_MOST_ONCE, false);
        }
    }

    private void publish(String subtopic, String payload, MqttQoS qos, boolean retain) {
        client.publish(topic(subtopic), Buffer.buffer(payload), qos, false, retain);
    }

    private String topic(String subtopic) {
        return name + "/" + subtopic;
    }
}
