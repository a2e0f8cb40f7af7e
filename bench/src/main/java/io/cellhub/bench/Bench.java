package io.cellhub.bench;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.impl.NetSocketInternal;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generator and sink for one benchmark scenario, in one JVM of its own, two MQTT connections
 * (TCP_NODELAY on).
 *
 * <p>The job: {@code cells} cells, input i (0 ≤ i &lt; n) goes to cell {@code base + i % cells}, topic
 * {@code temperature1} or {@code temperature2} alternately per cell, with payload {@code i}. So the
 * two inputs of a cell are updated alternately and, once both exist, the average after input i is
 * {@code (i + (i - cells)) / 2 = i - cells / 2}: the sink recovers i from each average, which gives
 * lost, duplicates and publish-to-average latency without any payload of our own.
 *
 * <ul>
 * <li>{@code --scenario onehop}: the sink subscribes to the inputs themselves (no processor), expects n.</li>
 * <li>{@code --scenario average}: the sink subscribes to {@code +/avgtemperature}, expects n - cells.</li>
 * <li>{@code --scenario fanout}: the average job while {@code --sse-clients} browsers, {@code --slow-clients}
 * of them never reading, are on CellHub's live stream ({@code --http-port}); CellHub's heap after a full GC
 * ({@code --cellhub-pid}, with jcmd) before they connect, while they are attached and after they left.
 * See {@link FanOut}.</li>
 * </ul>
 * {@code --rate 0} publishes as fast as the connection takes it (QoS 1: a window of in-flight
 * messages); {@code --rate R} publishes R msg/s. The run ends when everything arrived, or
 * {@code --quiet} seconds after the last publish with nothing new, or after {@code --timeout} seconds.
 * It prints one {@code RESULT key=value ...} line.
 */
public final class Bench {

    private final String host;
    private final int port;
    private final String scenario;
    private final String label;
    private final int qos;
    private final int n;
    private final int cells;
    private final int base;
    private final int rate;
    private final int window;
    private final double quietSeconds;
    private final double timeoutSeconds;

    private final long[] sentAt;
    private final long[] receivedAt;
    private final AtomicInteger distinct = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger stray = new AtomicInteger();
    private final AtomicInteger published = new AtomicInteger();
    private final AtomicInteger publishFailures = new AtomicInteger();
    private final AtomicLong lastReceipt = new AtomicLong();
    private final CompletableFuture<Void> allReceived = new CompletableFuture<>();
    private final CompletableFuture<Void> allPublished = new CompletableFuture<>();
    private final int expected;
    private final FanOut fanOut;

    // generator state, confined to the generator's context
    private int next;
    private int inflight;
    private boolean pumping;
    private long startNanos;
    private volatile String generatorClosed;
    private volatile String sinkClosed;
    private volatile boolean closing;

