package io.cellhub.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.jboss.logging.Logger;

import io.cellhub.channel.BrokerConnection;
import io.cellhub.channel.MqttSettings;
import io.cellhub.channel.ReceivedPublish;
import io.cellhub.ingest.IngestConfig;
import io.cellhub.ingest.IngestLimits;
import io.cellhub.ingest.PubAcks;
import io.cellhub.topic.Payload;
import io.cellhub.topic.TopicMessage;

/**
 * One ingest space while this replica owns it: a persistent MQTT session ({@code <client-id>-<space>},
 * QoS 1, acknowledged by hand) whose messages go to the ingest topic, keyed by cell, in Kafka
 * transactions of a producer whose transactional id is the space's. Each message's PUBACK goes out
 * once its transaction is committed, in arrival order.
 * <p>
 * Starting fences the space's previous owner (its open transaction is aborted), then connects and,
 * while the first messages queue up, reads the space's last ledger records ({@link LedgerReader}). On
 * a resumed session the broker sends first what has no PUBACK, in order: the messages at its start
 * are held until {@link Redeliveries} tells the ledger's tail (written, not acknowledged:
 * acknowledged now, not written again) from the rest (written). The same happens after a reconnect
 * of this owner's own connection. Stopping on a handover writes and acknowledges what has arrived,
 * then disconnects. Messages over the ingest limits are counted, reported and acknowledged, as on a
 * single node ({@link IngestLimits}). A new session's retained rule inputs are written first
 * ({@link RetainedInputs}).
 */
final class IngestSession {

    private static final Logger LOG = Logger.getLogger(IngestSession.class);

    /**
     * A message as it arrived: {@code confirmed} for QoS 1/2 (acknowledged with {@code ack}), on the
     * {@code connection}-th connection (counted at every disconnect, which the client reports before
     * it connects again: the count changes before the first message of a new connection).
     */
    private record Received(TopicMessage message, boolean confirmed, Runnable ack, long connection) {
    }

    private final int space;
    private final String filter;
    private final String clientId;
    private final ClusterMode mode;
    private final CellKeys keys;
    private final MqttSettings broker;
    private final IngestConfig ingest;
    private final IngestLimits limits;
    private final ClusterMetrics clusterMetrics;
    private final RetainedInputs retainedInputs;
    /** A PUBACK the closed connection could not send is counted; the next session holder gets the message, the ledger spots it. */
    private final PubAcks pubAcks;
    /** A new session's subscriptions (completed once the broker acknowledged them): its retained rule inputs are unread. */
    private final AtomicReference<CompletableFuture<Void>> newSession = new AtomicReference<>();
    /** When a failed scan of the retained rule inputs may run again (System.nanoTime()). */
    private long nextScanAt = System.nanoTime();
    private final BlockingQueue<Received> queue = new LinkedBlockingQueue<>();
    private volatile boolean running;
    private volatile boolean accepting;
    private volatile BrokerConnection connection;
    private volatile long connections = 1;
    /** Written by the writer thread only, after the previous owner's ledger is read. */
    private IngestLedger ledger = IngestLedger.empty();
    private long writingConnection;
    private Redeliveries redeliveries;
    private final List<Received> held = new ArrayList<>();
    private Thread writer;

