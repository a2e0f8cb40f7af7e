package io.cellhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Future;

/**
 * A fleet's worth of topics, published over real MQTT by one test device: 10,000 cells
 * ({@code robotcell1000..10999}: {@code temperature1} and {@code temperature2}, {@code status}
 * retained as devices set their last will, {@code joints} as compact JSON; the average rule adds each
 * cell's {@code avgtemperature})
 * and a plant of 50,000 sensors ({@code plant1..5/line1..10/sensor1..1000}, so every line is a level of
 * 1,000 children). 100,000 topics in all, besides the demo fleet's. Published at QoS 0 in a paced burst
 * and then checked level by level through {@code /api/tree}: what the broker dropped (QoS 0 is at most
 * once) is published again. Then {@link #startTraffic} keeps about {@code rate} messages a second going
 * to random cells and sensors.
 */
public final class FleetLoad implements AutoCloseable {

    public static final int CELLS = 10_000;
    public static final int FIRST_CELL = 1_000;
    public static final int PLANTS = 5;
    public static final int LINES = 10;
    public static final int SENSORS = 1_000;
    /** Topics the load makes, the rule's outputs included (the marker of {@link #awaitIngested} aside). */
    public static final int TOPICS = CELLS * 5 + PLANTS * LINES * SENSORS;
    private static final String[] CELL_TOPICS = { "temperature1", "temperature2", "status", "joints" };
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PackagedApp app;
    private final MqttTestClient device;
    private final AtomicBoolean trafficOn = new AtomicBoolean();
    private final AtomicLong trafficSent = new AtomicLong();
    private Thread traffic;
    private long published;

    public FleetLoad(PackagedApp app, int brokerPort) {
        this.app = app;
        this.device = MqttTestClient.connect("127.0.0.1", brokerPort, "fleet-load", true);
    }

    public static String cell(int index) {
        return "robotcell" + (FIRST_CELL + index);
    }

    /** Publishes every topic and waits until CellHub holds them all, the rule's outputs included. */
    public void load() {
        for (int plant = 1; plant <= PLANTS; plant++) {
            for (int line = 1; line <= LINES; line++) {
                publishLine(plant, line);
            }
        }
        for (String suffix : CELL_TOPICS) {
            publishCells(suffix);
        }
        for (int round = 0; round < 5; round++) {
            awaitIngested();
            List<Runnable> missing = new ArrayList<>();
            for (int plant = 1; plant <= PLANTS; plant++) {
                for (int line = 1; line <= LINES; line++) {
                    int p = plant;
                    int l = line;
                    if (children("plant" + plant + "/line" + line, "#") < SENSORS) {
                        missing.add(() -> publishLine(p, l));
                    }
                }
            }
            for (String suffix : CELL_TOPICS) {
                if (fleetCellsWith(suffix) < CELLS) {
                    missing.add(() -> publishCells(suffix));
                }
            }
            if (missing.isEmpty() && fleetCellsWith("avgtemperature") >= CELLS) {
                return;
            }
            missing.forEach(Runnable::run);
            sleep(3_000);
        }
        throw new AssertionError("CellHub did not take in the whole fleet after five rounds; "
                + fleetCellsWith("avgtemperature") + " cells have an average; log: " + app.log());
    }