    private Bench(Map<String, String> o) {
        host = o.getOrDefault("host", "127.0.0.1");
        port = Integer.parseInt(o.getOrDefault("port", "1883"));
        scenario = o.getOrDefault("scenario", "average");
        label = o.getOrDefault("label", scenario);
        qos = Integer.parseInt(o.getOrDefault("qos", "0"));
        n = Integer.parseInt(o.getOrDefault("n", "10000"));
        cells = Integer.parseInt(o.getOrDefault("cells", "100"));
        base = Integer.parseInt(o.getOrDefault("base", "0"));
        rate = Integer.parseInt(o.getOrDefault("rate", "0"));
        window = Integer.parseInt(o.getOrDefault("window", "1000"));
        quietSeconds = Double.parseDouble(o.getOrDefault("quiet", "5"));
        timeoutSeconds = Double.parseDouble(o.getOrDefault("timeout", "55"));
        if (!scenario.equals("onehop") && !scenario.equals("average") && !scenario.equals("fanout")) {
            throw new IllegalArgumentException("--scenario must be onehop, average or fanout, is " + scenario);
        }
        if (cells % 2 != 0) {
            throw new IllegalArgumentException("--cells must be even, so that every average is an integer");
        }
        sentAt = new long[n];
        receivedAt = new long[n];
        expected = scenario.equals("onehop") ? n : Math.max(0, n - cells);
        fanOut = scenario.equals("fanout") ? new FanOut(o, host) : null;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("options are --key value pairs: " + Arrays.toString(args));
            }
            o.put(args[i].substring(2), args[++i]);
        }
        try {
            new Bench(o).run();
        } catch (Exception e) {
            e.printStackTrace(); // and exit: the Vert.x threads would keep the JVM alive
            System.exit(1);
        }
        System.exit(0);
    }

    private String inputTopic(int i) {
        return "cell" + (base + i % cells) + "/temperature" + (1 + (i / cells) % 2);
    }

    private MqttClientOptions options(String clientId) {
        MqttClientOptions options = new MqttClientOptions()
                .setClientId(clientId)
                .setCleanSession(true)
                .setKeepAliveInterval(60)
                .setMaxInflightQueue(Math.max(window, 10) + 10)
                .setAutoKeepAlive(true);
        options.setTcpNoDelay(true);
        options.setReceiveBufferSize(1 << 20);
        options.setSendBufferSize(1 << 20);
        return options;
    }

    private void run() throws Exception {
        if (fanOut != null) {
            fanOut.start();
        }
        Vertx vertx = Vertx.vertx();
        long id = ProcessHandle.current().pid();
        Context sinkContext = vertx.getOrCreateContext();
        MqttClient sink = MqttClient.create(vertx, options("bench-sink-" + id));
        CompletableFuture<Void> subscribed = new CompletableFuture<>();
        sinkContext.runOnContext(v -> {
            sink.publishHandler(this::onReceive);
            sink.closeHandler(x -> {
                if (!closing) {
                    sinkClosed = "closed";
                }
            });
            sink.exceptionHandler(e -> System.err.println("sink: " + e));
            sink.connect(port, host).onFailure(subscribed::completeExceptionally).onSuccess(ack -> {
                Map<String, Integer> filters = new HashMap<>();
                if (scenario.equals("onehop")) {
                    filters.put("+/temperature1", qos);
                    filters.put("+/temperature2", qos);
                } else {
                    filters.put("+/avgtemperature", qos);
                }
                sink.subscribeCompletionHandler(s -> subscribed.complete(null));
                sink.subscribe(filters).onFailure(subscribed::completeExceptionally);
            });
        });
        subscribed.get(10, TimeUnit.SECONDS);

        // A second event loop for the generator, so the sink is never starved by the publishing loop.
        Vertx genVertx = Vertx.vertx();
        Context genContext = genVertx.getOrCreateContext();
        MqttClient generator = MqttClient.create(genVertx, options("bench-gen-" + id));
        CompletableFuture<Void> connected = new CompletableFuture<>();
        genContext.runOnContext(v -> {
            generator.closeHandler(x -> {
                if (closing) {
                    return;
                }
                generatorClosed = "closed";
                allPublished.complete(null);
            });
            generator.exceptionHandler(e -> System.err.println("generator: " + e));
            generator.publishCompletionHandler(packetId -> {
                inflight--;
                if (rate == 0) {
                    pump(generator, genContext);
                }
            });
            generator.connect(port, host).onFailure(connected::completeExceptionally).onSuccess(ack -> {
                coalesceFlushes(generator);
                connected.complete(null);
            });
        });
        connected.get(10, TimeUnit.SECONDS);

        long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        genContext.runOnContext(v -> {
            startNanos = System.nanoTime();
            if (rate == 0) {
                pump(generator, genContext);
            } else {
                genVertx.setPeriodic(1, timer -> {
                    long due = Math.min(n, (System.nanoTime() - startNanos) * rate / 1_000_000_000L + 1);
                    // At QoS 1 the window holds back a burst; the backlog goes out as acknowledgements come
                    // in, and its wait counts towards the latency.
                    while (next < due && (qos == 0 || inflight < window)) {
                        publish(generator, next++);
                    }
                    if (next >= n) {
                        genVertx.cancelTimer(timer);
                        allPublished.complete(null);
                    }
                });
            }
        });

        // Wait: everything received, or quiet for a while after the last publish, or the timeout.
        String ending = "complete";
        while (!allReceived.isDone() && expected > 0) {
            Thread.sleep(20);
            long now = System.nanoTime();
            if (now > deadline) {
                ending = "timeout";
                break;
            }
            if (allPublished.isDone()) {
                long last = Math.max(lastReceipt.get(), startNanos + 1);
                long lastPublish = sentAt[n - 1];
                if (now - Math.max(last, lastPublish) > (long) (quietSeconds * 1e9)) {
                    ending = "quiet";
                    break;
                }
            }
        }
        if (expected == 0) {
            allPublished.get(timeoutSeconds > 0 ? (long) timeoutSeconds : 1, TimeUnit.SECONDS);
        }
        closing = true;
        CompletableFuture<Void> closed = new CompletableFuture<>();
        sinkContext.runOnContext(v -> sink.disconnect().onComplete(r -> closed.complete(null)));
        try {
            closed.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the figures are already in; a slow disconnect changes nothing
        }
        CompletableFuture<Void> genClosed = new CompletableFuture<>();
        genContext.runOnContext(v -> generator.disconnect().onComplete(r -> genClosed.complete(null)));
        try {
            genClosed.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // as above
        }
        report(ending, fanOut == null ? "" : fanOut.finish());
        vertx.close();
        genVertx.close();
    }

    /**
     * Lets the publishes of one turn of the event loop leave with one write. Vert.x flushes every packet:
     * with one {@code write} per message the generator, not the broker, was the one-hop ceiling
     * (38,800 msgs/s while Mosquitto used about 10 ms of CPU per 1,000 messages).
     */
    private static void coalesceFlushes(MqttClient client) {
        try {
            Field connection = client.getClass().getDeclaredField("connection");
            connection.setAccessible(true);
            NetSocketInternal socket = (NetSocketInternal) connection.get(client);
            socket.channelHandlerContext().pipeline().addFirst(new FlushConsolidationHandler(256, true));
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("generator: cannot coalesce flushes, one write per message (" + e + ")");
        }
    }

    /** As fast as possible: batches of 256 per turn of the event loop; at QoS 1 within the window. */
    private void pump(MqttClient generator, Context context) {
        if (pumping || next >= n) {
            return;
        }
        pumping = true;
        int batch = 0;
        while (next < n && batch < 256 && (qos == 0 || inflight < window)) {
            publish(generator, next++);
            batch++;
        }
        pumping = false;
        if (next >= n) {
            allPublished.complete(null);
        } else if (qos == 0 || inflight < window) {
            context.runOnContext(v -> pump(generator, context));
        }
    }

    private void publish(MqttClient generator, int i) {
        if (generatorClosed != null) {
            next = n; // the broker closed the connection: nothing more can be published
            return;
        }
        sentAt[i] = System.nanoTime();
        if (qos > 0) {
            inflight++;
        }
        generator.publish(inputTopic(i), Buffer.buffer(Integer.toString(i)), MqttQoS.valueOf(qos), false, false)
                .onFailure(e -> {
                    if (qos > 0) {
                        inflight--;
                    }
                    if (publishFailures.getAndIncrement() == 0) {
                        System.err.println("generator: publish failed: " + e);
                    }
                });
        published.incrementAndGet();
    }

    private void onReceive(MqttPublishMessage message) {
        long now = System.nanoTime();
        if (message.isRetain()) {
            return; // state from an earlier run, re-sent on subscribe
        }
        int i;
        try {
            String payload = message.payload().toString();
            if (scenario.equals("onehop")) {
                i = Integer.parseInt(payload);
            } else {
                i = (int) Math.round(Double.parseDouble(payload)) + cells / 2;
                String topic = message.topicName();
                if (!topic.equals("cell" + (base + Math.floorMod(i, cells)) + "/avgtemperature")) {
                    i = -1;
                }
            }
        } catch (NumberFormatException e) {
            i = -1;
        }
        int first = scenario.equals("onehop") ? 0 : cells;
        if (i < first || i >= n) {
            stray.incrementAndGet();
            return;
        }
        if (receivedAt[i] != 0) {
            duplicates.incrementAndGet();
            return;
        }
        receivedAt[i] = now;
        lastReceipt.set(now);
        if (distinct.incrementAndGet() == expected) {
            allReceived.complete(null);
        }
    }

    private void report(String ending, String scenarioFields) {
        int first = scenario.equals("onehop") ? 0 : cells;
        long[] latencies = new long[expected];
        int count = 0;
        long lastReceived = 0;
        for (int i = first; i < n; i++) {
            if (receivedAt[i] != 0 && sentAt[i] != 0) {
                latencies[count++] = receivedAt[i] - sentAt[i];
                lastReceived = Math.max(lastReceived, receivedAt[i]);
            }
        }
        Arrays.sort(latencies, 0, count);
        double seconds = count == 0 ? 0 : (lastReceived - startNanos) / 1e9;
        double rateOut = seconds > 0 ? (published.get() - publishFailures.get()) / seconds : 0;
        long cpuMillis = cpuMillis();
        StringBuilder line = new StringBuilder("RESULT");
        line.append(" label=").append(label)
                .append(" scenario=").append(scenario)
                .append(" qos=").append(qos)
                .append(" n=").append(n)
                .append(" rate_target=").append(rate)
                .append(" published=").append(published.get() - publishFailures.get())
                .append(" publish_failed=").append(publishFailures.get())
                .append(" expected=").append(expected)
                .append(" received=").append(count)
                .append(" lost=").append(expected - count)
                .append(" dup=").append(duplicates.get())
                .append(" stray=").append(stray.get())
                .append(" seconds=").append(String.format("%.3f", seconds))
                .append(" msgs_per_s=").append(String.format("%.0f", rateOut))
                .append(" p50_ms=").append(millis(percentile(latencies, count, 0.50)))
                .append(" p99_ms=").append(millis(percentile(latencies, count, 0.99)))
                .append(" max_ms=").append(millis(count == 0 ? -1 : latencies[count - 1]))
                .append(" ending=").append(ending)
                .append(" generator_connection=").append(generatorClosed == null ? "open" : "lost-during-run")
                .append(" sink_connection=").append(sinkClosed == null ? "open" : "lost-during-run")
                .append(" generator_cpu_ms_per_1k=").append(cpuMillis < 0 ? "-" : String.valueOf(cpuMillis * 1000 / Math.max(1, n)))
                .append(scenarioFields);
        System.out.println(line);
    }

    /** This JVM's CPU time so far (user + system), start-up included: it shares the machine's cores. */
    private static long cpuMillis() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1_000_000 : -1;
    }

    private static long percentile(long[] sorted, int count, double p) {
        if (count == 0) {
            return -1;
        }
        int index = (int) Math.ceil(p * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, index))];
    }

    private static String millis(long nanos) {
        return nanos < 0 ? "-" : String.format("%.3f", nanos / 1e6);
    }
}
