package io.cellhub.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import io.cellhub.publish.MqttPublisher;
import io.cellhub.publish.OutgoingMessage;
import io.cellhub.publish.PublishRejectedException;
import io.cellhub.topic.RateLimitedWarning;

/**
 * Publishes the rules' outputs from the output topic to MQTT: the consumer group
 * {@code <prefix>-egress} gives each output partition to one replica, which publishes its records in
 * order through {@link MqttPublisher} and commits, every {@code cellhub.cluster.egress.commit-interval},
 * the offsets up to which the broker acknowledged every record.
 * <p>
 * So a record is published at least once: what a replica published but had not committed when it
 * died is published again by the next one. At most {@code cellhub.cluster.egress.max-in-flight}
 * records are published and not yet committed at a time (the consumer pauses at that many; a record
 * counts until Kafka confirms a commit past it, see {@link EgressPartition}), which bounds those
 * duplicates; the next owner counts the records in that range
 * ({@code cellhub_cluster_egress_replayed_total}), an upper bound of the duplicates. For a chain's
 * output among them it first tells the chain's partition ({@link ControlRecords#republished}), so the
 * duplicate's echo does not step the chain twice.
 */
final class Egress {

    private static final Logger LOG = Logger.getLogger(Egress.class);

    private record Done(TopicPartition partition, long offset, int generation, Throwable failure) {
    }

    private final ClusterMode mode;
    private final MqttPublisher publisher;
    private final ControlRecords control;
    private final ClusterMetrics metrics;
    private final Map<TopicPartition, EgressPartition> owned = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
    private final RateLimitedWarning failures = new RateLimitedWarning(LOG, Duration.ofSeconds(10));
    private volatile boolean running;
    private int generations;
    private int inFlight;
    private boolean paused;
    private long lastCommit;
    private KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    Egress(ClusterMode mode, MqttPublisher publisher, ControlRecords control, ClusterMetrics metrics) {
        this.mode = mode;
        this.publisher = publisher;
        this.control = control;
        this.metrics = metrics;
    }