    /**
     * Waits until CellHub has taken in everything this device published so far: a QoS 1 marker sent
     * after it arrives after it (the broker keeps one publisher's order for CellHub's subscription).
     *
     * @return how long that took
     */
    public java.time.Duration awaitIngested() {
        long start = System.nanoTime();
        String marker = "m" + start;
        device.publish("fleetload/marker", marker, 1, false);
        long deadline = start + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            try {
                if (app.get("/api/topics/fleetload/marker", java.time.Duration.ofSeconds(60)).contains("\"" + marker + "\"")) {
                    return java.time.Duration.ofNanos(System.nanoTime() - start);
                }
            } catch (AssertionError notYet) {
                // 404 until the first marker arrives
            }
            sleep(200);
        }
        throw new AssertionError("CellHub did not take in the marker within 5 minutes; log: " + app.log());
    }

    /** Messages published by {@link #load()}, re-sent ones included. */
    public long published() {
        return published;
    }

    /** About {@code rate} QoS 0 messages a second: seven in ten to a random cell's temperatures, the rest to random sensors. */
    public void startTraffic(int rate) {
        trafficOn.set(true);
        traffic = new Thread(() -> {
            long start = System.nanoTime();
            int perTick = Math.max(1, rate / 100);
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (long tick = 0; trafficOn.get(); tick++) {
                Future<Integer> last = null;
                for (int i = 0; i < perTick; i++) {
                    String value = String.format(Locale.ROOT, "%.1f", 18 + random.nextDouble() * 12);
                    String topic = random.nextInt(10) < 7
                            ? cell(random.nextInt(CELLS)) + "/temperature" + (1 + random.nextInt(2))
                            : "plant" + (1 + random.nextInt(PLANTS)) + "/line" + (1 + random.nextInt(LINES)) + "/sensor"
                                    + (1 + random.nextInt(SENSORS));
                    last = device.publishAsync(topic, value, 0);
                }
                trafficSent.addAndGet(perTick);
                try {
                    MqttTestClient.awaitWritten(last);
                } catch (AssertionError e) {
                    // a slow write is the broker's business; the rate only has to be about right
                }
                long wait = start + (tick + 1) * TimeUnit.MILLISECONDS.toNanos(10) - System.nanoTime();
                if (wait > 0) {
                    sleepNanos(wait);
                }
            }
        }, "fleet-traffic");
        traffic.setDaemon(true);
        traffic.start();
    }

    public long trafficSent() {
        return trafficSent.get();
    }

    @Override
    public void close() {
        trafficOn.set(false);
        if (traffic != null) {
            try {
                traffic.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        device.close();
    }

    private void publishLine(int plant, int line) {
        burst(SENSORS, i -> "plant" + plant + "/line" + line + "/sensor" + (i + 1), i -> String.valueOf(i % 97), false);
    }

    private void publishCells(String suffix) {
        burst(CELLS, i -> cell(i) + "/" + suffix, i -> switch (suffix) {
            case "status" -> i % 50 == 7 ? "offline" : "online";
            case "joints" -> "{\"joint0\": " + (i % 360) + ", \"joint1\": " + (i * 7 % 360) + ", \"joint2\": " + (i * 13 % 360)
                    + ", \"joint3\": " + (i * 3 % 360) + ", \"joint4\": " + (i * 11 % 360) + ", \"joint5\": " + (i * 5 % 360) + "}";
            default -> String.format(Locale.ROOT, "%.1f", 18 + (i * 37 % 120) / 10.0);
        }, suffix.equals("status"));
    }

    /** QoS 0 at about 10,000 messages a second, in windows of 500 whose last write is awaited. */
    private void burst(int count, IntFunction<String> topic, IntFunction<String> payload, boolean retain) {
        long start = System.nanoTime();
        for (int from = 0; from < count; from += 500) {
            Future<Integer> last = null;
            for (int i = from; i < Math.min(count, from + 500); i++) {
                last = device.publishAsync(topic.apply(i), payload.apply(i), 0, retain);
                published++;
            }
            MqttTestClient.awaitWritten(last);
            long wait = start + (from + 500) * TimeUnit.MICROSECONDS.toNanos(100) - System.nanoTime();
            if (wait > 0) {
                sleepNanos(wait);
            }
        }
    }

    private int fleetCellsWith(String suffix) {
        // the demo fleet's and the scenarios' cells have these topics too: count only the load's cells
        int count = 0;
        String cursor = null;
        do {
            JsonNode level = tree(null, "+/" + suffix, cursor, 1_000);
            for (JsonNode item : level.get("items")) {
                String name = item.get("name").asText();
                if (name.startsWith("robotcell") && name.length() > 9) {
                    int number = Integer.parseInt(name.substring(9));
                    if (number >= FIRST_CELL && number < FIRST_CELL + CELLS) {
                        count++;
                    }
                }
            }
            cursor = level.get("next").isNull() ? null : level.get("next").asText();
        } while (cursor != null);
        return count;
    }

    private int children(String prefix, String filter) {
        return tree(prefix, filter, null, 1).get("children").asInt();
    }

    private JsonNode tree(String prefix, String filter, String cursor, int limit) {
        StringBuilder path = new StringBuilder("/api/tree?limit=" + limit + "&filter=" + encode(filter));
        if (prefix != null) {
            path.append("&prefix=").append(encode(prefix));
        }
        if (cursor != null) {
            path.append("&cursor=").append(encode(cursor));
        }
        try {
            return JSON.readTree(app.get(path.toString(), java.time.Duration.ofSeconds(60)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        sleepNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private static void sleepNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
