package io.cellhub.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.jboss.logging.Logger;

import io.cellhub.broker.BrokerAddress;
import io.cellhub.ingest.IngestConfig;
import io.cellhub.topic.Payload;
import io.cellhub.topic.RejectionReason;
import io.cellhub.topic.TopicMessage;
import io.cellhub.topic.TrafficMetrics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;

/**
 * One ingest space while this replica owns it: a persistent MQTT session ({@code <client-id>-<space>},
 * QoS 1, acknowledged by hand) whose messages go to the ingest topic, keyed by cell, in Kafka
 * transactions of a producer whose transactional id is the space's. Each message's PUBACK goes out
 * once its transaction is committed, in arrival order.
 * <p>
 * Starting fences the space's previous owner (its open transaction is aborted), reads the space's
 * last ledger records ({@link IngestLedger}) and only then connects. On a resumed session the broker
 * sends first what has no PUBACK, in order: the messages at its start are held until
 * {@link Redeliveries} tells the ledger's tail (written, not acknowledged: acknowledged now, not
 * written again) from the rest (written). The same happens after a reconnect of this owner's own
 * connection. Stopping on a handover writes and acknowledges what has arrived, then disconnects.
 */
final class IngestSession {

    private static final Logger LOG = Logger.getLogger(IngestSession.class);
    private static final long RECONNECT_MILLIS = 2_000;
    /** How long messages at the start of a resumed session are held at most when no more come. */
    private static final long HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Ledger records read at a takeover: the previous owner's last transactions. */
    private static final int LEDGER_RECORDS = 16;

    /**
     * A message as it arrived: {@code confirmed} for QoS 1/2 (acknowledged with {@code ack}), on the
     * {@code connection}-th connection, which resumed a session on the broker or not.
     */
    private record Received(TopicMessage message, boolean confirmed, Runnable ack, long connection, boolean resumed) {
    }

    private final int space;
    private final String filter;
    private final String clientId;
    private final ClusterMode mode;
    private final CellKeys keys;
    private final Vertx vertx;
    private final BrokerAddress broker;
    private final IngestConfig ingest;
    private final TrafficMetrics metrics;
    private final ClusterMetrics clusterMetrics;
    private final BlockingQueue<Received> queue = new LinkedBlockingQueue<>();
    private volatile boolean running;
    private volatile boolean accepting;
    private volatile MqttClient client;
    private volatile Context context;
    private volatile long connections;
    private volatile boolean resumed;
    /** Written by the writer thread only, after the previous owner's ledger is read. */
    private IngestLedger ledger = IngestLedger.EMPTY;
    private long connection;
    private Redeliveries redeliveries;
    private final List<Received> held = new ArrayList<>();
    private long heldSince;
    private Thread writer;

    IngestSession(int space, String filter, ClusterMode mode, CellKeys keys, Vertx vertx, BrokerAddress broker,
            IngestConfig ingest, TrafficMetrics metrics, ClusterMetrics clusterMetrics) {
        this.space = space;
        this.filter = filter;
        this.clientId = ingest.clientId() + "-" + space;
        this.mode = mode;
        this.keys = keys;
        this.vertx = vertx;
        this.broker = broker;
        this.ingest = ingest;
        this.metrics = metrics;
        this.clusterMetrics = clusterMetrics;
    }

    int space() {
        return space;
    }

    String filter() {
        return filter;
    }

    void start() {
        running = true;
        writer = new Thread(this::run, "cellhub-ingest-" + space);
        writer.setDaemon(true);
        writer.start();
    }

    /** Writes and acknowledges what has arrived, then leaves the broker session to the next owner. */
    void stop(Duration patience) {
        accepting = false;
        running = false;
        if (writer != null) {
            try {
                writer.join(patience.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        disconnect();
    }

    private void run() {
        while (running) {
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties())) {
                long fencedAt = System.nanoTime();
                producer.initTransactions();
                ledger = lastLedger();
                LOG.infof("Ingest space %d ('%s'): this replica owns it now (previous owner fenced in %d ms, %d message(s) in its "
                        + "last ledger); connecting as MQTT client %s", space, filter,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fencedAt), ledger.size(), clientId);
                accepting = true;
                connect();
                writeLoop(producer);
                return;
            } catch (ProducerFencedException | InvalidProducerEpochException fenced) {
                LOG.infof("Ingest space %d: another replica took it over; this one stops ingesting it", space);
                accepting = false;
                running = false;
            } catch (KafkaException | IllegalStateException e) {
                if (running) {
                    LOG.warnf("Ingest space %d: Kafka failed (%s); starting over in 1 s, unacknowledged messages come again", space,
                            e.getMessage());
                    accepting = false;
                    disconnect();
                    queue.clear();
                    held.clear();
                    redeliveries = null;
                    sleep(1_000);
                }
            }
        }
    }

