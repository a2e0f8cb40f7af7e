package io.cellhub.cluster;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import io.cellhub.journal.KafkaJournal;
import io.cellhub.topic.DurableLog;
import io.cellhub.topic.TopicMessage;

/**
 * The journal in cluster mode: the consumer group {@code <prefix>-journal} shares the ingest topic's
 * partitions among the replicas, and each writes its partitions' records to PostgreSQL through
 * {@link KafkaJournal}, rows and next offset in one transaction, starting where the database says.
 * Control records and topics the journal does not record ({@link DurableLog#records}) only move the
 * offset. The offsets are also committed to Kafka, for the lag {@code /api/status} shows.
 */
final class JournalFeed {

    private static final Logger LOG = Logger.getLogger(JournalFeed.class);

    private final ClusterMode mode;
    private final KafkaJournal journal;
    private final DurableLog filter;
    private final ClusterMetrics metrics;
    private final Set<Integer> partitions = ConcurrentHashMap.newKeySet();
    /** Per owned partition, the next offset the database holds (none before the first write). */
    private final Map<Integer, Long> expected = new HashMap<>();
    private volatile boolean running;
    private KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    JournalFeed(ClusterMode mode, KafkaJournal journal, DurableLog filter, ClusterMetrics metrics) {
        this.mode = mode;
        this.journal = journal;
        this.filter = filter;
        this.metrics = metrics;
    }

    void start() {
        running = true;
        Properties properties = mode.groupConsumer("journal");
        properties.put("max.poll.records", "2000");
        consumer = new KafkaConsumer<>(properties);
        thread = ConsumerThread.start("cellhub-journal-feed", this::run);
    }

    void stop() {
        running = false;
        ConsumerThread.stop(consumer, thread, 15_000);
    }

    Set<Integer> partitions() {
        return new TreeSet<>(partitions);
    }

    private void run() {
        try {
            consumer.subscribe(List.of(mode.ingestTopic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                    seekToStored(assigned);
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    revoked.forEach(partition -> {
                        partitions.remove(partition.partition());
                        expected.remove(partition.partition());
                    });
                }
            });
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    write(records);
                }
            }
        } catch (WakeupException stopping) {
            // stop() woke the poll
        } catch (RuntimeException e) {
            LOG.errorf(e, "The journal feed failed; this replica journals nothing until it restarts");
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void seekToStored(Collection<TopicPartition> assigned) {
        while (running) {
            try {
                Map<Integer, Long> stored = journal.nextOffsets(mode.ingestTopic());
                for (TopicPartition partition : assigned) {
                    Long next = stored.get(partition.partition());
                    if (next != null) {
                        consumer.seek(partition, next);
                        expected.put(partition.partition(), next);
                    } else {
                        consumer.seekToBeginning(List.of(partition));
                        expected.remove(partition.partition());
                    }
                    partitions.add(partition.partition());
                }
                return;
            } catch (SQLException e) {
                LOG.warnf("Journal feed: could not read the stored offsets (%s); retrying in 1 s", e.getMessage());
                sleep(1_000);
            }
        }
    }

    private void write(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> batch = records.records(partition);
            long next = consumer.position(partition);
            Long known = expected.get(partition.partition());
            long from = known != null ? known : batch.get(0).offset();
            List<TopicMessage> rows = new ArrayList<>(batch.size());
            long[] offsets = new long[batch.size()];
            for (ConsumerRecord<String, byte[]> record : batch) {
                if (record.offset() < from) {
                    continue; // written already
                }
                TopicMessage message = MqttRecords.message(record.headers(), record.value(), record.timestamp());
                if (message != null && filter.records(message.topic())) {
                    offsets[rows.size()] = record.offset();
                    rows.add(message);
                }
            }
            if (next <= from) {
                continue;
            }
            if (write(partition, from, next, rows, offsets)) {
                expected.put(partition.partition(), next);
                done.put(partition, new OffsetAndMetadata(next));
                metrics.journaled(rows.size());
            }
        }
        if (!done.isEmpty()) {
            consumer.commitAsync(done, (offsets, failure) -> {
                if (failure != null) {
                    LOG.debugf("Journal feed: committing offsets to Kafka failed (the database holds the real ones): %s",
                            failure.getMessage());
                }
            });
        }
    }

    /** Writes the rows; when another replica wrote the partition meanwhile, goes back to its stored offset. */
    private boolean write(TopicPartition partition, long from, long next, List<TopicMessage> rows, long[] offsets) {
        while (running) {
            try {
                if (journal.write(mode.ingestTopic(), partition.partition(), from, next, rows, offsets)) {
                    return true;
                }
                LOG.infof("Journal feed: partition %d was written elsewhere meanwhile; reading again from the stored offset",
                        partition.partition());
                seekToStored(List.of(partition));
                return false;
            } catch (SQLException e) {
                LOG.warnf("Journal feed: writing %d row(s) of partition %d failed (%s); retrying in 1 s", rows.size(),
                        partition.partition(), e.getMessage());
                sleep(1_000);
            }
        }
        return false;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