    IngestSession(int space, String filter, ClusterMode mode, CellKeys keys, MqttSettings broker, IngestConfig ingest,
            IngestLimits limits, ClusterMetrics clusterMetrics, RetainedInputs retainedInputs, PubAcks pubAcks) {
        this.space = space;
        this.filter = filter;
        this.clientId = ingest.clientId() + "-" + space;
        this.mode = mode;
        this.keys = keys;
        this.broker = broker;
        this.ingest = ingest;
        this.limits = limits;
        this.clusterMetrics = clusterMetrics;
        this.retainedInputs = retainedInputs;
        this.pubAcks = pubAcks;
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
                long fencing = System.nanoTime();
                producer.initTransactions();
                long fenced = System.nanoTime();
                // The previous owner can commit nothing more: its ledger is final. The session's messages queue up
                // while the ledger is read (the writer takes none before), so connecting first saves the read's time.
                accepting = true;
                connect();
                ledger = LedgerReader.last(mode, space);
                LOG.infof("Ingest space %d ('%s'): this replica owns it now as MQTT client %s (previous owner fenced in %d ms; "
                        + "its last ledger, %d message(s), read in %d ms)", space, filter, clientId,
                        TimeUnit.NANOSECONDS.toMillis(fenced - fencing), ledger.size(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fenced));
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
                // set before a new session's first message is queued: its retained rule inputs are written before it
                writeRetainedInputs(producer);
                if (first == null) {
                    if (!held.isEmpty() && redeliveries.silent(System.nanoTime())) {
                        if (redeliveries.matching()) {
                            LOG.infof("Ingest space %d: the %d message(s) at the start of the resumed session match the "
                                    + "ledger without reaching its end, and no more came for %d s: the ones after the last "
                                    + "complete match are taken for new", space, held.size(), Redeliveries.SILENCE.toSeconds());
                        }
                        settleHeld(producer, redeliveries.decide()); // nothing more came: what was held is decided
                    }
                    continue;
                }
                if (first.connection() != writingConnection) {
                    // a new connection: everything of the ones before is written (a batch never spans two)
                    if (!held.isEmpty()) {
                        settleHeld(producer, redeliveries.decide());
                    }
                    writingConnection = first.connection();
                    // a new session has nothing to send again, and then no tail of the ledger comes first
                    redeliveries = new Redeliveries(ledger.snapshot());
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
                while (batch.size() < maxBatch && (next = queue.peek()) != null && next.connection() == writingConnection) {
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

    /**
     * Once a new session has subscribed, writes the values the broker holds retained for the rules'
     * inputs ({@link RetainedInputs}), before the session's messages. A scan that fails is tried again
     * after 2 s, while the session's messages are written meanwhile.
     */
    private void writeRetainedInputs(KafkaProducer<String, byte[]> producer) throws InterruptedException {
        CompletableFuture<Void> subscribed = newSession.get();
        if (subscribed == null || System.nanoTime() - nextScanAt < 0) {
            return;
        }
        List<ProducerRecord<String, byte[]>> records;
        try {
            subscribed.get(10, TimeUnit.SECONDS);
            records = retainedInputs.scan(space, filter);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("Ingest space %d: could not read the broker's retained messages after subscribing (%s); trying again "
                    + "in 2 s. Until then the rules lack retained values set before the subscription.", space,
                    e.getCause() == null ? e.toString() : e.getCause().getMessage());
            nextScanAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            return;
        }
        if (!records.isEmpty()) {
            producer.beginTransaction();
            records.forEach(producer::send);
            producer.commitTransaction();
        }
        newSession.compareAndSet(subscribed, null);
    }

    /** Holds a message at the start of a resumed session until {@link Redeliveries} says whether it was written already. */
    private void hold(KafkaProducer<String, byte[]> producer, Received received) {
        held.add(received);
        int written = redeliveries.offer(checksum(received.message()), System.nanoTime());
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
        ledger.append(checksums);
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

    /**
     * Connects with the space's persistent session; the connection reconnects by itself. Every
     * (re)connection is numbered, so that the writer knows where a resumed session's redeliveries start.
     */
    private void connect() {
        // Receive Maximum as the single node's ingest channel: a smaller one makes Mosquitto before 2.0.13 overshoot it,
        // and the client then closes the connection (MQTT 5 requires it), again after every reconnect.
        BrokerConnection mqtt = new BrokerConnection(broker, new BrokerConnection.Options(clientId, true,
                ingest.sessionExpiry(), ingest.receiveMaximum(), Optional.empty(), true));
        mqtt.onMessage(this::onPublish);
        mqtt.onStateChange(new BrokerConnection.StateListener() {
            @Override
            public void connected(BrokerConnection.Connected connected) {
                if (!connected.sessionPresent()) {
                    newSession.set(connected.subscribed());
                }
                LOG.infof("Ingest space %d: connected to %s as %s with MQTT %s (session %s)", space, mqtt.address(), clientId,
                        connected.protocolVersion() == 5 ? "5" : "3.1.1",
                        connected.sessionPresent() ? "resumed" : "new, subscribed to '" + filter + "'");
            }

            @Override
            public void disconnected(Throwable cause) {
                connections++;
                if (running) {
                    LOG.warnf("Ingest space %d: the MQTT connection closed (%s); it reconnects", space,
                            cause == null ? "closed" : cause.getMessage());
                }
            }
        });
        // retained messages come from the retained scan, as on a single node; RETAIN is the publisher's flag
        mqtt.subscribe(new BrokerConnection.Subscription(filter, 1, true, false));
        connection = mqtt;
        mqtt.start();
    }

    /** Called on the client's network thread, in arrival order. */
    private void onPublish(ReceivedPublish mqtt) {
        if (!accepting) {
            return; // not acknowledged: the broker gives it to the next owner
        }
        String topic = mqtt.topic();
        if (!limits.admit(topic, mqtt.payloadSize())) {
            pubAcks.send(mqtt); // counted and reported by the limits; acknowledged so that the broker does not send it again
            return;
        }
        // under MQTT 3.1.1 RETAIN marks a retained message re-sent to a new subscription: stored state, not an event
        TopicMessage message = new TopicMessage(topic, Payload.adopt(mqtt.payload()), mqtt.qos(), mqtt.retain(), Instant.now(),
                mqtt.retain() && !mqtt.retainAsPublished(), mqtt.properties());
        queue.add(new Received(message, mqtt.qos() > 0, () -> pubAcks.send(mqtt), connections));
    }

    /** Disconnects gracefully; the PUBACKs the client has by then go out first, the session stays on the broker. */
    private void disconnect() {
        BrokerConnection mqtt = connection;
        connection = null;
        if (mqtt != null) {
            mqtt.close();
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