    private void writeLoop(KafkaProducer<String, byte[]> producer) {
        int maxBatch = mode.config().ingest().maxInFlight();
        long linger = mode.config().ingest().linger().toMillis();
        List<Received> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Received first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (!held.isEmpty() && System.nanoTime() - heldSince > HOLD_NANOS) {
                        settleHeld(producer, redeliveries.decide()); // nothing more came: what was held is decided
                    }
                    continue;
                }
                if (first.connection() != connection) {
                    // a new connection: everything of the ones before is written (a batch never spans two)
                    if (!held.isEmpty()) {
                        settleHeld(producer, redeliveries.decide());
                    }
                    connection = first.connection();
                    redeliveries = first.resumed() ? new Redeliveries(ledger) : null;
                }
                if (redeliveries != null) {
                    if (first.confirmed()) {
                        hold(producer, first);
                        continue;
                    }
                    settleHeld(producer, redeliveries.decide()); // a QoS 0 message is new: the resent ones came before it
                }
                batch.add(first);
                if (linger > 0 && queue.size() < maxBatch) {
                    Thread.sleep(linger);
                }
                Received next;
                while (batch.size() < maxBatch && (next = queue.peek()) != null && next.connection() == connection) {
                    batch.add(queue.poll());
                }
                writeAndAcknowledge(producer, batch);
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Holds a message at the start of a resumed session until {@link Redeliveries} says whether it was written already. */
    private void hold(KafkaProducer<String, byte[]> producer, Received received) {
        if (held.isEmpty()) {
            heldSince = System.nanoTime();
        }
        held.add(received);
        int written = redeliveries.offer(checksum(received.message()));
        if (written != Redeliveries.UNDECIDED) {
            settleHeld(producer, written);
        }
    }

    /** The first {@code written} held messages are written already: acknowledged only; the others are written. */
    private void settleHeld(KafkaProducer<String, byte[]> producer, int written) {
        redeliveries = null;
        List<Received> settled = new ArrayList<>(held);
        held.clear();
        if (written > 0) {
            LOG.infof("Ingest space %d: %d message(s) the broker sent again were written already; acknowledged, not written "
                    + "twice", space, written);
            settled.subList(0, written).forEach(received -> {
                clusterMetrics.ingestDuplicateSkipped();
                acknowledge(received);
            });
        }
        List<Received> fresh = settled.subList(written, settled.size());
        if (!fresh.isEmpty()) {
            writeAndAcknowledge(producer, new ArrayList<>(fresh));
        }
    }

    private void writeAndAcknowledge(KafkaProducer<String, byte[]> producer, List<Received> batch) {
        write(producer, batch);
        batch.forEach(IngestSession::acknowledge);
        clusterMetrics.ingested(batch.size());
    }

    private void write(KafkaProducer<String, byte[]> producer, List<Received> batch) {
        producer.beginTransaction();
        int[] checksums = new int[batch.size()];
        int confirmed = 0;
        for (Received received : batch) {
            TopicMessage message = received.message();
            producer.send(new ProducerRecord<>(mode.ingestTopic(), null, message.receivedAt().toEpochMilli(),
                    keys.of(message.topic()), message.payload().toByteArray(), MqttRecords.headers(message)));
            if (received.confirmed()) {
                checksums[confirmed++] = checksum(message);
            }
        }
        checksums = Arrays.copyOf(checksums, confirmed);
        producer.send(new ProducerRecord<>(mode.ingestOwnerTopic(), space, null, IngestLedger.encode(checksums)));
        producer.commitTransaction();
        ledger = ledger.append(checksums);
    }

    private static int checksum(TopicMessage message) {
        return IngestLedger.checksum(message.topic(), message.payload().toByteArray());
    }

    /** Sends the PUBACK (the MQTT client sends them in arrival order); a QoS 0 message has none. */
    private static void acknowledge(Received received) {
        if (received.confirmed()) {
            received.ack().run();
        }
    }