    void start() {
        running = true;
        Properties properties = mode.groupConsumer("egress");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(pollSize()));
        consumer = new KafkaConsumer<>(properties);
        thread = ConsumerThread.start("cellhub-egress", this::run);
    }

    void stop() {
        running = false;
        ConsumerThread.stop(consumer, thread, 15_000);
    }

    /** The output partitions this replica publishes now. */
    Set<Integer> partitions() {
        return partitionNumbers(owned.keySet());
    }

    private void run() {
        try {
            consumer.subscribe(List.of(mode.outputTopic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assigned(partitions);
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    revoked(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    partitions.forEach(owned::remove);
                    recount();
                }
            });
            while (running) {
                settle();
                commitIfDue(false);
                flowControl();
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                    publish(record);
                }
            }
        } catch (WakeupException stopping) {
            // stop() woke the poll
        } catch (RuntimeException e) {
            LOG.errorf(e, "The egress failed; this replica publishes no more rule outputs until it restarts");
        } finally {
            try {
                revoked(Set.copyOf(owned.keySet()));
            } catch (RuntimeException e) {
                LOG.debugf("Egress: final commit failed: %s", e);
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void assigned(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata at = committed.get(partition);
            long start = at == null ? consumer.position(partition) : at.offset();
            // the replica before published at most max-in-flight records beyond its last commit
            long replayEnd = Math.min(ends.getOrDefault(partition, start), start + mode.config().egress().maxInFlight());
            owned.put(partition, new EgressPartition(++generations, start, replayEnd));
            long replay = Math.max(0, replayEnd - start);
            if (replay > 0) {
                metrics.replayed(replay);
                LOG.infof("Egress took over output partition %d at offset %d: the next %d output(s) may have been published by "
                        + "the replica before; they are published again (possible duplicates)", partition.partition(), start,
                        replay);
            }
        }
    }

    private void revoked(Collection<TopicPartition> partitions) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline && partitions.stream().map(owned::get)
                .anyMatch(state -> state != null && state.awaitingAcknowledgement())) {
            settle();
            sleep(5);
        }
        settle();
        commitIfDue(true);
        partitions.forEach(owned::remove);
        recount();
    }

    private void publish(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        EgressPartition state = owned.get(partition);
        if (state == null) {
            return;
        }
        OutgoingMessage out = MqttRecords.output(record.headers(), record.value());
        state.published(record.offset(), out == null);
        inFlight++;
        if (out == null) {
            return;
        }
        String echoId = MqttRecords.text(record.headers(), MqttRecords.ECHO_ID);
        if (echoId != null && record.offset() < state.replayEnd()) {
            announce(record, out, echoId);
        }
        int generation = state.generation();
        try {
            publisher.forward(out).whenComplete((ok, failure) -> done.add(new Done(partition, record.offset(), generation,
                    failure)));
        } catch (PublishRejectedException invalid) {
            LOG.warnf("Egress dropped output %s of partition %d at offset %d: %s", out.topic(), record.partition(),
                    record.offset(), invalid.getMessage());
            state.acknowledged(record.offset());
        }
    }

    private void announce(ConsumerRecord<String, byte[]> record, OutgoingMessage out, String echoId) {
        try {
            control.republished(record.key(), out.topic(), record.value(), echoId);
        } catch (Exception e) {
            LOG.warnf("Egress could not announce the second publish of %s (%s); its echo may step the chain again",
                    out.topic(), e.getMessage());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Takes the broker's answers: marks records done, and on a failure goes back to publish again from it. */
    private void settle() {
        Done next;
        while ((next = done.poll()) != null) {
            EgressPartition state = owned.get(next.partition());
            if (state == null || state.generation() != next.generation()) {
                continue;
            }
            if (next.failure() != null) {
                String why = next.failure().getMessage();
                failures.occurred(count -> String.format("Egress could not publish rule outputs (%d since the last warning), "
                        + "publishing them again from the first one not acknowledged: %s", count, why));
                retryFrom(next.partition(), state);
                continue;
            }
            if (state.acknowledged(next.offset())) {
                metrics.published();
            }
        }
        owned.values().forEach(EgressPartition::advance);
    }

    private void retryFrom(TopicPartition partition, EgressPartition failed) {
        owned.put(partition, failed.retry(++generations));
        recount();
        consumer.seek(partition, failed.committable());
        sleep(500);
    }

    /**
     * Commits what the broker acknowledged: every {@code commit-interval} asynchronously, or now and
     * waiting (a partition is revoked, the egress stops). Records leave the window only when Kafka confirms.
     */
    private void commitIfDue(boolean now) {
        long time = System.nanoTime();
        if (!now && time - lastCommit < mode.config().egress().commitInterval().toNanos()) {
            return;
        }
        lastCommit = time;
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        owned.forEach((partition, state) -> {
            long offset = state.toCommit(now);
            if (offset >= 0) {
                offsets.put(partition, new OffsetAndMetadata(offset));
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        if (!now) {
            // the callback runs on this thread, in a later poll or commit
            consumer.commitAsync(offsets, (committed, failure) -> {
                if (failure == null) {
                    confirmed(offsets);
                } else {
                    refused(offsets);
                    LOG.debugf("Egress commit refused (the next one asks again): %s", failure.getMessage());
                }
            });
            return;
        }
        try {
            consumer.commitSync(offsets, Duration.ofSeconds(5));
            confirmed(offsets);
        } catch (WakeupException | InterruptException stopping) {
            refused(offsets);
            throw stopping;
        } catch (KafkaException e) {
            refused(offsets);
            LOG.warnf("Egress could not commit output partitions %s (%s): their next owner publishes again what this replica "
                    + "published since its last commit, at most %d outputs", partitionNumbers(offsets.keySet()),
                    e.getMessage(), mode.config().egress().maxInFlight());
        }
    }

    private void confirmed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            EgressPartition state = owned.get(partition);
            if (state != null) {
                inFlight -= state.confirmed(offset.offset());
            }
        });
    }

    private void refused(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.keySet().stream().map(owned::get).filter(Objects::nonNull).forEach(EgressPartition::refused);
    }

    private static Set<Integer> partitionNumbers(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = new TreeSet<>();
        partitions.forEach(partition -> numbers.add(partition.partition()));
        return numbers;
    }

    /** Records a poll returns at most: a tenth of the window, so that a poll never takes the window past its size. */
    private int pollSize() {
        return Math.max(1, Math.min(500, mode.config().egress().maxInFlight() / 10));
    }

    /** Pauses the consumer while the next poll could take the records in flight past the window. */
    private void flowControl() {
        boolean full = inFlight + pollSize() > mode.config().egress().maxInFlight();
        if (full && !paused) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (!full && paused) {
            consumer.resume(consumer.assignment());
            paused = false;
        }
    }

    private void recount() {
        inFlight = owned.values().stream().mapToInt(EgressPartition::size).sum();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