    private static void ack(MqttPublishMessage mqtt) {
        try {
            mqtt.ack();
        } catch (RuntimeException connectionClosed) {
            // the broker redelivers it to whoever holds the session next; the ledger spots it
        }
    }

    /** The space's last committed ledger records, read after the previous owner was fenced. */
    private IngestLedger lastLedger() {
        Properties properties = mode.plainConsumer("ingest-ledger-" + space);
        properties.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
            TopicPartition partition = new TopicPartition(mode.ingestOwnerTopic(), space);
            consumer.assign(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
            if (end == 0) {
                return IngestLedger.EMPTY;
            }
            consumer.seek(partition, Math.max(0, end - LEDGER_RECORDS));
            List<byte[]> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(record.value());
                }
            }
            return IngestLedger.decode(records);
        }
    }

    private void connect() {
        MqttClientOptions options = broker.clientOptions(clientId).setCleanSession(false);
        options.setAutoAck(false);
        MqttClient mqtt = MqttClient.create(vertx, options);
        mqtt.publishHandler(this::onPublish);
        mqtt.closeHandler(v -> {
            if (running && client == mqtt) {
                LOG.warnf("Ingest space %d: the MQTT connection closed; reconnecting in %d s", space, RECONNECT_MILLIS / 1000);
                vertx.setTimer(RECONNECT_MILLIS, t -> {
                    if (running && client == mqtt) {
                        connect();
                    }
                });
            }
        });
        client = mqtt;
        mqtt.connect(broker.port(), broker.host()).onSuccess(ack -> {
            context = Vertx.currentContext();
            resumed = ack.isSessionPresent();
            connections++;
            if (!ack.isSessionPresent()) {
                mqtt.subscribe(filter, MqttQoS.AT_LEAST_ONCE.value()).onFailure(e -> LOG.warnf(
                        "Ingest space %d: subscribing to '%s' failed: %s", space, filter, e.getMessage()));
            }
            LOG.infof("Ingest space %d: connected to %s as %s (session %s)", space, broker, clientId,
                    ack.isSessionPresent() ? "resumed" : "new, subscribed to '" + filter + "'");
        }).onFailure(e -> {
            LOG.warnf("Ingest space %d: could not connect to the MQTT broker at %s (%s); retrying in %d s", space, broker,
                    e.getMessage(), RECONNECT_MILLIS / 1000);
            vertx.setTimer(RECONNECT_MILLIS, t -> {
                if (running && client == mqtt) {
                    connect();
                }
            });
        });
    }

    private void onPublish(MqttPublishMessage mqtt) {
        if (!accepting) {
            return; // not acknowledged: the broker gives it to the next owner
        }
        String topic = mqtt.topicName();
        int size = mqtt.payload().length();
        if (size > ingest.maxPayloadBytes()) {
            metrics.rejected(RejectionReason.INGEST_PAYLOAD_TOO_LARGE);
            ack(mqtt);
            return;
        }
        if (topic.length() > ingest.maxTopicLength() / 3
                && topic.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > ingest.maxTopicLength()) {
            metrics.rejected(RejectionReason.TOPIC_TOO_LONG);
            ack(mqtt);
            return;
        }
        TopicMessage message = new TopicMessage(topic, Payload.adopt(mqtt.payload().getBytes()), mqtt.qosLevel().value(),
                mqtt.isRetain(), Instant.now());
        boolean confirmed = mqtt.qosLevel() != MqttQoS.AT_MOST_ONCE;
        queue.add(new Received(message, confirmed, () -> {
            Context on = context;
            if (on == null) {
                ack(mqtt);
            } else {
                on.runOnContext(v -> ack(mqtt));
            }
        }, connections, resumed));
    }

    /** Disconnects on the connection's own context, so that PUBACKs queued there go out first. */
    private void disconnect() {
        MqttClient mqtt = client;
        client = null;
        if (mqtt == null) {
            return;
        }
        Context on = context;
        Runnable close = () -> {
            if (mqtt.isConnected()) {
                mqtt.disconnect();
            }
        };
        if (on == null) {
            close.run();
        } else {
            on.runOnContext(v -> close.run());
        }
    }

    private Properties producerProperties() {
        Properties properties = mode.producer("ingest-" + space);
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, mode.group("ingest-" + space));
        properties.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                String.valueOf(mode.config().kafka().transactionTimeout().toMillis()));
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return properties;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
